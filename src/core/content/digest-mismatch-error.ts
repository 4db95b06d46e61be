import { BerthError } from '../errors/index.js';

/**
 * Content did not match the digest (or size) it was announced with. Callers catch it to retry a
 * download or to report a corrupt registry; nothing that failed this check is ever kept.
 *
 * @example
 * throw new DigestMismatchError('blob', 'sha256:aa..', 'sha256:bb..');
 */
export class DigestMismatchError extends BerthError {
  readonly expected: string;
  readonly actual: string;

  /** what: "blob", "layer diff id", ...; expected/actual: digests, or sizes for a size mismatch */
  constructor(what: string, expected: string, actual: string, field: 'digest' | 'size' = 'digest') {
    const q = field === 'digest' ? (s: string) => `"${s}"` : (s: string) => s;
    super('InvalidArgument', `${what} ${field} mismatch: expected ${q(expected)}, got ${q(actual)}`);
    this.name = 'DigestMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}
