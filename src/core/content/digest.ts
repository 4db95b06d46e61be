import { createHash } from 'node:crypto';
import { BerthError } from '../errors/index.js';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/**
 * The OCI digest of some bytes: `sha256:<64 lower-case hex>`.
 *
 * @example
 * sha256Digest('') // 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * True for a well-formed sha256 digest (the only algorithm berth stores).
 *
 * @example
 * isDigest('sha256:' + 'a'.repeat(64)) // true
 */
export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/**
 * The hex part of a digest, or an InvalidArgument error; used wherever a digest becomes a path,
 * so that no caller-supplied string is ever joined onto a directory unchecked.
 *
 * @example
 * path.join(blobs, digestHex(desc.digest))
 */
export function digestHex(digest: string): string {
  if (!isDigest(digest)) {
    throw new BerthError('InvalidArgument', `invalid digest: "${digest}"`, {
      hint: 'a digest looks like sha256:<64 lower-case hex characters>',
    });
  }
  return digest.slice('sha256:'.length);
}
