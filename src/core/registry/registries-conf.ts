import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError, isErrno } from '../errors/index.js';
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

type TomlValue = string | number | boolean | string[];

/** The TOML subset the file uses: `key = value` (string, int, bool, string array), `[[registry]]`, `#`. */
export function parseRegistriesConf(text: string, file = 'registries.conf'): RegistriesConfig {
  const cfg = defaultRegistriesConfig();
  let explicitSearch: string[] | undefined;
  let table: Record<string, TomlValue> | undefined;
  const tables: Array<Record<string, TomlValue> & { mirrors?: Array<Record<string, TomlValue>> }> = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = stripComment(raw).trim();
    if (line === '') continue;
    const bad = (why: string) => new BerthError('InvalidArgument', `${file}:${i + 1}: ${why}`);
    if (line.startsWith('[')) {
      if (line === '[[registry]]') tables.push((table = {}));
      else if (line === '[[registry.mirror]]') {
        const owner = tables.at(-1);
        if (!owner) throw bad('[[registry.mirror]] outside a [[registry]]');
        (owner.mirrors ??= []).push((table = {}));
      } else throw bad(`unsupported table ${line}`);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw bad('expected key = value');
    const key = line.slice(0, eq).trim().replace(/^"(.*)"$/, '$1');
    const value = parseValue(line.slice(eq + 1).trim());
    if (value === undefined) throw bad(`cannot parse the value of "${key}"`);
    if (table) {
      table[key] = value;
      continue;
    }
    const list = (): string[] => {
      if (!Array.isArray(value)) throw bad(`"${key}" must be an array of strings`);
      return value;
    };
    const int = (): number => {
      if (typeof value !== 'number' || value < 1) throw bad(`"${key}" must be a positive integer`);
      return value;
    };
    if (key === 'unqualified-search-registries') explicitSearch = list();
    else if (key === 'insecure-registries') for (const h of list()) cfg.insecure.set(h, true);
    else if (key === 'max-concurrent-downloads') cfg.maxConcurrentDownloads = int();
    else if (key === 'max-concurrent-uploads') cfg.maxConcurrentUploads = int();
    else if (key === 'registry-mirrors') {
      // docker's daemon.json setting: mirrors of Docker Hub, as URLs; http:// ones are plain HTTP
      const mirrors = list().map((u) => {
        const m = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(u);
        const loc = m ? `${m[2]}${(m[3] ?? '').replace(/\/+$/, '')}` : u.replace(/\/+$/, '');
        if (m?.[1] === 'http') cfg.insecure.set(hostOfLocation(loc), true);
        return loc;
      });
      cfg.mirrors.set(DEFAULT_DOMAIN, [...(cfg.mirrors.get(DEFAULT_DOMAIN) ?? []), ...mirrors]);
    }
    // other keys of containers-registries.conf (short-name-mode, credential-helpers…) are ignored
  }
  for (const t of tables) {
    const loc = t['location'] ?? t['prefix'];
    if (typeof loc !== 'string' || loc === '') throw new BerthError('InvalidArgument', `${file}: [[registry]] without location`);
    if (typeof t['insecure'] === 'boolean') cfg.insecure.set(loc, t['insecure']);
    for (const m of t.mirrors ?? []) {
      const mloc = m['location'];
      if (typeof mloc !== 'string' || mloc === '') throw new BerthError('InvalidArgument', `${file}: [[registry.mirror]] without location`);
      if (typeof m['insecure'] === 'boolean') cfg.insecure.set(hostOfLocation(mloc), m['insecure']);
      cfg.mirrors.set(loc, [...(cfg.mirrors.get(loc) ?? []), mloc]);
    }
  }
  if (explicitSearch !== undefined) cfg.searchRegistries = explicitSearch;
  return cfg;
}

function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && line[i - 1] !== '\\') inString = !inString;
    else if (c === '#' && !inString) return line.slice(0, i);
  }
  return line;
}

function parseValue(s: string): TomlValue | undefined {
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^"[^"]*"$/.test(s) || /^'[^']*'$/.test(s)) return s.slice(1, -1);
  if (s.startsWith('[') && s.endsWith(']')) {
    const inner = s.slice(1, -1).trim();
    if (inner === '') return [];
    const items = inner.split(',').map((x) => x.trim()).filter((x) => x !== '');
    const out: string[] = [];
    for (const it of items) {
      const v = parseValue(it);
      if (typeof v !== 'string') return undefined;
      out.push(v);
    }
    return out;
  }
  return undefined;
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
