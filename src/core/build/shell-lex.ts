import { BerthError } from '../errors/berth-error.js';

/** Looks a variable up: the stage's ENV first, then its ARGs; undefined when unset. */
export type VarLookup = (name: string) => string | undefined;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Docker's shell lexer (moby/buildkit frontend/dockerfile/shell): expands `$VAR`, `${VAR}`,
 * `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}` and `${VAR?msg}`,
 * removes quotes (single: literal; double: `$` still expands) and escapes. This is what ENV,
 * ARG, LABEL, COPY, ADD, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL and FROM do with their words;
 * RUN, CMD and ENTRYPOINT are left to the container's shell.
 */
export class ShellLex {
  constructor(
    private readonly escape: string,
    private readonly lookup: VarLookup,
  ) {}

  /** One word: the result is never split. */
  word(s: string): string {
    return this.run(s, false).join('');
  }

  /** Several words: split on unquoted whitespace, including inside unquoted expansions. */
  words(s: string): string[] {
    return this.run(s, true);
  }

  /**
   * Variables only, quotes and other characters kept as written: heredoc content (BuildKit
   * expands `$VAR` in an unquoted `<<EOF` body but leaves its quotes alone). `\$` is a `$`.
   */
  vars(s: string): string {
    let out = '';
    for (let i = 0; i < s.length; ) {
      const c = s[i] as string;
      if (c === this.escape && s[i + 1] === '$') {
        out += '$';
        i += 2;
      } else if (c === '$') {
        const r = this.variable(s, i);
        out += r.text;
        i = r.next;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }

  private run(s: string, split: boolean): string[] {
    const out: string[] = [];
    let cur = '';
    let inWord = false;
    let i = 0;
    const push = () => {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    };
    while (i < s.length) {
      const c = s[i] as string;
      if (c === this.escape) {
        if (i + 1 < s.length) cur += s[i + 1];
        else cur += c;
        i += 2;
        inWord = true;
      } else if (c === "'") {
        const end = s.indexOf("'", i + 1);
        if (end < 0) throw new BerthError('InvalidArgument', `unexpected end of statement while looking for matching single-quote in "${s}"`);
        cur += s.slice(i + 1, end);
        i = end + 1;
        inWord = true;
      } else if (c === '"') {
        const r = this.doubleQuoted(s, i + 1);
        cur += r.text;
        i = r.next;
        inWord = true;
      } else if (c === '$') {
        const r = this.variable(s, i);
        i = r.next;
        if (split && r.expanded) {
          // an unquoted expansion splits into words as a shell would
          const parts = r.text.split(/[ \t\n]+/);
          parts.forEach((p, k) => {
            if (k > 0) push();
            if (p !== '') {
              cur += p;
              inWord = true;
            }
          });
          if (r.text !== '' && /[ \t\n]$/.test(r.text)) push();
        } else {
          cur += r.text;
          if (r.text !== '' || !r.expanded) inWord = true;
        }
      } else if (split && /\s/.test(c)) {
        push();
        i++;
      } else {
        cur += c;
        inWord = true;
        i++;
      }
    }
    push();
    return split ? out : [out.join('')];
  }

  private doubleQuoted(s: string, start: number): { text: string; next: number } {
    let text = '';
    let i = start;
    while (i < s.length) {
      const c = s[i] as string;
      if (c === '"') return { text, next: i + 1 };
      if (c === this.escape && i + 1 < s.length) {
        const n = s[i + 1] as string;
        if (n === '"' || n === '$' || n === this.escape) {
          text += n;
          i += 2;
          continue;
        }
        text += c;
        i++;
        continue;
      }
      if (c === '$') {
        const r = this.variable(s, i);
        text += r.text;
        i = r.next;
        continue;
      }
      text += c;
      i++;
    }
    throw new BerthError('InvalidArgument', `unexpected end of statement while looking for matching double-quote in "${s}"`);
  }

  /** At `$`: the expansion (or a literal `$` when no name follows), and where to go on. */
  private variable(s: string, at: number): { text: string; next: number; expanded: boolean } {
    const n = s[at + 1];
    if (n === '{') return this.braced(s, at + 2);
    if (n !== undefined && NAME_START.test(n)) {
      let j = at + 1;
      while (j < s.length && NAME_CHAR.test(s[j] as string)) j++;
      return { text: this.lookup(s.slice(at + 1, j)) ?? '', next: j, expanded: true };
    }
    return { text: '$', next: at + 1, expanded: false };
  }

  private braced(s: string, start: number): { text: string; next: number; expanded: boolean } {
    let j = start;
    while (j < s.length && NAME_CHAR.test(s[j] as string)) j++;
    const name = s.slice(start, j);
    if (name === '') throw new BerthError('InvalidArgument', `bad substitution in "${s}"`);
    if (s[j] === '}') return { text: this.lookup(name) ?? '', next: j + 1, expanded: true };
    let op = s[j] ?? '';
    let k = j + 1;
    if (op === ':') {
      op += s[k] ?? '';
      k++;
    }
    if (!['-', '+', '?', ':-', ':+', ':?'].includes(op)) throw new BerthError('InvalidArgument', `unsupported modifier (${op}) in substitution "${s}"`);
    // the word runs to the matching brace; nested ${…} are allowed inside it
    let depth = 1;
    let e = k;
    for (; e < s.length; e++) {
      if (s[e] === this.escape) e++;
      else if (s[e] === '{') depth++;
      else if (s[e] === '}' && --depth === 0) break;
    }
    if (e >= s.length) throw new BerthError('InvalidArgument', `missing '}' in substitution "${s}"`);
    const word = this.word(s.slice(k, e));
    const value = this.lookup(name);
    const colon = op.startsWith(':');
    const unset = value === undefined || (colon && value === '');
    let text: string;
    switch (op.slice(-1)) {
      case '-':
        text = unset ? word : (value as string);
        break;
      case '+':
        text = unset ? '' : word;
        break;
      default:
        if (unset) throw new BerthError('InvalidArgument', `${name}: ${word || 'is not allowed to be unset'}`);
        text = value as string;
    }
    return { text, next: e + 1, expanded: true };
  }
}
