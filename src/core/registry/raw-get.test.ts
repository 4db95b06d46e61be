import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { RawGet, parseHead } from './raw-get.js';

/** A server that answers every connection with `answer` (raw bytes, maybe in pieces), then closes or not. */
async function serve(pieces: Buffer[], close = true): Promise<{ url: URL; requests: string[]; stop: () => Promise<void> }> {
  const requests: string[] = [];
  const server = net.createServer((s) => {
    s.once('data', async (d) => {
      requests.push(d.toString('latin1'));
      for (const p of pieces) {
        s.write(p);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (close) s.end();
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: new URL(`http://127.0.0.1:${port}/v2/x/blobs/sha256:ab?q=1`), requests, stop: () => new Promise((r) => server.close(() => r())) };
}

function collect(): { data: (c: Buffer) => boolean; hash: () => string; n: () => number } {
  const h = createHash('sha256');
  let n = 0;
  return { data: (c) => ((n += c.length), h.update(c), true), hash: () => h.digest('hex'), n: () => n };
}

test('parseHead reads the status and lower-cased headers; anything else is malformed', () => {
  const h = parseHead('HTTP/1.1 200 OK\r\nContent-Length: 12\r\nDocker-Content-Digest: sha256:ab');
  assert.equal(h?.status, 200);
  assert.equal(h?.headers.get('content-length'), '12');
  assert.equal(h?.headers.get('docker-content-digest'), 'sha256:ab');
  assert.equal(parseHead('HTTP/2 200\r\n'), null);
  assert.equal(parseHead('HTTP/1.1 200 OK\r\nno colon here'), null);
});

test('a 200 with a Content-Length is read whole, split anywhere, and the request carries the headers', async () => {
  const body = Buffer.alloc(3 << 20, 7);
  const raw = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  const s = await serve([raw.subarray(0, 10), raw.subarray(10, 100_000), raw.subarray(100_000)], false);
  try {
    const c = collect();
    const r = await RawGet.run(s.url, { Authorization: 'Bearer t0k' }, c, () => undefined);
    assert.deepEqual(r, { handled: true, size: body.length });
    assert.equal(c.n(), body.length);
    assert.equal(c.hash(), createHash('sha256').update(body).digest('hex'));
    assert.match(s.requests[0] ?? '', /^GET \/v2\/x\/blobs\/sha256:ab\?q=1 HTTP\/1\.1\r\n/);
    assert.match(s.requests[0] ?? '', /\r\nAuthorization: Bearer t0k\r\n/);
  } finally {
    await s.stop();
  }
});

test('a redirect, an error status or a chunked body is left to the HTTP client, before any body byte', async () => {
  for (const head of [
    'HTTP/1.1 307 Temporary Redirect\r\nLocation: http://elsewhere/\r\nContent-Length: 0',
    'HTTP/1.1 401 Unauthorized\r\nContent-Length: 2',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked',
  ]) {
    const s = await serve([Buffer.from(`${head}\r\n\r\nxx`)]);
    try {
      const c = collect();
      const r = await RawGet.run(s.url, {}, c, () => undefined);
      assert.equal(r.handled, false);
      assert.equal(c.n(), 0);
    } finally {
      await s.stop();
    }
  }
});

test('a body cut short, a malformed answer and a consumer that throws are errors', async () => {
  let s = await serve([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this')]);
  await assert.rejects(
    RawGet.run(s.url, {}, collect(), () => undefined),
    /connection closed with 91 bytes of the body still to come/,
  );
  await s.stop();
  s = await serve([Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')]);
  await assert.rejects(
    RawGet.run(s.url, {}, collect(), () => undefined),
    /malformed HTTP response/,
  );
  await s.stop();
  s = await serve([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd')]);
  await assert.rejects(
    RawGet.run(
      s.url,
      {},
      {
        data: () => {
          throw new Error('digest mismatch');
        },
      },
      () => undefined,
    ),
    /digest mismatch/,
  );
  await s.stop();
});
