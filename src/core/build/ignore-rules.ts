import { BerthError } from '../errors/berth-error.js';
import fs from 'node:fs';
import path from 'node:path';
// @balena/dockerignore rather than `ignore` or `@zeit/dockerignore`: `ignore` implements
// .gitignore (a bare `abc` matches at any depth, `*` crosses nothing but matches whole trees,
// an ignored directory cannot be re-included), which is not what docker does. Docker matches
// each context path with Go's filepath.Match per pattern, `**` spanning directories, later `!`
// exceptions re-including paths even under an excluded directory (moby fileutils.PatternMatcher).
// @balena/dockerignore is a port of exactly that code, tested against `docker build` and used
// by dockerode and balena-cli; @zeit/dockerignore is an older, unmaintained gitignore fork.
import ignore, { type Ignore } from '@balena/dockerignore';

/** Which context paths the build cannot see; `ignores('')` is always false. */
export interface IgnoreMatcher {
  /** true when the '/'-separated path relative to the context root is excluded */
  ignores(rel: string): boolean;
  /** the patterns read, for the cache key of nothing (kept for diagnostics) */
  readonly patterns: readonly string[];
}

/**
 * Read the ignore file that applies to a build: `<containerfile>.containerignore` or
 * `<containerfile>.dockerignore` beside the Containerfile (docker's per-file rule), else
 * `.containerignore`, else `.dockerignore` in the context root (podman's order).
 */
export function loadIgnoreRules(contextDir: string, containerfilePath?: string): IgnoreMatcher {
  const candidates = [
    ...(containerfilePath ? [`${containerfilePath}.containerignore`, `${containerfilePath}.dockerignore`] : []),
    path.join(contextDir, '.containerignore'),
    path.join(contextDir, '.dockerignore'),
  ];
  for (const c of candidates) {
    const st = fs.statSync(c, { throwIfNoEntry: false });
    if (!st || st.isDirectory()) continue;
    // a FIFO would block this thread (and Ctrl-C with it) until someone writes to it
    if (!st.isFile()) throw new BerthError('InvalidArgument', `ignore file "${c}" is not a regular file`);
    let text: string;
    try {
      text = fs.readFileSync(c, 'utf8');
    } catch {
      continue;
    }
    return ignoreMatcher(parseIgnoreFile(text));
  }
  return ignoreMatcher([]);
}

/** Lines of an ignore file: comments (`#` first) and blank lines dropped, the rest trimmed. */
export function parseIgnoreFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * A matcher over docker's pattern language.
 *
 * @example
 * ignoreMatcher(['*.log', '!keep.log', 'build/**']).ignores('a.log') // true
 */
export function ignoreMatcher(patterns: readonly string[]): IgnoreMatcher {
  // a CommonJS module whose types declare `export default`: at run time the default import is
  // module.exports, the factory itself
  const factory = ignore as unknown as (o?: { ignorecase?: boolean }) => Ignore;
  const ig: Ignore = factory().add([...patterns]);
  return {
    patterns,
    ignores: (rel: string) => rel !== '' && rel !== '.' && ig.ignores(rel),
  };
}
