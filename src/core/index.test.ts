import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

describe('the berth/core entry point (package.json exports)', () => {
  it('resolves to a module that exists, with its type declarations, and exports the engine service', async () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(fs.readFileSync(require.resolve('../../../package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    const entry = pkg.exports['./core'];
    assert.ok(entry);
    const root = new URL('../../../', import.meta.url);
    assert.ok(fs.existsSync(new URL(entry.default, root)), `${entry.default} exists`);
    assert.ok(fs.existsSync(new URL(entry.types, root)), `${entry.types} exists`);
    // the package resolves itself by name through its exports
    // (a computed name: the compiler must not need dist/ to build the sources that make it)
    const name = 'berth/core';
    const core = (await import(name)) as Record<string, unknown>;
    for (const fn of [
      'openEngine',
      'Engine',
      'runDetached',
      'runForeground',
      'createForRun',
      'startContainer',
      'stopContainer',
      'killContainer',
      'removeContainer',
      'waitContainer',
      'cleanupContainer',
      'canTransition',
    ]) {
      assert.equal(typeof core[fn], 'function', fn);
    }
    const types = fs.readFileSync(new URL(entry.types, root), 'utf8');
    assert.match(types, /ContainerRecord/);
  });
});
