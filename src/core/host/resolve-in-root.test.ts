import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveInRoot } from './resolve-in-root.js';

test('resolveInRoot() keeps absolute and relative symlinks and .. inside the root', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rir-'));
  fs.mkdirSync(path.join(root, 'usr/lib'), { recursive: true });
  fs.symlinkSync('/', path.join(root, 'escape'));
  fs.symlinkSync('../../../../etc', path.join(root, 'up'));
  fs.symlinkSync('usr/lib', path.join(root, 'lib'));
  assert.equal(resolveInRoot(root, '/escape/etc/passwd'), path.join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/up/shadow'), path.join(root, 'etc/shadow'));
  assert.equal(resolveInRoot(root, '/lib/x'), path.join(root, 'usr/lib/x'));
  assert.equal(resolveInRoot(root, '/../../x'), path.join(root, 'x'));
  assert.equal(resolveInRoot(root, '/missing/../../../etc/x'), path.join(root, 'etc/x'), 'a missing component then .. stays inside');
  fs.symlinkSync('loop', path.join(root, 'loop'));
  assert.throws(() => resolveInRoot(root, '/loop/x'), /too many levels/);
  fs.rmSync(root, { recursive: true });
});
