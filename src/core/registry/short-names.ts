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

/** podman's alias and short-name settings (registries-conf.ts) that candidates() honours. */
export interface ShortNameSettings {
  aliases?: ReadonlyMap<string, string>;
  shortNameMode?: 'enforcing' | 'permissive' | 'disabled';
}

/**
 * The fully qualified references a name may mean, in the order to try them: one for a qualified
 * name; for a short name its alias (podman's [aliases], the tag or digest kept), else one per
 * search registry (docker.io adds `library/` as docker does); with short-name-mode "enforcing"
 * a name several search registries could serve is refused (podman would prompt).
 * Each keeps the tag, or `latest` when neither tag nor digest is given.
 *
 * @example
 * candidates('app', ['quay.io', 'docker.io']) // quay.io/app:latest, docker.io/library/app:latest
 */
export function candidates(name: string, searchRegistries: readonly string[], settings: ShortNameSettings = {}): Reference[] {
  const ref = normalizeReference(name);
  if (!isShortName(name)) return [ref];
  const at = name.indexOf('@');
  const repo = at >= 0 ? name.slice(0, at) : name.replace(/:[^:/]*$/, '');
  const alias = settings.aliases?.get(repo);
  if (alias !== undefined) {
    if (isShortName(alias)) throw new BerthError('InvalidArgument', `alias "${repo}" = "${alias}" is not a fully qualified repository`);
    const q = parseReference(`${alias}${name.slice(repo.length)}`);
    return [q.digest !== undefined ? { domain: q.domain, path: q.path, digest: q.digest } : { domain: q.domain, path: q.path, tag: q.tag ?? 'latest' }];
  }
  if (searchRegistries.length === 0) {
    throw new BerthError('InvalidArgument', `short-name "${name}" did not resolve to an alias and no unqualified-search registries are defined`);
  }
  if (settings.shortNameMode === 'enforcing' && searchRegistries.length > 1) {
    throw new BerthError(
      'InvalidArgument',
      `short-name "${name}" did not resolve to an alias and short-name-mode is "enforcing" with several unqualified-search registries (${searchRegistries.join(', ')}): use a fully qualified name or add an alias`,
    );
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
