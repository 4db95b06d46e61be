import { BerthError } from '../errors/berth-error.js';
import type { ContainerStatus } from './container-record.js';

/**
 * The container state machine, in one place. Every change of a container's status goes through
 * `canTransition` (checked inside the store's write transaction) and every verb asks `verbGuard`
 * what it may do in the status it finds, under the container's lock (see locks.ts):
 *
 *   created ──start──▶ running ◀──unpause── paused
 *      │                 │ ──pause──────────▶ │
 *      │                 ▼ exit               │ exit (kill)
 *      ├──────────────▶ exited ◀──────────────┘
 *      │                 │  ▲ ──restart policy──▶ restarting ──start──▶ running
 *      │                 │  └──── stopped while waiting ───┘
 *      └──rm──▶ removing ◀──rm── (the row goes last; a killed rm leaves `removing`, which a
 *                                  second rm finishes and nothing else acts on)
 */
export const ALL_STATUSES: readonly ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'exited', 'removing'];

const NEXT: Readonly<Record<ContainerStatus, readonly ContainerStatus[]>> = {
  // start; a process that ended before its start was recorded; rm
  created: ['running', 'exited', 'removing'],
  // pause; the process ended (or was killed)
  running: ['paused', 'exited'],
  // unpause; killed while frozen (stop thaws it)
  paused: ['running', 'exited'],
  // the policy's start; stopped (or failed to start) between two runs
  restarting: ['running', 'exited'],
  // start; the restart policy claims it; rm
  exited: ['running', 'restarting', 'removing'],
  // only the row's deletion leaves it
  removing: [],
};

/** Statuses with a process to watch (or, restarting, one about to come): berth's one notion of a live container. */
const ACTIVE: ReadonlySet<ContainerStatus> = new Set(['running', 'paused', 'restarting']);

export function isActive(status: ContainerStatus): boolean {
  return ACTIVE.has(status);
}

/** Whether the state machine has the edge from → to (staying in a status is always allowed). */
export function canTransition(from: ContainerStatus, to: ContainerStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

export function assertTransition(name: string, from: ContainerStatus, to: ContainerStatus): void {
  if (!canTransition(from, to)) throw new BerthError('Conflict', `container "${name}" cannot go from ${from} to ${to}`);
}

export type Verb = 'start' | 'stop' | 'kill' | 'pause' | 'unpause' | 'remove' | 'forceRemove' | 'exec' | 'attach' | 'rename';

/** act: do it; noop: already done (docker: starting a running container is not an error). */
export type Guard = { act: true } | { act: false; noop: true } | { act: false; noop: false; error: BerthError };

const ACT: Guard = { act: true };
const NOOP: Guard = { act: false, noop: true };
const refuse = (kind: 'Conflict', message: string): Guard => ({ act: false, noop: false, error: new BerthError(kind, message) });

/** What a verb does in each status, with docker's words where it refuses. */
export function verbGuard(verb: Verb, status: ContainerStatus, c: { id: string; name: string }): Guard {
  if (status === 'removing' && verb !== 'remove' && verb !== 'forceRemove' && verb !== 'stop') {
    return refuse('Conflict', `container "${c.name}" is being removed`);
  }
  switch (verb) {
    case 'start':
      // docker's daemon: a paused container is refused, a running one is left as it is
      if (status === 'paused') return refuse('Conflict', 'cannot start a paused container, try unpause instead');
      return status === 'running' ? NOOP : ACT;
    case 'stop':
      return isActive(status) ? ACT : NOOP;
    case 'kill':
      return status === 'running' || status === 'paused' ? ACT : refuse('Conflict', `cannot kill container: ${c.name}: container ${c.id} is not running`);
    case 'pause':
      if (status === 'paused') return refuse('Conflict', `container ${c.id} is already paused`);
      return status === 'running' ? ACT : refuse('Conflict', `container ${c.id} is not running`);
    case 'unpause':
      return status === 'paused' ? ACT : refuse('Conflict', `container ${c.id} is not paused`);
    case 'remove':
      return isActive(status)
        ? refuse('Conflict', `cannot remove container "/${c.name}": container is ${status}: stop the container before removing or force remove`)
        : ACT;
    case 'forceRemove':
      return ACT;
    case 'exec':
      if (status === 'paused') return refuse('Conflict', `container ${c.id} is paused, unpause the container before exec`);
      return status === 'running' ? ACT : refuse('Conflict', `container ${c.id} is not running`);
    case 'attach':
      if (status === 'paused') return refuse('Conflict', 'you cannot attach to a paused container, unpause it first');
      return status === 'running' ? ACT : refuse('Conflict', 'you cannot attach to a stopped container, start it first');
    case 'rename':
      return ACT;
  }
}

/** verbGuard that throws its refusal; true to act, false when it is a no-op. */
export function checkVerb(verb: Verb, status: ContainerStatus, c: { id: string; name: string }): boolean {
  const g = verbGuard(verb, status, c);
  if (g.act) return true;
  if (g.noop) return false;
  throw g.error;
}
