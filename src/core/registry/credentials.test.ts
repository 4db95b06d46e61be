import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authFilePath, readCredential, removeAllCredentials, removeCredential, storeCredential } from './credentials.js';

test('credentials round-trip through a docker config.json, mode 0600, other keys kept', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cred-'));
  try {
    const file = path.join(dir, 'sub', 'config.json');
    storeCredential(file, 'localhost:5000', { username: 'u', password: 'p:w' });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readCredential(file, 'localhost:5000'), { username: 'u', password: 'p:w' });
    assert.equal(readCredential(file, 'other:1'), undefined);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    doc['psFormat'] = 'table {{.ID}}';
    doc['auths'] = { ...(doc['auths'] as object), 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') } };
    fs.writeFileSync(file, JSON.stringify(doc));
    storeCredential(file, 'localhost:5000', { username: 'u2', password: 'x' });
    assert.deepEqual(readCredential(file, 'docker.io'), { username: 'hub', password: 'pw' });
    assert.deepEqual(readCredential(file, 'localhost:5000'), { username: 'u2', password: 'x' });
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)['psFormat'], 'table {{.ID}}');
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

test("a credential helper (credsStore, credHelpers per registry) keeps the secrets: docker's protocol", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-credhelper-'));
  const oldPath = process.env['PATH'];
  try {
    // a helper that keeps its secrets in one file per server, as docker-credential-pass would in pass
    const store = path.join(dir, 'store');
    fs.mkdirSync(store);
    const script = (name: string) =>
      fs.writeFileSync(
        path.join(dir, `docker-credential-${name}`),
        [
          '#!/bin/sh',
          `d=${store}/${name}; mkdir -p "$d"`,
          'case "$1" in',
          '  get) read -r s; k=$(printf %s "$s" | tr -c "a-zA-Z0-9" _); if [ -f "$d/$k" ]; then cat "$d/$k"; else echo "credentials not found in native keychain"; exit 1; fi ;;',
          '  store) j=$(cat); s=$(printf %s "$j" | sed \'s/.*"ServerURL":"\\([^"]*\\)".*/\\1/\'); k=$(printf %s "$s" | tr -c "a-zA-Z0-9" _); printf %s "$j" > "$d/$k" ;;',
          '  erase) read -r s; k=$(printf %s "$s" | tr -c "a-zA-Z0-9" _); rm "$d/$k" 2>/dev/null || { echo "credentials not found in native keychain"; exit 1; } ;;',
          'esac',
        ].join('\n'),
        { mode: 0o755 },
      );
    script('vault');
    script('special');
    process.env['PATH'] = `${dir}:${oldPath ?? ''}`;
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ credsStore: 'vault', credHelpers: { 'special.example:5000': 'special' } }));

    storeCredential(file, 'localhost:5000', { username: 'u', password: 's3cret' });
    storeCredential(file, 'special.example:5000', { username: 'v', password: 'other' });
    const text = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /s3cret|other/);
    assert.deepEqual(Object.keys((JSON.parse(text) as { auths: object }).auths).sort(), ['localhost:5000', 'special.example:5000']);
    assert.deepEqual(readCredential(file, 'localhost:5000'), { username: 'u', password: 's3cret' });
    assert.deepEqual(readCredential(file, 'special.example:5000'), { username: 'v', password: 'other' });
    assert.equal(fs.readdirSync(path.join(store, 'special')).length, 1);
    assert.equal(readCredential(file, 'nobody:1'), undefined);

    assert.ok(removeCredential(file, 'localhost:5000'));
    assert.equal(readCredential(file, 'localhost:5000'), undefined);
    assert.deepEqual(removeAllCredentials(file), ['special.example:5000']);
    assert.deepEqual(fs.readdirSync(path.join(store, 'special')), []);

    // a helper that is not installed: reading falls back to the file, storing is an error (as docker)
    fs.writeFileSync(file, JSON.stringify({ credsStore: 'absent', auths: { 'h:1': { auth: Buffer.from('a:b').toString('base64') } } }));
    assert.deepEqual(readCredential(file, 'h:1'), { username: 'a', password: 'b' });
    assert.throws(() => storeCredential(file, 'h:1', { username: 'a', password: 'c' }), /docker-credential-absent not found in PATH/);
  } finally {
    process.env['PATH'] = oldPath;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
