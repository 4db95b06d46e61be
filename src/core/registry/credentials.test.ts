import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authFilePath, readCredential, removeCredential, storeCredential } from './credentials.js';

test('credentials round-trip through a docker config.json, mode 0600, other keys kept', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cred-'));
  try {
    const file = path.join(dir, 'sub', 'config.json');
    storeCredential(file, 'localhost:5000', { username: 'u', password: 'p:w' });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readCredential(file, 'localhost:5000'), { username: 'u', password: 'p:w' });
    assert.equal(readCredential(file, 'other:1'), undefined);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    doc['credsStore'] = 'none';
    doc['auths'] = { ...(doc['auths'] as object), 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') } };
    fs.writeFileSync(file, JSON.stringify(doc));
    storeCredential(file, 'localhost:5000', { username: 'u2', password: 'x' });
    assert.deepEqual(readCredential(file, 'docker.io'), { username: 'hub', password: 'pw' });
    assert.deepEqual(readCredential(file, 'localhost:5000'), { username: 'u2', password: 'x' });
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)['credsStore'], 'none');
    assert.ok(removeCredential(file, 'localhost:5000'));
    assert.ok(!removeCredential(file, 'localhost:5000'));
    assert.equal(readCredential(file, 'localhost:5000'), undefined);
    assert.ok(removeCredential(file, 'docker.io'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('authFilePath() prefers --authfile, then $BERTH_AUTH_FILE, then docker config', () => {
  assert.equal(authFilePath('/x', { BERTH_AUTH_FILE: '/y' }), '/x');
  assert.equal(authFilePath(undefined, { BERTH_AUTH_FILE: '/y' }), '/y');
  assert.equal(authFilePath(undefined, { DOCKER_CONFIG: '/d' }), '/d/config.json');
  assert.equal(authFilePath(undefined, { HOME: '/h' }), '/h/.docker/config.json');
});
