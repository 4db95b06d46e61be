import { BerthError } from '../errors/index.js';
import { DEFAULT_DOMAIN, normalizeReference, parseReference, type Reference } from '../reference/reference.js';

/**
 * Whether the user typed a short name (`busybox`, `team/app:1`): no registry in front, by docker's
 * rule (the first component is a registry only when it is `localhost` or has `.` or `:`).
 */
export function isShortName(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return true;
  const first = s.slice(0, slash);
  return !(first === 'localhost' || /[.:]/.test(first));
}

/**
 * The fully qualified references a name may mean, in the order to try them: one for a qualified
 * name; for a short name one per search registry (docker.io adds `library/` as docker does).
 * Each keeps the tag, or `latest` when neither tag nor digest is given.
 *
 * @example
 * candidates('app', ['quay.io', 'docker.io']) // quay.io/app:latest, docker.io/library/app:latest
 */
export function candidates(name: string, searchRegistries: readonly string[]): Reference[] {
  const ref = normalizeReference(name);
  if (!isShortName(name)) return [ref];
  if (searchRegistries.length === 0) {
    throw new BerthError('InvalidArgument', `short-name "${name}" did not resolve to an alias and no unqualified-search registries are defined`);
  }
  const out: Reference[] = [];
  for (const reg of searchRegistries) {
    if (reg === DEFAULT_DOMAIN) {
      out.push(ref);
      continue;
    }
    const q = parseReference(`${reg}/${name}`);
    out.push(q.digest !== undefined ? { domain: q.domain, path: q.path, digest: q.digest } : { domain: q.domain, path: q.path, tag: q.tag ?? 'latest' });
  }
  return out;
}
