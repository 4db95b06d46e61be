import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BERTH_BIN, makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';
import { converse, type Observation } from '../../src/testkit/api-conformance.js';

// dockerd 20.10's answers to the same conversation (src/testkit/api-conformance.ts), recorded once
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/e2e/fixtures/dockerd-20.10-api.json');

let t: TestEnv;
let sock: string;
let server: ChildProcess;

before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  sock = path.join(t.runRoot, 'd.sock');
  server = spawn(BERTH_BIN, ['serve', '-H', `unix://${sock}`], { env: t.env, stdio: 'ignore' });
  for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await t.cleanup();
});

test('berth serve answers as dockerd 20.10 does: status codes, content types, JSON keys, frames, values', async () => {
  const want = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Observation[];
  const got = new Map((await converse(sock)).map((o) => [o.name, o]));
  for (const w of want) {
    const g = got.get(w.name);
    assert.ok(g, w.name);
    if (w.name === 'create bad json') {
      // dockerd 20.10 answers a malformed body with 500; a client error is a 4xx (as dockerd 23 answers it)
      assert.equal(g.status, 400, w.name);
    } else {
      assert.equal(g.status, w.status, `${w.name}: status`);
    }
    // dockerd sends no content type on log streams; berth says what they are
    if (w.contentType !== undefined) assert.equal(g.contentType, w.contentType, `${w.name}: content type`);
    for (const h of w.headers) if (h !== 'content-type') assert.ok(g.headers.includes(h), `${w.name}: header ${h}`);
    const missing = (w.keys ?? []).filter((k) => !(g.keys ?? []).includes(k));
    assert.deepEqual(missing, [], `${w.name}: keys dockerd has`);
    if (w.frames) assert.deepEqual(g.frames, w.frames, `${w.name}: frames`);
    if (w.values) assert.deepEqual(g.values, w.values, `${w.name}: values`);
    if (w.message !== undefined) assert.ok(g.message !== undefined && g.message !== '', `${w.name}: an error message`);
  }
});
