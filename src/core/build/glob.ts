/**
 * Go's filepath.Match as a RegExp for one path: `*` and `?` never match `/`, `[...]` classes
 * with `^` negation and ranges, backslash escapes (docker matches COPY sources this way).
 * Returns undefined when the pattern has no wildcard (then it names one path).
 *
 * @example
 * globRegExp('src/*.ts')?.test('src/a.ts') // true
 */
export function globRegExp(pattern: string): RegExp | undefined {
  if (!hasWildcard(pattern)) return undefined;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i] as string);
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\(?!\])/g, '\\\\')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

export function hasWildcard(p: string): boolean {
  return /[*?[]/.test(p);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
