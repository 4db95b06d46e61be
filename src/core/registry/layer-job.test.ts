import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import linux from 'berth-linux';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { makeTar } from '../snapshots/_tar-fixture.js';
import { LayerLanes } from './layer-lanes.js';
import { runLayerJob, type LayerJob } from './layer-job.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let dir: string;
let n = 0;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-layerjob-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A job that reads `blob` from a file, writes it again and unpacks it into a fresh directory. */
function jobFor(blob: Buffer): LayerJob & { blobTemp: string; unpackDir: string } {
  const k = n++;
  const blobPath = path.join(dir, `in-${k}`);
  fs.writeFileSync(blobPath, blob);
  const unpackDir = path.join(dir, `unpack-${k}`);
  fs.mkdirSync(unpackDir);
  return { blobPath, blobTemp: path.join(dir, `out-${k}`), unpackDir, size: blob.length };
}

/** The sink fed in uneven chunks: what comes out, and its digests. */
/** The sink's tar, copied out of its small output buffer (overwritten after each callback). */
function throughSink(blob: Buffer, chunk = 7919, outSize = 4096): { tar: Buffer; digest: string; diffId: string; size: number } {
  const buf = Buffer.alloc(outSize);
  const s = linux.layerSinkOpen(-1, buf);
  const out: Buffer[] = [];
  const onTar = (n: number) => {
    assert.ok(n > 0 && n <= outSize);
    out.push(Buffer.from(buf.subarray(0, n)));
    buf.fill(0xee);
  };
  for (let o = 0; o < blob.length; o += chunk) linux.layerSinkWrite(s, blob.subarray(o, o + chunk), onTar);
  const end = linux.layerSinkEnd(s, onTar);
  return { tar: Buffer.concat(out), digest: end.digest, diffId: end.diffId, size: end.size };
}

test('the native sink hashes the blob, inflates gzip (one member or several) and hashes the tar', () => {
  const plain = Buffer.concat([randomBytes(600_000), Buffer.from('text '.repeat(200_000))]);
  const cases = {
    gzip: zlib.gzipSync(plain),
    members: Buffer.concat([zlib.gzipSync(plain.subarray(0, 1000)), zlib.gzipSync(plain.subarray(1000))]),
    plain,
    tiny: Buffer.from('abc'),
  };
  for (const [name, blob] of Object.entries(cases)) {
    for (const chunk of [1, 7919, 1 << 20]) {
      if (chunk === 1 && blob.length > 100_000) continue;
      const r = throughSink(blob, chunk);
      const expected = name === 'tiny' ? blob : plain;
      assert.ok(r.tar.equals(expected), `${name}/${chunk}: tar bytes`);
      assert.equal(r.digest, sha(blob), `${name}: blob digest`);
      assert.equal(r.diffId, sha(expected), `${name}: diff id`);
      assert.equal(r.size, blob.length);
    }
  }
});

test('the native sink refuses a cut gzip stream, corrupt gzip data and other compressions', () => {
  const gz = zlib.gzipSync(randomBytes(100_000));
  assert.throws(() => throughSink(gz.subarray(0, 5000)), { code: 'EGZIP', message: /unexpected end of file/ });
  // corrupt data: refused by inflate, or (gzip's CRC is not checked: the sha256 digests are) a
  // different diff id, which the pull compares with the image's
  const text = zlib.gzipSync(Buffer.from('compressible text '.repeat(10_000)));
  for (const [blob, at] of [
    [gz, 5000],
    [text, 40],
  ] as const) {
    const bad = Buffer.from(blob);
    bad[at] = (bad[at] ?? 0) ^ 0xff;
    let diffId: string | undefined;
    try {
      diffId = throughSink(bad).diffId;
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'EGZIP');
    }
    if (diffId !== undefined) assert.notEqual(diffId, throughSink(blob).diffId);
  }
  const zstd = spawnSync('zstd', ['-q', '-c'], { input: Buffer.from('hello') }).stdout;
  assert.ok(zstd.length > 0, 'zstd(1) made a zstd stream to refuse');
  assert.throws(() => throughSink(zstd), { code: 'ECOMPRESSION' });
  // a closed sink is an error, not a crash
  const s = linux.layerSinkOpen(-1, Buffer.alloc(16));
  linux.layerSinkEnd(s, () => undefined);
  assert.throws(() => linux.layerSinkWrite(s, Buffer.from('x'), () => undefined), { code: 'ECLOSED' });
  // what the tar's consumer throws stops the write and reaches the caller
  const t = linux.layerSinkOpen(-1, Buffer.alloc(16));
  assert.throws(
    () =>
      linux.layerSinkWrite(t, Buffer.alloc(100, 1), () => {
        throw new Error('unpacker refused');
      }),
    /unpacker refused/,
  );
  linux.layerSinkClose(t);
  assert.throws(() => linux.layerSinkOpen(-1, Buffer.alloc(0)), TypeError);
});

