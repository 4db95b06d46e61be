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
 * [[registry]]
 * location = "myhost:5000"
 * insecure = true                                               # plain HTTP / unverified TLS
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
}

export const DEFAULT_CONCURRENCY = 3;

export function defaultRegistriesConfig(): RegistriesConfig {
  return {
    file: undefined,
    searchRegistries: [DEFAULT_DOMAIN],
    insecure: new Map(),
    maxConcurrentDownloads: DEFAULT_CONCURRENCY,
    maxConcurrentUploads: DEFAULT_CONCURRENCY,
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
  const tables: Array<Record<string, TomlValue>> = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = stripComment(raw).trim();
    if (line === '') continue;
    const bad = (why: string) => new BerthError('InvalidArgument', `${file}:${i + 1}: ${why}`);
    if (line.startsWith('[')) {
      if (line !== '[[registry]]') throw bad(`unsupported table ${line}`);
      tables.push((table = {}));
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
    // other keys of containers-registries.conf (short-name-mode, credential-helpers…) are ignored
  }
  for (const t of tables) {
    const loc = t['location'] ?? t['prefix'];
    if (typeof loc !== 'string' || loc === '') throw new BerthError('InvalidArgument', `${file}: [[registry]] without location`);
    if (typeof t['insecure'] === 'boolean') cfg.insecure.set(loc, t['insecure']);
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
