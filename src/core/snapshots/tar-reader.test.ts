import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pack } from 'tar-stream';
import { TarReader, type TarHeader } from './tar-reader.js';

interface Seen {
  header: TarHeader;
  body: Buffer;
}

/** Every entry of the tar, fed in pieces of `chunk` bytes (each piece copied, then overwritten: as a reused buffer). */
function read(tar: Buffer, chunk: number): Seen[] {
  const seen: Seen[] = [];
  let cur: { header: TarHeader; parts: Buffer[] } | undefined;
  const r = new TarReader({
    entry: (header) => {
      cur = { header, parts: [] };
      return (piece) => cur?.parts.push(Buffer.from(piece));
    },
    entryEnd: () => {
      if (cur) seen.push({ header: cur.header, body: Buffer.concat(cur.parts) });
      cur = undefined;
    },
  });
  const scratch = Buffer.alloc(chunk);
  for (let o = 0; o < tar.length; o += chunk) {
    const n = tar.copy(scratch, 0, o, Math.min(o + chunk, tar.length));
    r.write(scratch.subarray(0, n));
    scratch.fill(0xee);
  }
  r.finish();
  return seen;
}

const CHUNKS = [1, 7, 511, 512, 4096, 1 << 20];

function gnuTar(format: string, build: (dir: string) => string[], extra: string[] = []): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-reader-'));
  try {
    const names = build(dir);
    const r = spawnSync('tar', ['-C', dir, `--format=${format}`, '--mtime=@1700000000', '--sort=name', ...extra, '-cf', '-', ...names], { maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr.toString());
    return r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('entries and bodies of a tar-stream archive come out whole, however the bytes are split', async () => {
  const p = pack();
  const big = Buffer.alloc(70_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  p.entry({ name: 'dir/', type: 'directory', mode: 0o755, mtime: new Date(1_600_000_000_000) });
  p.entry({ name: 'dir/big.bin', mode: 0o644, uid: 1000, gid: 1001, mtime: new Date(1_600_000_001_000) }, big);
  p.entry({ name: 'dir/empty', mode: 0o600 }, Buffer.alloc(0));
  p.entry({ name: 'dir/link', type: 'symlink', linkname: '../x' });
  p.entry({ name: 'dir/hard', type: 'link', linkname: 'dir/big.bin' });
  p.entry({ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 });
  p.entry({ name: `long/${'n'.repeat(150)}/${'m'.repeat(120)}.txt` }, Buffer.from('far down'));
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  const tar = Buffer.concat(chunks);
  for (const chunk of CHUNKS) {
    const seen = read(tar, chunk);
    assert.deepEqual(
      seen.map((s) => [s.header.name, s.header.type]),
      [
        ['dir/', 'directory'],
        ['dir/big.bin', 'file'],
        ['dir/empty', 'file'],
        ['dir/link', 'symlink'],
        ['dir/hard', 'link'],
        ['dev/null', 'character-device'],
        [`long/${'n'.repeat(150)}/${'m'.repeat(120)}.txt`, 'file'],
      ],
      `chunks of ${chunk}`,
    );
    assert.deepEqual(seen[1]?.body, big);
    assert.equal(seen[1]?.header.uid, 1000);
    assert.equal(seen[1]?.header.gid, 1001);
    assert.equal(seen[1]?.header.mode, 0o644);
    assert.equal(seen[1]?.header.mtime.getTime(), 1_600_000_001_000);
    assert.equal(seen[3]?.header.linkname, '../x');
    assert.equal(seen[4]?.header.linkname, 'dir/big.bin');
    assert.deepEqual([seen[5]?.header.devmajor, seen[5]?.header.devminor], [1, 3]);
    assert.equal(seen[6]?.body.toString(), 'far down');
  }
});

test('GNU tar formats: ustar name prefixes, gnu long names and base-256 ids, pax records, old v7 headers', () => {
  const deep = `${'a'.repeat(90)}/${'b'.repeat(90)}/file.txt`; // > 100 bytes: ustar splits it into a prefix
  const longer = `${'c'.repeat(200)}/${'d'.repeat(150)}.txt`; // > 255: gnu and pax only
  const make = (names: string[]) => (dir: string) => {
    for (const n of names) {
      fs.mkdirSync(path.join(dir, path.dirname(n)), { recursive: true });
      fs.writeFileSync(path.join(dir, n), `content of ${path.basename(n)}`);
    }
    return names.map((n) => n.split('/')[0] as string).filter((n, i, a) => a.indexOf(n) === i);
  };
  for (const chunk of [1, 512, 1 << 20]) {
    const ustar = read(gnuTar('ustar', make([deep])), chunk);
    assert.ok(
      ustar.some((s) => s.header.name === deep && s.body.toString() === 'content of file.txt'),
      'ustar prefix joined',
    );

    const gnu = read(gnuTar('gnu', make([longer]), ['--owner=big:3000000', '--group=big:3000001']), chunk);
    const g = gnu.find((s) => s.header.type === 'file');
    assert.equal(g?.header.name, longer, 'gnu long name');
    assert.deepEqual([g?.header.uid, g?.header.gid], [3_000_000, 3_000_001], 'base-256 ids');

    const pax = read(gnuTar('pax', make([longer]), ['--owner=big:3000000', '--pax-option=mtime:=1700000000.5']), chunk);
    const x = pax.find((s) => s.header.type === 'file');
    assert.equal(x?.header.name, longer, 'pax path');
    assert.equal(x?.header.uid, 3_000_000, 'pax uid');
    assert.equal(x?.body.toString(), `content of ${'d'.repeat(150)}.txt`);

    const v7 = read(gnuTar('v7', make(['old/file'])), chunk);
    assert.deepEqual(
      v7.map((s) => [s.header.name, s.header.type]),
      [
        ['old/', 'directory'],
        ['old/file', 'file'],
      ],
      'v7: a trailing slash makes a directory',
    );
  }
  const links = read(
    gnuTar('gnu', (dir) => {
      fs.writeFileSync(path.join(dir, 'target'), 'x');
      fs.symlinkSync('x'.repeat(300), path.join(dir, 'sym'));
      return ['sym', 'target'];
    }),
    512,
  );
  assert.equal(links.find((s) => s.header.name === 'sym')?.header.linkname, 'x'.repeat(300), 'gnu long link name');
});

test('a PAX global header gives defaults; a link or directory with a size has no body, as Go reads it', () => {
  const header = (name: string, flag: string, size: number) => {
    const b = Buffer.alloc(512);
    b.write(name, 0);
    b.write('0000644\0', 100);
    b.write('0000000\0', 108);
    b.write('0000000\0', 116);
    b.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    b.write('00000000000\0', 136);
    b.write(flag, 156);
    b.write('ustar\0' + '00', 257);
    let sum = 8 * 32;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i] as number;
    b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return b;
  };
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  const rec = (k: string, v: string) => {
    const body = ` ${k}=${v}\n`;
    let len = body.length + 1;
    if (String(len).length + body.length !== len) len = String(len + 1).length + body.length;
    return `${len}${body}`;
  };
  const global = Buffer.from(rec('uid', '4242'));
  const tar = Buffer.concat([
    header('pax_global_header', 'g', global.length),
    pad(global),
    header('dir', '5', 1024), // no body follows, whatever the size says
    header('file', '0', 3),
    pad(Buffer.from('abc')),
    Buffer.alloc(1024),
  ]);
  const seen = read(tar, 100);
  assert.deepEqual(
    seen.map((s) => [s.header.name, s.header.type, s.header.uid, s.body.toString()]),
    [
      ['dir', 'directory', 4242, ''],
      ['file', 'file', 4242, 'abc'],
    ],
  );
});

test('a bad checksum, a cut archive or a malformed PAX record throws', async () => {
  const p = pack();
  p.entry({ name: 'a.txt' }, Buffer.alloc(2000, 1));
  p.entry({ name: 'b.txt', pax: { comment: 'x' } }, Buffer.from('b'));
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  const tar = Buffer.concat(chunks);
  const bad = Buffer.from(tar);
  bad[10] = 0x41;
  assert.throws(() => read(bad, 512), /checksum/);
  for (const cut of [100, 512, 1000, 2540, 2600]) assert.throws(() => read(tar.subarray(0, cut), 512), /unexpected end/, `cut at ${cut}`);
  // the PAX record of b.txt: its length field made wrong
  const paxAt = tar.indexOf(Buffer.from(' comment=x\n'));
  const broken = Buffer.from(tar);
  broken.write('99', paxAt - 2);
  assert.throws(() => read(broken, 512), /PAX/);
});

test('two zero blocks end the archive: what comes after them is not read', async () => {
  const p = pack();
  p.entry({ name: 'kept.txt' }, Buffer.from('kept'));
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  const tar = Buffer.concat(chunks); // ends with two zero blocks
  const after = Buffer.concat([tar, Buffer.alloc(512, 0x41), Buffer.from('trailing garbage')]);
  for (const chunk of [1, 512, 1 << 20]) {
    assert.deepEqual(
      read(after, chunk).map((s) => s.header.name),
      ['kept.txt'],
    );
  }
});
