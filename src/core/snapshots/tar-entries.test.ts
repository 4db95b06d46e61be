import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTar } from './_tar-fixture.js';
import { readTarEntries } from './tar-entries.js';

/** tar's bytes as a stream would give them, `size` bytes a chunk. */
async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < buf.length; o += size) yield buf.subarray(o, o + size);
}

test('readTarEntries gives each entry with its body, whatever the chunk size; a body left unread is skipped', async () => {
  const big = Buffer.alloc(5000, 'b');
  const tar = await makeTar([
    { header: { name: 'dir/', type: 'directory' } },
    { header: { name: 'dir/a.txt' }, body: 'hello\n' },
    { header: { name: 'dir/big' }, body: big },
    { header: { name: 'dir/link', type: 'symlink', linkname: 'a.txt' } },
    { header: { name: 'fifo', type: 'fifo' } },
    { header: { name: 'last.txt' }, body: 'end' },
  ]);
  for (const size of [1, 100, 512, 1 << 16]) {
    const seen: string[] = [];
    for await (const e of readTarEntries(chunks(tar, size))) {
      if (e.header.name === 'dir/big') {
        seen.push(`${e.header.name} unread`);
        continue;
      }
      const parts: Buffer[] = [];
      for await (const p of e.body) parts.push(p);
      seen.push(`${e.header.type} ${e.header.name} ${e.header.linkname} ${Buffer.concat(parts).toString()}`);
    }
    assert.deepEqual(
      seen,
      ['directory dir/  ', 'file dir/a.txt  hello\n', 'dir/big unread', 'symlink dir/link a.txt ', 'fifo fifo  ', 'file last.txt  end'],
      `chunks of ${size}`,
    );
  }
});

test('readTarEntries throws on a truncated tar, and closes its source when the reader stops early', async () => {
  const tar = await makeTar([
    { header: { name: 'a' }, body: Buffer.alloc(2000, 'a') },
    { header: { name: 'b' }, body: 'b' },
  ]);
  await assert.rejects(async () => {
    for await (const e of readTarEntries([tar.subarray(0, 1500)])) for await (const _ of e.body) void _;
  }, /unexpected end of tar data/);

  let closed = false;
  async function* src(): AsyncGenerator<Buffer> {
    try {
      yield* chunks(tar, 512);
    } finally {
      closed = true;
    }
  }
  for await (const e of readTarEntries(src())) {
    assert.equal(e.header.name, 'a');
    break;
  }
  assert.ok(closed);
});
