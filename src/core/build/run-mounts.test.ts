import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { insideRoot, parseRunMount, treeDigest } from './run-mounts.js';

test("RUN --mount specs as BuildKit writes them: defaults per type, docker's key aliases", () => {
  assert.deepEqual(parseRunMount('type=cache,target=/root/.cache,id=pip,sharing=locked,mode=0700,uid=10'), {
    type: 'cache',
    target: '/root/.cache',
    source: '.',
    readonly: false,
    id: 'pip',
    mode: 0o700,
    uid: 10,
    required: false,
  });
  const bind = parseRunMount('target=/src,source=app,from=builder');
  assert.deepEqual([bind.type, bind.readonly, bind.from, bind.source], ['bind', true, 'builder', 'app']);
  assert.equal(parseRunMount('type=bind,dst=/x,rw').readonly, false);
  assert.equal(parseRunMount('type=cache,target=/c').id, '/c');
  const secret = parseRunMount('type=secret,id=npmrc,required');
  assert.deepEqual([secret.target, secret.required, secret.readonly], ['/run/secrets/npmrc', true, true]);
  assert.equal(parseRunMount('type=tmpfs,target=/t,size=1048576').size, 1048576);
  assert.throws(() => parseRunMount('type=ssh'), /type=ssh is not supported/);
  assert.throws(() => parseRunMount('type=volume,target=/x'), /unsupported mount type "volume"/);
  assert.throws(() => parseRunMount('type=cache'), /needs a target/);
  assert.throws(() => parseRunMount('type=cache,target=/x,color=red'), /unknown key "color"/);
  assert.throws(() => parseRunMount('type=cache,target=/x,uid=me'), /uid=me is not a number/);
});

test('a bind source stays inside its root, and its digest follows its content', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-runmount-'));
  try {
    fs.mkdirSync(path.join(dir, 'ctx', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'ctx', 'sub', 'f'), 'one');
    fs.writeFileSync(path.join(dir, 'outside'), 'secret');
    fs.symlinkSync('../../outside', path.join(dir, 'ctx', 'sub', 'escape'));
    const root = path.join(dir, 'ctx');
    assert.equal(insideRoot(root, '../sub'), path.join(root, 'sub'), '".." cannot climb above the root');
    assert.throws(() => insideRoot(root, 'sub/escape'), /leads outside its root/);
    assert.throws(() => insideRoot(root, 'nothere'), /source "nothere" not found/);
    fs.rmSync(path.join(root, 'sub', 'escape'));
    const before = treeDigest(path.join(root, 'sub'));
    assert.equal(treeDigest(path.join(root, 'sub')), before);
    fs.writeFileSync(path.join(root, 'sub', 'f'), 'two');
    assert.notEqual(treeDigest(path.join(root, 'sub')), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
