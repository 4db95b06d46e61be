import { BerthError } from '../errors/index.js';

/**
 * An image reference split into its parts, always normalised the docker way: `domain` is never
 * empty (`docker.io` for Docker Hub) and single-component Hub names carry `library/`.
 */
export interface Reference {
  /** registry host with optional port: `docker.io`, `localhost:5000`, `[::1]:5000` */
  domain: string;
  /** repository path inside the registry: `library/busybox`, `team/app` */
  path: string;
  tag?: string;
  /** `sha256:<hex>` when the reference pins content */
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
/** The total length docker/distribution allows for a repository path. */
const MAX_PATH_LENGTH = 255;
/** Guard against pathological inputs before the (backtracking) regexps see them. */
const MAX_INPUT_LENGTH = 4096;

// The grammar of docker/distribution's reference package, written out as JavaScript regexps.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const ID_PREFIX_RE = /^(?:sha256:)?[a-f0-9]{1,64}$/;

/** Hex lengths of the digest algorithms berth (like go-digest) knows. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function invalid(message: string): BerthError {
  return new BerthError('InvalidArgument', message);
}

/**
 * Split off the registry the way docker 20.10 does (docker/distribution 2.x): the first component
 * is a domain only when it is `localhost` or contains `.` or `:`; otherwise the name is on Docker
 * Hub, so `UPPER/x` is an upper case repository name (refused), not a host called UPPER.
 */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_PREFIX + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === 'localhost') [domain, remainder] = [first, rest];
  else if (first === LEGACY_DEFAULT_DOMAIN) [domain, remainder] = [DEFAULT_DOMAIN, rest];
  else if (/[.:]/.test(first)) [domain, remainder] = [first, rest];
  else [domain, remainder] = [DEFAULT_DOMAIN, name];
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

/** go-digest's checks on a digest the grammar already accepted, with its wording. */
function validateDigest(digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) throw invalid('unsupported digest algorithm');
  if (hex.length !== length) throw invalid('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw invalid('invalid checksum digest format');
}

/**
 * Parse an image reference as `docker pull` does (docker/distribution's ParseNormalizedNamed):
 * Docker Hub names get `docker.io` and `library/`; no default tag is added (see `normalize`).
 * Errors are InvalidArgument with docker's wording, e.g. `invalid reference format` or
 * `invalid reference format: repository name must be lowercase`.
 *
 * @example
 * parseReference('busybox') // { domain: 'docker.io', path: 'library/busybox' }
 * parseReference('host:5000/team/app:v1') // { domain: 'host:5000', path: 'team/app', tag: 'v1' }
 */
export function parseReference(s: string): Reference {
  if (s === '') throw invalid('repository name must have at least one component');
  if (s.length > MAX_INPUT_LENGTH) throw invalid('invalid reference format');
  if (IDENTIFIER_RE.test(s)) {
    throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) throw invalid('invalid reference format: repository name must be lowercase');
  const full = `${domain}/${remainder}`;
  const m = REFERENCE_RE.exec(full);
  if (!m) {
    const lower = full.toLowerCase();
    if (lower !== full && REFERENCE_RE.test(lower)) {
      throw invalid('invalid reference format: repository name must be lowercase');
    }
    throw invalid('invalid reference format');
  }
  const name = NAME_RE.exec(m[1] ?? '');
  const ref: Reference = { domain: name?.[1] ?? '', path: name?.[2] ?? m[1] ?? '' };
  if (ref.path.length > MAX_PATH_LENGTH) {
    throw invalid(`repository name must not be more than ${MAX_PATH_LENGTH} characters`);
  }
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) {
    validateDigest(m[3]);
    ref.digest = m[3];
  }
  return ref;
}

/**
 * The canonical reference for a name the user typed, as docker stores it: `:latest` when neither
 * tag nor digest is given, and only the digest when both are (docker's ParseDockerRef).
 *
 * @example
 * normalizeReference('busybox') // { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }
 */
export function normalizeReference(s: string): Reference {
  const ref = parseReference(s);
  if (ref.digest !== undefined) return { domain: ref.domain, path: ref.path, digest: ref.digest };
  return { domain: ref.domain, path: ref.path, tag: ref.tag ?? DEFAULT_TAG };
}

/**
 * `normalizeReference` as a string: the form berth keys tags by.
 *
 * @example
 * normalize('busybox') // 'docker.io/library/busybox:latest'
 * normalize('localhost:5000/x') // 'localhost:5000/x:latest'
 */
export function normalize(s: string): string {
  return referenceString(normalizeReference(s));
}

/** `domain/path` without tag or digest. */
export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full string of a parsed reference: `domain/path[:tag][@digest]`. */
export function referenceString(ref: Reference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

function asReference(ref: Reference | string): Reference {
  return typeof ref === 'string' ? parseReference(ref) : ref;
}

/**
 * The repository as `docker images` shows it: `docker.io/` dropped, and `library/` dropped for
 * official images (`docker.io/library/busybox` → `busybox`, `docker.io/team/app` → `team/app`).
 */
export function familiarName(ref: Reference | string): string {
  const r = asReference(ref);
  if (r.domain !== DEFAULT_DOMAIN) return repositoryName(r);
  if (r.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = r.path.slice(OFFICIAL_PREFIX.length);
    // docker keeps `library/` when more components follow it (`library/foo/bar`)
    if (!rest.includes('/')) return rest;
  }
  return r.path;
}

/**
 * The short form docker prints: `docker.io/library/busybox:latest` → `busybox:latest`.
 *
 * @example
 * familiarString('docker.io/library/busybox:latest') // 'busybox:latest'
 */
export function familiarString(ref: Reference | string): string {
  const r = asReference(ref);
  let s = familiarName(r);
  if (r.tag !== undefined) s += `:${r.tag}`;
  if (r.digest !== undefined) s += `@${r.digest}`;
  return s;
}

/** Whether s is a valid tag (the part after `:`): up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`. */
export function isValidTag(s: string): boolean {
  return TAG_RE.test(s);
}

/**
 * Whether s could name an image by id: `sha256:` optional, then 1 to 64 lower-case hex digits.
 * docker accepts any unique prefix; a name that is also a tag is looked up as a tag first.
 */
export function isImageIdLike(s: string): boolean {
  return ID_PREFIX_RE.test(s);
}

/** Whether s is a complete image id or digest: `sha256:` and 64 lower-case hex digits. */
export function isFullImageId(s: string): boolean {
  return s.startsWith('sha256:') && IDENTIFIER_RE.test(s.slice('sha256:'.length));
}
