/**
 * The runtime adapter: everything that talks to the OCI runtime binary (runc, crun) and to
 * conmon. It knows container ids and paths, never berth's metadata.
 *
 * Lifecycle of a container (the container service drives it):
 *   createWithConmon → (attach) → OciRuntime.start → exit file (waitForExit) → OciRuntime.delete
 */
export { attach, attachSocketPath, resizeTerminal, type AttachEnd, type AttachOptions, type AttachSession } from './attach.js';
export { createWithConmon, type ConmonCreated, type ConmonCreateOptions } from './conmon.js';
export { DEFAULT_DETACH_KEYS, DetachKeyMatcher, parseDetachKeys } from './detach-keys.js';
export { execDetached, execForeground, type ExecOptions } from './exec.js';
export { readExitCode, waitForExit, type WaitForExitOptions } from './exit-file.js';
export { formatLogTime, parseLogRecord, parseLogTime, type LogRecord, type LogTime } from './k8s-log-format.js';
export { readLogs, type ReadLogsOptions } from './logs.js';
export { OciRuntime, type RuntimeDriver, type RuntimeState, type RuntimeStatus } from './oci-runtime.js';
export { classifyStartError, OciRuntimeError, runtimeErrorMessage } from './oci-runtime-error.js';
export { isLive, isProcessAlive, isSameProcessAlive, readPidFile, readProcStartTime, startTimeOf } from './process-util.js';
export { runAttached, type RunAttachedOptions, type RunAttachedResult } from './run-attached.js';
export { findConmon, findRuntime, runtimeVersion, type RuntimeChoice } from './runtime-select.js';
export { PROXIED_SIGNALS, relaySignals, signalNumber } from './signals.js';
