import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerStatus } from './container-record.js';
import { ALL_STATUSES, assertTransition, canTransition, isActive, verbGuard, type Verb } from './transitions.js';

const c = { id: 'f'.repeat(64), name: 'web' };

describe('container state machine', () => {
  it('has exactly the documented edges, and refuses every other', () => {
    const edges: Record<ContainerStatus, ContainerStatus[]> = {
      created: ['running', 'exited', 'removing'],
      running: ['paused', 'exited'],
      paused: ['running', 'exited'],
      restarting: ['running', 'exited'],
      exited: ['running', 'restarting', 'removing'],
      removing: [],
    };
    for (const from of ALL_STATUSES) {
      for (const to of ALL_STATUSES) {
        const expected = from === to || edges[from].includes(to);
        assert.equal(canTransition(from, to), expected, `${from} -> ${to}`);
        if (expected) assertTransition('web', from, to);
        else assert.throws(() => assertTransition('web', from, to), { message: `container "web" cannot go from ${from} to ${to}` });
      }
    }
  });

  it('every status berth enters is reachable from created, and removing is the only way out', () => {
    const seen = new Set<ContainerStatus>(['created']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const from of [...seen]) {
        for (const to of ALL_STATUSES) {
          if (!seen.has(to) && canTransition(from, to)) {
            seen.add(to);
            grew = true;
          }
        }
      }
    }
    assert.deepEqual([...seen].sort(), [...ALL_STATUSES].sort());
    assert.equal(ALL_STATUSES.includes('dead' as ContainerStatus), false, 'dead is never entered, so it is not a status');
  });

  it('active statuses are the ones with a process (or one about to come)', () => {
    assert.deepEqual(ALL_STATUSES.filter(isActive), ['running', 'paused', 'restarting']);
  });

  it("each verb acts, does nothing, or refuses with docker's words, in each status", () => {
    // act | noop | the refusal's message
    const table: Record<Verb, Record<ContainerStatus, string>> = {
      start: {
        created: 'act',
        running: 'noop',
        paused: 'cannot start a paused container, try unpause instead',
        restarting: 'act',
        exited: 'act',
        removing: 'container "web" is being removed',
      },
      stop: { created: 'noop', running: 'act', paused: 'act', restarting: 'act', exited: 'noop', removing: 'noop' },
      kill: {
        created: `cannot kill container: web: container ${c.id} is not running`,
        running: 'act',
        paused: 'act',
        restarting: `cannot kill container: web: container ${c.id} is not running`,
        exited: `cannot kill container: web: container ${c.id} is not running`,
        removing: 'container "web" is being removed',
      },
      pause: {
        created: `container ${c.id} is not running`,
        running: 'act',
        paused: `container ${c.id} is already paused`,
        restarting: `container ${c.id} is not running`,
        exited: `container ${c.id} is not running`,
        removing: 'container "web" is being removed',
      },
      unpause: {
        created: `container ${c.id} is not paused`,
        running: `container ${c.id} is not paused`,
        paused: 'act',
        restarting: `container ${c.id} is not paused`,
        exited: `container ${c.id} is not paused`,
        removing: 'container "web" is being removed',
      },
      remove: {
        created: 'act',
        running: 'cannot remove container "/web": container is running: stop the container before removing or force remove',
        paused: 'cannot remove container "/web": container is paused: stop the container before removing or force remove',
        restarting: 'cannot remove container "/web": container is restarting: stop the container before removing or force remove',
        exited: 'act',
        removing: 'act',
      },
      forceRemove: { created: 'act', running: 'act', paused: 'act', restarting: 'act', exited: 'act', removing: 'act' },
      exec: {
        created: `container ${c.id} is not running`,
        running: 'act',
        paused: `container ${c.id} is paused, unpause the container before exec`,
        restarting: `container ${c.id} is not running`,
        exited: `container ${c.id} is not running`,
        removing: 'container "web" is being removed',
      },
      attach: {
        created: 'you cannot attach to a stopped container, start it first',
        running: 'act',
        paused: 'you cannot attach to a paused container, unpause it first',
        restarting: 'you cannot attach to a stopped container, start it first',
        exited: 'you cannot attach to a stopped container, start it first',
        removing: 'container "web" is being removed',
      },
      rename: { created: 'act', running: 'act', paused: 'act', restarting: 'act', exited: 'act', removing: 'container "web" is being removed' },
    };
    for (const [verb, row] of Object.entries(table) as Array<[Verb, Record<ContainerStatus, string>]>) {
      for (const status of ALL_STATUSES) {
        const g = verbGuard(verb, status, c);
        const got = g.act ? 'act' : g.noop ? 'noop' : g.error.message;
        assert.equal(got, row[status], `${verb} in ${status}`);
        if (!g.act && !g.noop) assert.equal(g.error.kind, 'Conflict');
      }
    }
  });
});
