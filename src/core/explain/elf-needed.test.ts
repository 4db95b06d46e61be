import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readElfDynamic } from './elf-needed.js';
import { linkedLibraries } from './elf-libraries.js';

test('readElfDynamic() reads the libraries node links and its interpreter', () => {
  const d = readElfDynamic(fs.readFileSync(process.execPath));
  assert.equal(d.bits, 64);
  assert.equal(d.isStatic, false);
  assert.ok(d.needed.includes('libc.so.6'), d.needed.join(','));
  assert.match(d.interpreter ?? '', /ld-linux|ld-musl/);
});

test('readElfDynamic() of a static binary has no dynamic section', { skip: !fs.existsSync('/bin/busybox') }, () => {
  const d = readElfDynamic(fs.readFileSync('/bin/busybox'));
  assert.equal(d.isStatic, true);
  assert.deepEqual(d.needed, []);
});

test('readElfDynamic() refuses what is not an ELF file', () => {
  assert.throws(() => readElfDynamic(Buffer.from('#!/bin/sh\necho hello, this is a script\n'.repeat(3))), RangeError);
  const truncated = fs.readFileSync(process.execPath).subarray(0, 80);
  assert.throws(() => readElfDynamic(truncated), RangeError);
});

test('linkedLibraries() resolves the transitive closure to real files', () => {
  const libs = linkedLibraries(process.execPath);
  const libc = libs.find((l) => l.name === 'libc.so.6');
  assert.ok(libc?.path && fs.existsSync(libc.path));
  assert.equal(new Set(libs.map((l) => l.name)).size, libs.length);
});
