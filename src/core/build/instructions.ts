/**
 * The instructions of a Containerfile as the parser hands them to the executor. Values are kept
 * raw (quotes and `$VAR` references intact): what they expand to depends on the ENV and ARG in
 * effect where each runs, which only the executor knows.
 */

/** `["a","b"]` (exec form) or the text after the instruction word (shell form). */
export type CommandForm = { json: string[] } | { shell: string };

/** `<<EOF` … `EOF`: a file or script written inline. */
export interface Heredoc {
  /** the word after `<<` (quotes removed): the terminator, and the file name for COPY */
  name: string;
  content: string;
  /** false when the word was quoted (`<<"EOF"`): then no variable is expanded in the content */
  expand: boolean;
}

interface Common {
  /** 1-based line of the instruction word, and of its last line (continuations, heredocs) */
  line: number;
  endLine: number;
  /** the logical line as written, continuations joined: what history's created_by shows */
  original: string;
  /** `--name=value` flags before the arguments; `--name` alone has the value 'true' */
  flags: Record<string, string>;
}

export type Instruction =
  | (Common & { kind: 'FROM'; image: string; stageName?: string })
  | (Common & { kind: 'RUN'; command: CommandForm; heredocs: Heredoc[] })
  | (Common & { kind: 'CMD' | 'ENTRYPOINT'; command: CommandForm })
  | (Common & { kind: 'COPY' | 'ADD'; sources: string[]; dest: string; heredocs: Heredoc[] })
  | (Common & { kind: 'ENV' | 'LABEL'; pairs: Array<[string, string]> })
  | (Common & { kind: 'ARG'; args: Array<{ name: string; value?: string }> })
  | (Common & { kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string })
  | (Common & { kind: 'EXPOSE' | 'VOLUME'; values: string[] })
  | (Common & { kind: 'SHELL'; shell: string[] })
  | (Common & { kind: 'HEALTHCHECK'; test: 'NONE' | CommandForm })
  | (Common & { kind: 'ONBUILD'; trigger: Instruction; text: string });

export type InstructionKind = Instruction['kind'];

/** A parsed file: its directives and instructions in order. */
export interface Containerfile {
  /** the name errors report (the -f path as given, or `Containerfile`) */
  file: string;
  /** `# escape=` (default backslash) */
  escape: string;
  /** `# syntax=`, recorded and otherwise ignored (there is no frontend to switch to) */
  syntax?: string;
  instructions: Instruction[];
}
