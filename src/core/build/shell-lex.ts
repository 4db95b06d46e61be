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
 *
 * It is berth's one tokenizer of Dockerfile-style words: the parser's split of an instruction's
 * arguments into raw words (rawWords: quotes kept, nothing expanded, as docker's parser splits
 * before it expands) and `commit`/`import --change` (no lookup: `$` is literal, as berth does
 * not substitute in changes) use it too.
 */
export class ShellLex {
  /** lookup undefined: no substitution, `$` is an ordinary character */
  constructor(
    private readonly escape: string,
    private readonly lookup?: VarLookup,
  ) {}

  /** One word: the result is never split. */
  word(s: string): string {
    return this.run(s, 'word').join('');
  }

  /** Several words: split on unquoted whitespace, including inside unquoted expansions. */
  words(s: string): string[] {
    return this.run(s, 'split');
  }

  /**
   * Split on whitespace outside quotes, keeping quotes, escapes and `$` in the words; an
   * unterminated quote runs to the end (openQuote says so, for the parser to report).
   *
   * @example
   * new ShellLex('\\').rawWords(`a="b c" d`).words // ['a="b c"', 'd']
   */
  rawWords(s: string): { words: string[]; openQuote: boolean } {
    const state = { openQuote: false };
    return { words: this.run(s, 'raw', state), openQuote: state.openQuote };
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
      } else if (c === '$' && this.lookup) {
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

  /**
   * The one scanner: 'word' gives one word, 'split' splits on unquoted whitespace (and inside
   * unquoted expansions), 'raw' splits as 'split' but keeps the text as written.
   */
  private run(s: string, mode: 'word' | 'split' | 'raw', state = { openQuote: false }): string[] {
    const split = mode !== 'word';
    const raw = mode === 'raw';
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
        if (i + 1 < s.length) cur += raw ? s.slice(i, i + 2) : s[i + 1];
        else cur += c;
        i += 2;
        inWord = true;
      } else if (c === "'") {
        let end = s.indexOf("'", i + 1);
        if (end < 0) {
          if (!raw) throw new BerthError('InvalidArgument', `unexpected end of statement while looking for matching single-quote in "${s}"`);
          state.openQuote = true;
          end = s.length;
        }
        cur += raw ? s.slice(i, end + 1) : s.slice(i + 1, end);
        i = end + 1;
        inWord = true;
      } else if (c === '"') {
        const r = this.doubleQuoted(s, i + 1, raw);
        if (r.open) state.openQuote = true;
        cur += raw ? `"${r.text}` : r.text;
        i = r.next;
        inWord = true;
      } else if (c === '$' && this.lookup && !raw) {
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

  /** From after an opening `"` to after its closing one; raw keeps the text (and the closing quote) as written. */
  private doubleQuoted(s: string, start: number, raw = false): { text: string; next: number; open?: boolean } {
    let text = '';
    let i = start;
    while (i < s.length) {
      const c = s[i] as string;
      if (c === '"') return { text: raw ? `${text}"` : text, next: i + 1 };
      if (c === this.escape && i + 1 < s.length) {
        const n = s[i + 1] as string;
        if (raw) {
          text += c + n;
          i += 2;
          continue;
        }
        if (n === '"' || n === '$' || n === this.escape) {
          text += n;
          i += 2;
          continue;
        }
        text += c;
        i++;
        continue;
      }
      if (c === '$' && this.lookup && !raw) {
        const r = this.variable(s, i);
        text += r.text;
        i = r.next;
        continue;
      }
      text += c;
      i++;
    }
    if (raw) return { text, next: i, open: true };
    throw new BerthError('InvalidArgument', `unexpected end of statement while looking for matching double-quote in "${s}"`);
  }

  /** At `$`: the expansion (or a literal `$` when no name follows), and where to go on. */
  private variable(s: string, at: number): { text: string; next: number; expanded: boolean } {
    const n = s[at + 1];
    if (n === '{') return this.braced(s, at + 2);
    if (n !== undefined && NAME_START.test(n)) {
      let j = at + 1;
      while (j < s.length && NAME_CHAR.test(s[j] as string)) j++;
      return { text: this.lookup?.(s.slice(at + 1, j)) ?? '', next: j, expanded: true };
    }
    return { text: '$', next: at + 1, expanded: false };
  }

  private braced(s: string, start: number): { text: string; next: number; expanded: boolean } {
    let j = start;
    while (j < s.length && NAME_CHAR.test(s[j] as string)) j++;
    const name = s.slice(start, j);
    if (name === '') throw new BerthError('InvalidArgument', `bad substitution in "${s}"`);
    if (s[j] === '}') return { text: this.lookup?.(name) ?? '', next: j + 1, expanded: true };
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
    const value = this.lookup?.(name);
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
