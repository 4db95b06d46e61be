import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prunable } from './prune-filters.js';

test('until keeps what is newer or undated; labels must all hold, label! must not', () => {
  const until = new Date('2026-01-01T00:00:00Z');
  assert.equal(prunable({ until }, '2025-06-01T00:00:00Z', {}), true);
  assert.equal(prunable({ until }, '2026-06-01T00:00:00Z', {}), false);
  assert.equal(prunable({ until }, '', {}), false);
  const labels = [
    { key: 'tier', value: 'web', negate: false },
    { key: 'keep', negate: true },
  ];
  assert.equal(prunable({ labels }, '', { tier: 'web' }), true);
  assert.equal(prunable({ labels }, '', { tier: 'db' }), false);
  assert.equal(prunable({ labels }, '', { tier: 'web', keep: '' }), false);
  assert.equal(prunable({}, '', {}), true);
});
