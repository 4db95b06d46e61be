import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError, isErrno } from '../errors/index.js';
import { parse as parseToml, TomlError, type TomlTable } from 'smol-toml';
import { DEFAULT_DOMAIN } from '../reference/reference.js';

/**
 * berth's registry settings, read from a TOML file with the keys of containers-registries.conf(5)
 * (so a podman user's file mostly works unchanged):
 *
 * ```toml
 * unqualified-search-registries = ["docker.io", "quay.io"]   # short names, tried in order
 * insecure-registries = ["myhost:5000"]                         # docker daemon.json's name
 * max-concurrent-downloads = 3
 * max-concurrent-uploads = 3
 * registry-mirrors = ["mirror.example:5000"]                  # docker daemon.json's: docker.io's mirrors
 * [[registry]]
 * location = "myhost:5000"
 * insecure = true                                               # plain HTTP / unverified TLS
 * [[registry.mirror]]                                           # tried first when pulling from myhost:5000
 * location = "cache.example/myhost"
 * [aliases]                                                     # podman's: short names to repositories
 * "app" = "myhost:5000/team/app"
 * ```
 *
 * Found at $BERTH_REGISTRIES_CONF, else ~/.config/berth/registries.conf, else
 * /etc/berth/registries.conf; none of them existing means docker's defaults.
 */
export interface RegistriesConfig {
  /** where the settings came from, or undefined for the built-in defaults */
  file: string | undefined;
  searchRegistries: string[];
  /** host[:port] → insecure flag set explicitly in the file */
  insecure: Map<string, boolean>;
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  /** registry → mirrors (`host[:port][/path]`) a pull tries first, in order; pushes never use them */
  mirrors: Map<string, string[]>;
  /** podman's [aliases]: a short name (no tag) → the fully qualified repository it means */
  aliases: Map<string, string>;
  /**
   * podman's short-name-mode: 'enforcing' refuses a short name that is no alias when several search
   * registries could serve it (podman would prompt); 'permissive' (the default) and 'disabled' try them in order
   */
  shortNameMode: 'enforcing' | 'permissive' | 'disabled';
}

export const DEFAULT_CONCURRENCY = 3;

export function defaultRegistriesConfig(): RegistriesConfig {
  return {
    file: undefined,
    searchRegistries: [DEFAULT_DOMAIN],
    insecure: new Map(),
    maxConcurrentDownloads: DEFAULT_CONCURRENCY,
    maxConcurrentUploads: DEFAULT_CONCURRENCY,
    mirrors: new Map(),
    aliases: new Map(),
    shortNameMode: 'permissive',
  };
}

/** The config file berth reads, whether or not it exists (first existing of the list). */
export function registriesConfPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env['BERTH_REGISTRIES_CONF'];
  if (explicit) return explicit;
  const home = env['XDG_CONFIG_HOME'] || path.join(env['HOME'] || os.homedir(), '.config');
  for (const p of [path.join(home, 'berth', 'registries.conf'), '/etc/berth/registries.conf']) {
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Read the registry settings; a file that does not parse is an InvalidArgument naming its line. */
export function loadRegistriesConfig(env: NodeJS.ProcessEnv = process.env): RegistriesConfig {
  const file = registriesConfPath(env);
  if (file === undefined) return defaultRegistriesConfig();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) throw new BerthError('NotFound', `registries config "${file}" does not exist`);
    throw e;
  }
  return { ...parseRegistriesConf(text, file), file };
}

/**
 * Parse the file as TOML (smol-toml: a maintained parser, so multi-line arrays, escapes and
 * tables berth does not use, such as podman's [aliases], read as podman reads them), then check
 * the keys berth uses. A syntax error names the line; a bad value names the key.
 */
