import { BerthError } from '../errors/index.js';

/** docker's default detach sequence for attached terminals: ctrl-p, ctrl-q. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

const CTRL_SPECIAL: Readonly<Record<string, number>> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 };

/**
 * Parse a `--detach-keys` value: comma-separated keys, each one character or `ctrl-<x>` with x
 * in a-z, @, [, \, ], ^, _ (docker's syntax). '' means no detach sequence (empty buffer).
 *
 * @example
 * parseDetachKeys('ctrl-p,ctrl-q'); // <Buffer 10 11>
 */
export function parseDetachKeys(spec: string): Buffer {
  if (spec === '') return Buffer.alloc(0);
  const bytes = spec.split(',').map((key) => {
    const k = key.trim();
    if (k.length === 1 && k.charCodeAt(0) < 128) return k.charCodeAt(0);
    const ctrl = /^ctrl-(.)$/i.exec(k)?.[1];
    if (ctrl !== undefined) {
      const lower = ctrl.toLowerCase();
      if (lower >= 'a' && lower <= 'z') return lower.charCodeAt(0) - 96;
      const special = CTRL_SPECIAL[ctrl];
      if (special !== undefined) return special;
    }
    throw new BerthError('InvalidArgument', `invalid detach key: ${JSON.stringify(k)}`, {
      hint: 'use a single character or ctrl-<value> with a-z, @, ^, [, \\, ] or _, e.g. "ctrl-p,ctrl-q"',
    });
  });
  return Buffer.from(bytes);
}

/**
 * Finds a detach sequence in a client's input stream. Bytes that could start the sequence are
 * held back until the next byte shows whether they do (as docker's escape proxy); held bytes
 * that turn out not to be the sequence are forwarded.
 *
 * @example
 * const m = new DetachKeyMatcher(parseDetachKeys('ctrl-p,ctrl-q'));
 * m.feed(Buffer.from('ls\x10')); // { forward: 'ls', detach: false } (ctrl-p held)
 * m.feed(Buffer.from('\x11'));   // { forward: '', detach: true }
 */
export class DetachKeyMatcher {
  private readonly keys: Buffer;
  private matched = 0;

  constructor(keys: Buffer) {
    this.keys = keys;
  }

  feed(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const first = this.keys[0];
    if (first === undefined || (this.matched === 0 && !chunk.includes(first))) return { forward: chunk, detach: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) {
          this.matched = 0;
          return { forward: Buffer.from(out), detach: true };
        }
        continue;
      }
      if (this.matched > 0) {
        out.push(...this.keys.subarray(0, this.matched));
        this.matched = 0;
        if (b === first) {
          this.matched = 1;
          if (this.keys.length === 1) return { forward: Buffer.from(out), detach: true };
          continue;
        }
      }
      out.push(b);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
