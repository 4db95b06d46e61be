import { jsonArray } from '../images/json-array.js';
import { ContainerfileSyntaxError } from './containerfile-syntax-error.js';
import type { CommandForm, Containerfile, Heredoc, Instruction } from './instructions.js';
import { ShellLex } from './shell-lex.js';

/** Flags each instruction accepts (docker's names); anything else is a syntax error. */
const FLAGS: Record<string, readonly string[]> = {
  FROM: ['platform'],
  RUN: ['network', 'mount'],
  COPY: ['from', 'chown', 'chmod', 'link'],
  ADD: ['chown', 'chmod', 'checksum', 'keep-git-dir', 'link'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

const KNOWN = new Set([
  'FROM',
  'RUN',
  'CMD',
  'ENTRYPOINT',
  'COPY',
  'ADD',
  'ENV',
  'LABEL',
  'ARG',
  'WORKDIR',
  'USER',
  'STOPSIGNAL',
  'MAINTAINER',
  'EXPOSE',
  'VOLUME',
  'SHELL',
  'HEALTHCHECK',
  'ONBUILD',
]);

const HEREDOC_RE = /^<<(-?)(["']?)([A-Za-z0-9_.\-/]+)\2$/;

interface Logical {
  line: number;
  endLine: number;
  column: number;
  text: string;
}

/**
 * Parse a Containerfile (Dockerfile syntax): parser directives at the top (`# escape=`,
 * `# syntax=`), comments, line continuations (the escape character ending a line; comment and
 * empty lines inside a continuation are dropped, as docker does), heredocs for RUN, COPY and ADD
 * (`<<EOF`, `<<-EOF` stripping leading tabs, `<<"EOF"` without expansion), and the flags and
 * argument forms of every instruction. Throws ContainerfileSyntaxError with file and line.
 *
 * @example
 * const cf = parseContainerfile('FROM busybox\nRUN echo hi\n', 'Containerfile');
 * cf.instructions[1] // { kind: 'RUN', command: { shell: 'echo hi' }, line: 2, … }
 */
export function parseContainerfile(text: string, file = 'Containerfile'): Containerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const cf: Containerfile = { file, escape: '\\', instructions: [] };
  let i = readDirectives(lines, cf);
  while (i < lines.length) {
    const raw = lines[i] as string;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    const logical = joinContinuations(lines, i, cf.escape);
    i = logical.endLine; // index of the line after the logical line (endLine is 1-based)
    const heredocs: Heredoc[] = [];
    const kind = firstWord(logical.text).toUpperCase();
    if (['RUN', 'COPY', 'ADD'].includes(kind) || (kind === 'ONBUILD' && /^\s*\S+\s+(RUN|COPY|ADD)\b/i.test(logical.text))) {
      i = readHeredocs(lines, i, logical, cf, heredocs);
    }
    cf.instructions.push(parseInstruction(logical, heredocs, cf, false));
  }
  return cf;
}

/** Directives are `# key=value` lines at the very top; the first other line ends them. */
function readDirectives(lines: string[], cf: Containerfile): number {
  let i = 0;
  const seen = new Set<string>();
  for (; i < lines.length; i++) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(lines[i] as string);
    if (!m) break;
    const key = (m[1] as string).toLowerCase();
    const value = m[2] as string;
    if (!['escape', 'syntax', 'check'].includes(key)) break; // an unknown directive is a comment
    if (seen.has(key)) throw syntax(cf, i + 1, `only one ${key} parser directive can be used`, lines[i] as string);
    seen.add(key);
    if (key === 'escape') {
      if (value !== '\\' && value !== '`') throw syntax(cf, i + 1, `invalid escape token '${value}' does not match \` or \\`, lines[i] as string);
      cf.escape = value;
    } else if (key === 'syntax') cf.syntax = value;
  }
  return i;
}

function joinContinuations(lines: string[], start: number, escape: string): Logical {
  const cont = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const first = lines[start] as string;
  let text = '';
  let i = start;
  let line = first;
  for (;;) {
    if (!cont.test(line)) {
      text += line;
      i++;
      break;
    }
    text += line.replace(cont, '');
    i++;
    // skip comment and empty lines inside a continuation
    while (i < lines.length && ((lines[i] as string).trim() === '' || (lines[i] as string).trimStart().startsWith('#'))) i++;
    if (i >= lines.length) break;
    line = lines[i] as string;
  }
  return { line: start + 1, endLine: i, column: first.length - first.trimStart().length + 1, text: text.trim() };
}

/** Heredoc bodies follow the instruction's line, one after the other in the order named. */
function readHeredocs(lines: string[], i: number, logical: Logical, cf: Containerfile, out: Heredoc[]): number {
  for (const w of rawWords(logical.text, cf.escape)) {
    const m = HEREDOC_RE.exec(w);
    if (!m) continue;
    const strip = m[1] === '-';
    const name = m[3] as string;
    const body: string[] = [];
    for (;;) {
      if (i >= lines.length) throw syntax(cf, logical.line, `unterminated heredoc "${name}"`, logical.text);
      let l = lines[i++] as string;
      if (strip) l = l.replace(/^\t+/, '');
      if (l === name) break;
      body.push(l);
    }
    out.push({ name, content: body.length ? `${body.join('\n')}\n` : '', expand: m[2] === '' });
  }
  logical.endLine = i;
  return i;
}

/** The words of an instruction's arguments as written (quotes kept): they are expanded when the step runs. */
function rawWords(s: string, escape: string): string[] {
  return new ShellLex(escape).rawWords(s).words;
}

function firstWord(s: string): string {
  return /^\S*/.exec(s)?.[0] ?? '';
}

function syntax(cf: Containerfile, line: number, reason: string, instruction = '', column = 1): ContainerfileSyntaxError {
  return new ContainerfileSyntaxError({ file: cf.file, line, column, reason, instruction: instruction.trim() });
}

function parseInstruction(l: Logical, heredocs: Heredoc[], cf: Containerfile, inOnbuild: boolean): Instruction {
  const word = firstWord(l.text);
  const kind = word.toUpperCase();
  const fail = (reason: string) => syntax(cf, l.line, reason, l.text, l.column);
  if (!KNOWN.has(kind)) throw fail(`unknown instruction: ${word}`);
  let rest = l.text.slice(word.length).trim();
  if (new ShellLex(cf.escape).rawWords(rest).openQuote && !['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'ONBUILD'].includes(kind)) {
    throw fail('unterminated quote');
  }
  const flags: Record<string, string> = {};
  const allowed = FLAGS[kind] ?? [];
  if (kind !== 'ONBUILD') {
    for (;;) {
      const m = /^--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
      if (!m) break;
      const name = m[1] as string;
      if (kind === 'RUN' && name === 'security') throw fail(`RUN --${name} is not supported`);
      if (!allowed.includes(name)) throw fail(`unknown flag: --${name}`);
      // RUN --mount repeats: its values (no whitespace in them) kept one per line
      flags[name] = name === 'mount' && flags[name] !== undefined ? `${flags[name]}\n${m[2] ?? ''}` : (m[2] ?? 'true');
      rest = rest.slice(m[0].length);
    }
  }
  const base = { line: l.line, endLine: l.endLine, original: l.text, flags };
  const words = () => rawWords(rest, cf.escape);
  switch (kind) {
    case 'FROM': {
      const w = words();
      if (w.length === 3 && (w[1] as string).toUpperCase() === 'AS') {
        const stageName = (w[2] as string).toLowerCase();
        if (!/^[a-z][a-z0-9-_.]*$/.test(stageName)) throw fail(`invalid name for build stage: "${w[2]}", name can't start with a number or contain symbols`);
        return { ...base, kind, image: w[0] as string, stageName };
      }
      if (w.length !== 1) throw fail('FROM requires either one or three arguments');
      return { ...base, kind, image: w[0] as string };
    }
    case 'RUN': {
      if (rest === '') throw fail('RUN requires at least one argument');
      return { ...base, kind, command: commandForm(rest), heredocs };
    }
    case 'CMD':
    case 'ENTRYPOINT':
      return { ...base, kind, command: commandForm(rest) };
    case 'COPY':
    case 'ADD': {
      const json = jsonArray(rest);
      const w = json ?? words();
      if (w.length < 2) throw fail(`${kind} requires at least two arguments, but only ${w.length} provided`);
      return { ...base, kind, sources: w.slice(0, -1), dest: w[w.length - 1] as string, heredocs };
    }
    case 'ENV':
    case 'LABEL':
      return { ...base, kind, pairs: nameValues(kind, rest, cf.escape, fail) };
    case 'ARG': {
      const w = words();
      if (w.length === 0) throw fail('ARG requires at least one argument');
      return {
        ...base,
        kind,
        args: w.map((a) => {
          const eq = a.indexOf('=');
          const name = eq < 0 ? a : a.slice(0, eq);
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw fail(`invalid ARG name "${name}"`);
          return eq < 0 ? { name } : { name, value: a.slice(eq + 1) };
        }),
      };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      if (rest === '') throw fail(`${kind} requires exactly one argument`);
      return { ...base, kind, value: rest };
    case 'EXPOSE':
    case 'VOLUME': {
      const v = (kind === 'VOLUME' ? jsonArray(rest) : undefined) ?? words();
      if (v.length === 0) throw fail(`${kind} requires at least one argument`);
      return { ...base, kind, values: v };
    }
    case 'SHELL': {
      const json = jsonArray(rest);
      if (!json) throw fail('SHELL requires the arguments to be in JSON form');
      if (json.length === 0) throw fail('SHELL requires at least one argument');
      return { ...base, kind, shell: json };
    }
    case 'HEALTHCHECK': {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
      const sub = m?.[1]?.toUpperCase();
      if (sub === 'NONE') {
        if (m?.[2] || Object.keys(flags).length) throw fail('HEALTHCHECK NONE takes no arguments');
        return { ...base, kind, test: 'NONE' };
      }
      if (sub !== 'CMD' || !m?.[2]) throw fail('HEALTHCHECK requires NONE or CMD and a command');
      return { ...base, kind, test: commandForm(m[2]) };
    }
    case 'ONBUILD': {
      if (inOnbuild) throw fail('chaining ONBUILD via `ONBUILD ONBUILD` is not allowed');
      const innerWord = firstWord(rest).toUpperCase();
      if (innerWord === 'FROM' || innerWord === 'MAINTAINER') throw fail(`${innerWord} isn't allowed as an ONBUILD trigger`);
      if (rest === '') throw fail('ONBUILD requires at least one argument');
      const trigger = parseInstruction({ ...l, text: rest }, heredocs, cf, true);
      return { ...base, kind, trigger, text: rest };
    }
  }
  throw fail(`unknown instruction: ${word}`);
}

/** Exec form when the text is a JSON array of strings; otherwise shell form (docker's rule). */
function commandForm(rest: string): CommandForm {
  const json = jsonArray(rest);
  return json ? { json } : { shell: rest };
}

/** `K=V K2="v 2"`, or the legacy `K some value` form with one name (docker's parseNameVal). */
function nameValues(kind: string, rest: string, escape: string, fail: (r: string) => Error): Array<[string, string]> {
  const w = rawWords(rest, escape);
  if (w.length === 0) throw fail(`${kind} requires at least one argument`);
  if (!(w[0] as string).includes('=')) {
    const m = /^(\S+)\s+([\s\S]+)$/.exec(rest);
    if (!m) throw fail(`${kind} must have two arguments`);
    return [[m[1] as string, (m[2] as string).trim()]];
  }
  return w.map((p) => {
    const eq = p.indexOf('=');
    if (eq < 0) throw fail(`syntax error - can't find = in "${p}", must be of the form: name=value`);
    if (eq === 0) throw fail(`${kind} names can not be blank`);
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}