export function parseRegistriesConf(text: string, file = 'registries.conf'): RegistriesConfig {
  let doc: TomlTable;
  try {
    doc = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError)
      throw new BerthError('InvalidArgument', `${file}:${e.line}: ${e.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '')}`);
    throw e;
  }
  const bad = (why: string) => new BerthError('InvalidArgument', `${file}: ${why}`);
  const cfg = defaultRegistriesConfig();
  const strings = (v: unknown, key: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`"${key}" must be an array of strings`);
    return v as string[];
  };
  const positive = (v: unknown, key: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(`"${key}" must be a positive integer`);
    return v;
  };
  const bool = (v: unknown, key: string): boolean | undefined => {
    if (v !== undefined && typeof v !== 'boolean') throw bad(`"${key}" must be true or false`);
    return v;
  };
  const str = (v: unknown, key: string): string | undefined => {
    if (v !== undefined && typeof v !== 'string') throw bad(`"${key}" must be a string`);
    return v;
  };
  const table = (v: unknown, key: string): TomlTable | undefined => {
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw bad(`"${key}" must be a table`);
    return v as TomlTable | undefined;
  };
  const tables = (v: unknown, key: string): TomlTable[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw bad(`"${key}" must be an array of tables ([[${key}]])`);
    return v.map((t) => table(t, key) as TomlTable);
  };

  // containers-registries.conf(5) version 1 (podman's older files) or 2: not both in one file
  const v1 = table(doc['registries'], 'registries');
  if (v1 && (doc['registry'] !== undefined || doc['unqualified-search-registries'] !== undefined)) {
    throw bad('mixes the version 1 [registries.search] tables with version 2 keys ([[registry]], unqualified-search-registries)');
  }
  let search: string[] | undefined;
  if (doc['unqualified-search-registries'] !== undefined) search = strings(doc['unqualified-search-registries'], 'unqualified-search-registries');
  if (v1) {
    const s1 = table(v1['search'], 'registries.search');
    if (s1?.['registries'] !== undefined) search = strings(s1['registries'], 'registries.search.registries');
    const i1 = table(v1['insecure'], 'registries.insecure');
    for (const h of i1?.['registries'] !== undefined ? strings(i1['registries'], 'registries.insecure.registries') : []) cfg.insecure.set(h, true);
    const b1 = table(v1['block'], 'registries.block');
    if (b1?.['registries'] !== undefined && strings(b1['registries'], 'registries.block.registries').length > 0)
      throw bad('blocked registries ([registries.block]) are not supported by berth');
  }
  for (const h of doc['insecure-registries'] !== undefined ? strings(doc['insecure-registries'], 'insecure-registries') : []) cfg.insecure.set(h, true);
  if (doc['max-concurrent-downloads'] !== undefined) cfg.maxConcurrentDownloads = positive(doc['max-concurrent-downloads'], 'max-concurrent-downloads');
  if (doc['max-concurrent-uploads'] !== undefined) cfg.maxConcurrentUploads = positive(doc['max-concurrent-uploads'], 'max-concurrent-uploads');
  if (doc['registry-mirrors'] !== undefined) {
    // docker's daemon.json setting: mirrors of Docker Hub, as URLs; http:// ones are plain HTTP
    const mirrors = strings(doc['registry-mirrors'], 'registry-mirrors').map((u) => {
      const m = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(u);
      const loc = m ? `${m[2]}${(m[3] ?? '').replace(/\/+$/, '')}` : u.replace(/\/+$/, '');
      if (m?.[1] === 'http') cfg.insecure.set(hostOfLocation(loc), true);
      return loc;
    });
    cfg.mirrors.set(DEFAULT_DOMAIN, [...(cfg.mirrors.get(DEFAULT_DOMAIN) ?? []), ...mirrors]);
  }
  const mode = str(doc['short-name-mode'], 'short-name-mode');
  if (mode !== undefined) {
    if (mode !== 'enforcing' && mode !== 'permissive' && mode !== 'disabled')
      throw bad(`"short-name-mode" must be "enforcing", "permissive" or "disabled", not "${mode}"`);
    cfg.shortNameMode = mode;
  }
  const aliases = table(doc['aliases'], 'aliases');
  for (const [name, target] of Object.entries(aliases ?? {})) {
    if (typeof target !== 'string') throw bad(`alias "${name}" must be a string`);
    cfg.aliases.set(name, target);
  }
  for (const [i, t] of tables(doc['registry'], 'registry').entries()) {
    const where = `[[registry]] #${i + 1}`;
    const loc = str(t['location'], 'location') || str(t['prefix'], 'prefix');
    if (!loc) throw bad(`${where} without location`);
    const insecure = bool(t['insecure'], 'insecure');
    if (insecure !== undefined) cfg.insecure.set(loc, insecure);
    // what berth would otherwise ignore and get wrong: refused, not half-honoured
    if (bool(t['blocked'], 'blocked')) throw bad(`${where} "${loc}": blocked registries are not supported by berth`);
    if (bool(t['mirror-by-digest-only'], 'mirror-by-digest-only'))
      throw bad(`${where} "${loc}": mirror-by-digest-only is not supported by berth (its mirrors serve every pull)`);
    for (const m of tables(t['mirror'], 'registry.mirror')) {
      const mloc = str(m['location'], 'location');
      if (!mloc) throw bad(`[[registry.mirror]] of "${loc}" without location`);
      const pull = str(m['pull-from-mirror'], 'pull-from-mirror');
      if (pull !== undefined && pull !== 'all')
        throw bad(`[[registry.mirror]] "${mloc}": pull-from-mirror = "${pull}" is not supported by berth (its mirrors serve every pull: "all")`);
      const mInsecure = bool(m['insecure'], 'insecure');
      if (mInsecure !== undefined) cfg.insecure.set(hostOfLocation(mloc), mInsecure);
      cfg.mirrors.set(loc, [...(cfg.mirrors.get(loc) ?? []), mloc]);
    }
  }
  if (search !== undefined) cfg.searchRegistries = search;
  // other keys of containers-registries.conf (credential-helpers, additional-layer-store-auth-helper…)
  // do not change what berth does with the keys above
  return cfg;
}

/** The `host[:port]` of a location that may carry a path (`mirror.example/hub` → `mirror.example`). */
export function hostOfLocation(location: string): string {
  return location.split('/')[0] ?? location;
}

/** The host part of `host[:port]`, `[v6]:port` included. */
export function hostOnly(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? hostPort : hostPort.slice(0, colon);
}

/**
 * Whether a registry may be reached without verified TLS (and over plain HTTP): an explicit
 * setting in the file wins; otherwise loopback hosts are, as docker treats 127.0.0.0/8 and
 * `localhost` as insecure registries.
 */
export function isInsecureRegistry(cfg: RegistriesConfig, hostPort: string): boolean {
  const explicit = cfg.insecure.get(hostPort) ?? cfg.insecure.get(hostOnly(hostPort));
  if (explicit !== undefined) return explicit;
  const h = hostOnly(hostPort);
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
