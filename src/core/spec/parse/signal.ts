import { invalidArgument } from './invalid.js';

/** Linux signal numbers (x86 and arm share them), without the SIG prefix. */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
  RTMIN: 34,
  RTMAX: 64,
};

const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** The usual name of a signal number: 15 → "SIGTERM", 36 → "SIGRTMIN+2". */
export function signalName(n: number): string {
  for (const [name, num] of Object.entries(SIGNALS)) {
    if (num === n && name !== 'IOT' && name !== 'CLD' && name !== 'POLL') return `SIG${name}`;
  }
  if (n > SIGRTMIN && n < SIGRTMAX) return `SIGRTMIN+${n - SIGRTMIN}`;
  return String(n);
}

/**
 * A signal as docker's --signal/--stop-signal take it: `SIGTERM`, `TERM`, `term`, `15`,
 * `RTMIN+3`, `SIGRTMAX-1`.
 *
 * @example parseSignal('KILL') // 9
 */
export function parseSignal(value: string): number {
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n >= 1 && n <= SIGRTMAX) return n;
    throw invalidArgument(`invalid signal: "${value}"`);
  }
  const name = v.toUpperCase().replace(/^SIG/, '');
  const known = SIGNALS[name];
  if (known !== undefined) return known;
  const rt = /^RT(MIN|MAX)([+-])(\d+)$/.exec(name);
  if (rt) {
    const n = rt[1] === 'MIN' ? SIGRTMIN + (rt[2] === '+' ? 1 : -1) * Number(rt[3]) : SIGRTMAX + (rt[2] === '+' ? 1 : -1) * Number(rt[3]);
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
  }
  throw invalidArgument(`invalid signal: "${value}"`);
}
