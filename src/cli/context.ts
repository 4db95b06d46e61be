import type { Engine } from '../core/engine.js';

/** Global options every command sees (podman's names for the storage roots). */
export interface GlobalOptions {
  root?: string;
  runroot?: string;
  runtime?: string;
  logLevel?: string;
}

/**
 * What a command handler gets: the engine, built lazily so `--help` and `version` never open the
 * database, and the process's streams so commands never reach for globals.
 */
export interface CliContext {
  globals: () => GlobalOptions;
  engine: () => Promise<Engine>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** set by commands that pass a container's status through (run, start -a, exec, wait) */
  setExitCode: (code: number) => void;
}
