import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { openDecompressed } from './decompress.js';

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Split into small chunks so the magic-byte sniffing must join chunks. */
function trickle(data: Buffer): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += 3) parts.push(data.subarray(i, i + 3));
  return Readable.from(parts);
}

describe('openDecompressed', () => {
  const plain = Buffer.from(`${'a'.repeat(5000)}the end`);

  test('passes a plain stream through unchanged', async () => {
    assert.deepEqual(await readAll(await openDecompressed(trickle(plain))), plain);
  });

  test('gunzips a gzip stream found by its magic bytes', async () => {
    assert.deepEqual(await readAll(await openDecompressed(trickle(zlib.gzipSync(plain)))), plain);
  });

  test('decompresses zstd with the zstd command', async () => {
    const z = execFileSync('zstd', ['-c', '-q'], { input: plain });
    assert.deepEqual(z.subarray(0, 4), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    assert.deepEqual(await readAll(await openDecompressed(trickle(z))), plain);
  });

  test('decompresses bzip2 and xz, which docker ADD also unpacks', async () => {
    for (const cmd of ['bzip2', 'xz']) {
      const c = execFileSync(cmd, ['-c', '-q'], { input: plain });
      assert.deepEqual(await readAll(await openDecompressed(trickle(c))), plain, cmd);
    }
  });

  test('a corrupt zstd stream ends in an error, not a short read', async () => {
    const z = execFileSync('zstd', ['-c', '-q'], { input: plain });
    const broken = Buffer.concat([z.subarray(0, 10), Buffer.alloc(50, 0xff)]);
    await assert.rejects(readAll(await openDecompressed(Readable.from([broken]))), /decompressing zstd layer/);
  });

  test('a corrupt gzip stream ends in an error', async () => {
    const gz = zlib.gzipSync(plain);
    await assert.rejects(readAll(await openDecompressed(Readable.from([gz.subarray(0, gz.length - 20)]))));
  });

  test('an empty stream is an empty plain stream', async () => {
    assert.equal((await readAll(await openDecompressed(Readable.from([])))).length, 0);
  });
});
