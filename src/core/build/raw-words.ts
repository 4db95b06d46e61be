/**
 * Split a Containerfile argument string on whitespace outside quotes, keeping quotes and escapes
 * in the words (docker's parser does the same: quotes are removed later, when each word is
 * expanded against the ENV and ARG in effect).
 *
 * @example
 * splitRawWords(`a="b c" d`, '\\') // ['a="b c"', 'd']
 */
export function splitRawWords(s: string, escape: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === escape && quote !== "'" && i + 1 < s.length) {
      cur += c + (s[++i] as string);
      inWord = true;
      continue;
    }
    if (quote) {
      if (c === quote) quote = '';
      cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      cur += c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** True when s holds an unterminated quote (so the parser can report it at the right line). */
export function hasOpenQuote(s: string, escape: string): boolean {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === escape && quote !== "'") i++;
    else if (quote && c === quote) quote = '';
    else if (!quote && (c === '"' || c === "'")) quote = c;
  }
  return quote !== '';
}
