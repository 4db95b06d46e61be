import { BerthError } from '../errors/berth-error.js';

/**
 * A Containerfile that cannot be parsed: where (file, 1-based line and column) and what. The
 * message reads `Containerfile:3: unknown instruction: "FORM"`, as docker reports file and line;
 * callers that show an editor jump or the offending line read the fields.
 *
 * @example
 * throw new ContainerfileSyntaxError({ file: 'Dockerfile', line: 3, column: 1, reason: 'unknown instruction: "FORM"', instruction: 'FORM busybox' });
 */
export class ContainerfileSyntaxError extends BerthError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** the text of the offending instruction (its first line), '' when there is none */
  readonly instruction: string;
  readonly reason: string;

  constructor(a: { file: string; line: number; column?: number; reason: string; instruction?: string }) {
    const where = `${a.file}:${a.line}`;
    const what = a.instruction ? `: ${JSON.stringify(a.instruction.length > 80 ? `${a.instruction.slice(0, 77)}...` : a.instruction)}` : '';
    super('InvalidArgument', `${where}: ${a.reason}${what}`);
    this.name = 'ContainerfileSyntaxError';
    this.file = a.file;
    this.line = a.line;
    this.column = a.column ?? 1;
    this.instruction = a.instruction ?? '';
    this.reason = a.reason;
  }
}