test('a layer job writes the blob byte for byte and unpacks the tar it carries', async () => {
  const tar = await makeTar([
    { header: { name: 'etc/', type: 'directory' } },
    { header: { name: 'etc/hello' }, body: 'hello from a layer\n' },
    { header: { name: 'big.bin' }, body: randomBytes(2_000_000) },
  ]);
  const blob = zlib.gzipSync(tar);
  const job = jobFor(blob);
  const progress: number[] = [];
  const r = await runLayerJob(job, (b) => progress.push(b));
  assert.deepEqual(r, { ok: true, digest: sha(blob), diffId: sha(tar), size: blob.length, unpackedSize: 2_000_000 + 19 });
  assert.ok(fs.readFileSync(job.blobTemp).equals(blob));
  assert.equal(fs.readFileSync(path.join(job.unpackDir, 'etc/hello'), 'utf8'), 'hello from a layer\n');
  assert.equal(fs.statSync(path.join(job.unpackDir, 'big.bin')).size, 2_000_000);
  assert.equal(progress.at(-1), blob.length);
});

test('a layer job fails, without writing outside its directory, on a hostile tar, a cut blob or a longer one', async () => {
  const hostile = zlib.gzipSync(await makeTar([{ header: { name: '../escaped' }, body: 'x' }]));
  const h = jobFor(hostile);
  const r = await runLayerJob(h);
  assert.equal(r.ok, false);
  assert.ok(!fs.existsSync(path.join(path.dirname(h.unpackDir), 'escaped')));

  const gz = zlib.gzipSync(await makeTar([{ header: { name: 'f' }, body: randomBytes(100_000) }]));
  const cut = await runLayerJob(jobFor(gz.subarray(0, gz.length >> 1)));
  assert.equal(cut.ok, false);
  assert.match(cut.ok ? '' : cut.message, /unexpected end of file/);

  const long = jobFor(gz);
  const over = await runLayerJob({ ...long, size: gz.length - 1 });
  assert.equal(over.ok, false);
  assert.match(over.ok ? '' : over.message, /larger than/);
});

test('lanes run jobs on worker threads as on this one, biggest first when they have to wait', async () => {
  const blobs = await Promise.all([1, 2, 3, 4].map(async (k) => zlib.gzipSync(await makeTar([{ header: { name: `f${k}` }, body: randomBytes(k * 100_000) }]))));
  const lanes = new LayerLanes(2);
  try {
    const results = await Promise.all(blobs.map((b) => lanes.run(jobFor(b))));
    results.forEach((r, i) => assert.deepEqual(r.ok && [r.digest, r.size], [sha(blobs[i] as Buffer), (blobs[i] as Buffer).length]));
    const cancelled = await lanes.run(jobFor(blobs[0] as Buffer), undefined, () => true);
    assert.deepEqual(cancelled, { ok: false, message: 'cancelled' });
  } finally {
    lanes.close();
  }
});
