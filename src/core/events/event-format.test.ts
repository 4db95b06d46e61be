import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventLine, eventMessage, formatNano, matchEvent, parseEventFilters } from './event-format.js';
import type { BerthEvent } from './event-log.js';

const die: BerthEvent = {
  type: 'container',
  action: 'die',
  id: 'abc123',
  attributes: { name: 'web', image: 'busybox', exitCode: '3', tier: 'front' },
  timeNano: '1700000000000000042',
};
const tag: BerthEvent = { type: 'image', action: 'tag', id: 'sha256:ff00', attributes: { name: 'bb:x' }, timeNano: '1700000001000000000' };
const vol: BerthEvent = { type: 'volume', action: 'create', id: 'data', attributes: { driver: 'local' }, timeNano: '1700000002000000000' };

test("docker's event line: fixed nine-digit nanoseconds, attributes sorted", () => {
  assert.equal(formatNano('1700000000000000042'), '2023-11-14T22:13:20.000000042Z');
  assert.equal(eventLine(die), '2023-11-14T22:13:20.000000042Z container die abc123 (exitCode=3, image=busybox, name=web, tier=front)');
  assert.equal(eventLine({ ...vol, attributes: {} }), '2023-11-14T22:13:22.000000000Z volume create data');
});

test("docker's JSON message: legacy status/id/from for containers and images only, exact timeNano", () => {
  const m = eventMessage(die);
  assert.deepEqual(
    [m['status'], m['id'], m['from'], m['Type'], m['Action'], m['scope'], m['time']],
    ['die', 'abc123', 'busybox', 'container', 'die', 'local', 1700000000],
  );
  assert.equal(m['timeNano'], 1700000000000000042n);
  assert.equal(eventMessage(vol)['status'], undefined);
  assert.equal(eventMessage(tag)['from'], undefined);
});

test('filters: one key OR-ed, keys AND-ed, object filters keep other types out; bad ones refused', () => {
  const m = (e: BerthEvent, ...f: string[]) => matchEvent(e, parseEventFilters(f));
  assert.ok(m(die, 'container=web'));
  assert.ok(m(die, 'container=abc'));
  assert.ok(!m(tag, 'container=web'));
  assert.ok(m(die, 'event=die', 'event=start'));
  assert.ok(!m(die, 'event=start'));
  assert.ok(m(die, 'type=container', 'image=busybox'));
  assert.ok(m(tag, 'image=bb:x'));
  assert.ok(m(die, 'label=tier=front'));
  assert.ok(!m(die, 'label=tier=back'));
  assert.ok(m(vol, 'volume=data'));
  assert.ok(m({ ...die, action: 'health_status: healthy' }, 'event=health_status'));
  assert.throws(() => parseEventFilters(['nope=1']), /invalid filter 'nope'/);
  assert.throws(() => parseEventFilters(['type=thing']), /Invalid filter value for type: thing/);
  assert.throws(() => parseEventFilters(['container']), /bad format of filter/);
});
