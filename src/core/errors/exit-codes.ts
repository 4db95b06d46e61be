import { BerthError, type ErrorKind } from './berth-error.js';

/**
 * `docker run`'s exit codes: 125 when the engine fails, 126/127 for the container's command. The
 * CLI uses them for run/create; its other commands exit 1 when refused (src/cli/exit-status.ts).
 */
const EXIT_CODES: Record<ErrorKind, number> = {
  NotFound: 125,
  AlreadyExists: 125,
  InvalidArgument: 125,
  Conflict: 125,
  FailedPrecondition: 125,
  PermissionDenied: 125,
  Unavailable: 125,
  NotImplemented: 125,
  Internal: 125,
  CannotInvoke: 126,
  CommandNotFound: 127,
};

/** HTTP statuses for the Docker Engine API (later issues). */
const HTTP_STATUS: Record<ErrorKind, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  InvalidArgument: 400,
  Conflict: 409,
  FailedPrecondition: 409,
  PermissionDenied: 403,
  Unavailable: 503,
  NotImplemented: 501,
  Internal: 500,
  CannotInvoke: 500,
  CommandNotFound: 404,
};

export function exitCodeOf(e: unknown): number {
  return e instanceof BerthError ? EXIT_CODES[e.kind] : 125;
}

export function httpStatusOf(e: unknown): number {
  return e instanceof BerthError ? HTTP_STATUS[e.kind] : 500;
}
