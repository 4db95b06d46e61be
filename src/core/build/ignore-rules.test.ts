import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { globRegExp } from './glob.js';
import { ignoreMatcher, loadIgnoreRules, parseIgnoreFile } from './ignore-rules.js';

test('ignoreMatcher() follows docker, not gitignore: a bare name matches at the root only', () => {
  const m = ignoreMatcher(['abc', '*.log', '!keep.log', 'build/**', '**/*.tmp']);
  assert.equal(m.ignores('abc'), true);
  assert.equal(m.ignores('sub/abc'), false);
  assert.equal(m.ignores('a.log'), true);
  assert.equal(m.ignores('sub/a.log'), false);
  assert.equal(m.ignores('keep.log'), false);
  assert.equal(m.ignores('build/x/y'), true);
  assert.equal(m.ignores('deep/er/f.tmp'), true);
  assert.equal(m.ignores(''), false);
});

test('an exception re-includes a path under an excluded directory', () => {
  const m = ignoreMatcher(['docs', '!docs/README.md']);
  assert.equal(m.ignores('docs/other.md'), true);
  assert.equal(m.ignores('docs/README.md'), false);
});

test('parseIgnoreFile() drops comments and blank lines', () => {
  assert.deepEqual(parseIgnoreFile('# c\n\n a \n!b\n'), ['a', '!b']);
});

test('globRegExp() is Go filepath.Match: * stays within one component', () => {
  assert.equal(globRegExp('plain'), undefined);
  assert.equal(globRegExp('*.txt')?.test('a.txt'), true);
  assert.equal(globRegExp('*.txt')?.test('d/a.txt'), false);
  assert.equal(globRegExp('f?[0-9]')?.test('fx7'), true);
  assert.equal(globRegExp('[^a]*')?.test('abc'), false);
});

test('an ignore file that is a FIFO is refused, not read (reading would block until someone writes)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ignore-fifo-'));
  try {
    execFileSync('mkfifo', [path.join(dir, '.dockerignore')]);
    assert.throws(() => loadIgnoreRules(dir), /ignore file ".*\.dockerignore" is not a regular file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
