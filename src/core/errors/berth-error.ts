/**
 * The kinds of failure berth distinguishes (containerd's errdefs, trimmed). Code branches on the
 * kind, never on the message; the edge (CLI, API) maps a kind to an exit code or HTTP status.
 */
export type ErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'Conflict'
  | 'FailedPrecondition'
  | 'PermissionDenied'
  | 'Unavailable'
  | 'NotImplemented'
  | 'Internal'
  /** the container's command could not be invoked (docker exit 126) */
  | 'CannotInvoke'
  /** the container's command was not found (docker exit 127) */
  | 'CommandNotFound';

export interface BerthErrorOptions {
  cause?: unknown;
  hint?: string;
}

/**
 * The one error type of berth's core. Messages are lower case, no final period, values quoted,
 * so that wrapped chains read as one line: `loading "x.tar": reading manifest: ...`.
 *
 * @example
 * throw new BerthError('NotFound', 'no such container: "web"');
 */
export class BerthError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.kind = kind;
    this.hint = options.hint;
  }
}

/** Narrow an unknown caught value to an Error with a message. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Prefix what was being done: `wrap(e, 'loading "x.tar"')` keeps the kind of a BerthError. */
export function wrap(e: unknown, context: string): BerthError {
  if (e instanceof BerthError) {
    return new BerthError(e.kind, `${context}: ${e.message}`, { cause: e, ...(e.hint ? { hint: e.hint } : {}) });
  }
  return new BerthError('Internal', `${context}: ${errorMessage(e)}`, { cause: e });
}

/** Node's system errors carry a code such as ENOENT. */
export function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}
