import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError, isErrno } from '../errors/index.js';
import { DEFAULT_DOMAIN } from '../reference/reference.js';

/** A user name and password for one registry. Never printed, never logged. */
export interface Credential {
  username: string;
  password: string;
  /**
   * docker's identity token: an OAuth2 refresh token a token server gave at login, used instead
   * of the password to get bearer tokens (the API's X-Registry-Auth `identitytoken`)
   */
  identityToken?: string;
}

/** The key docker uses for Docker Hub in config.json. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; [k: string]: unknown }>;
  /** docker's credential helpers: one for every registry, and per-registry ones that win */
  credsStore?: unknown;
  credHelpers?: Record<string, unknown>;
  [k: string]: unknown;
}

/**
 * The credential helper docker's config names for a registry (`credHelpers`, else `credsStore`):
 * the program `docker-credential-<name>`, or undefined when the file store is used.
 */
function helperFor(data: AuthFile, registry: string): string | undefined {
  for (const [key, name] of Object.entries(data.credHelpers ?? {})) {
    if (keyToRegistry(key) === registry && typeof name === 'string' && name !== '') return name;
  }
  return typeof data.credsStore === 'string' && data.credsStore !== '' ? data.credsStore : undefined;
}

/**
 * Run `docker-credential-<name> <action>` with input on stdin (docker's credential-helper
 * protocol). Its stdout, or undefined for get's "not found"; a missing program is undefined for
 * get (the file's entry is used then) and an error otherwise, as docker's. Secrets are never part of a message.
 */
function runHelper(name: string, action: 'get' | 'store' | 'erase', input: string): string | undefined {
  const program = `docker-credential-${name}`;
  const r = spawnSync(program, [action], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) {
    if (action === 'get' && isErrno(r.error, 'ENOENT')) return undefined;
    const why = isErrno(r.error, 'ENOENT') ? `${program} not found in PATH` : r.error.message;
    throw new BerthError('FailedPrecondition', `${action === 'store' ? 'storing' : 'removing'} credentials with ${program}: ${why}`);
  }
  if (r.status === 0) return r.stdout;
  const text = `${r.stdout} ${r.stderr}`.trim();
  if (/credentials not found/i.test(text)) return undefined;
  throw new BerthError('PermissionDenied', `credential helper ${program} ${action} failed: ${text.split('\n')[0] || `exit status ${r.status}`}`);
}

/**
 * The credentials file: `--authfile`, else $BERTH_AUTH_FILE, else $REGISTRY_AUTH_FILE (podman's),
 * else $DOCKER_CONFIG/config.json, else ~/.docker/config.json (docker's). Its `auths` map is
 * docker's format, so docker and berth share logins.
 */
export function authFilePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  if (env['BERTH_AUTH_FILE']) return env['BERTH_AUTH_FILE'];
  if (env['REGISTRY_AUTH_FILE']) return env['REGISTRY_AUTH_FILE'];
  const dir = env['DOCKER_CONFIG'] || path.join(env['HOME'] || os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** The config.json key of a registry: docker's URL for Docker Hub, else `host[:port]`. */
export function authKey(registry: string): string {
  return registry === DEFAULT_DOMAIN ? DOCKER_HUB_AUTH_KEY : registry;
}

/** The registry a config.json key names: `https://host:5000/v1/` → `host:5000`. */
export function keyToRegistry(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? key;
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DEFAULT_DOMAIN : host;
}

function readAuthFile(file: string): AuthFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return {};
    throw new BerthError('PermissionDenied', `reading credentials file "${file}": ${(e as Error).message}`);
  }
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as AuthFile;
  } catch {
    throw new BerthError('InvalidArgument', `credentials file "${file}" is not valid json`);
  }
}

/** The credential stored for a registry, if any (keys may be URLs, as older docker wrote them). */
export function readCredential(file: string, registry: string): Credential | undefined {
  const data = readAuthFile(file);
  const helper = helperFor(data, registry);
  if (helper !== undefined) {
    const out = runHelper(helper, 'get', authKey(registry));
    if (out !== undefined) {
      let doc: { Username?: unknown; Secret?: unknown };
      try {
        doc = JSON.parse(out) as typeof doc;
      } catch {
        throw new BerthError('PermissionDenied', `credential helper docker-credential-${helper} answered with invalid json`);
      }
      if (typeof doc.Username === 'string' && typeof doc.Secret === 'string' && doc.Secret !== '') {
        return { username: doc.Username, password: doc.Secret };
      }
    }
  }
  const auths = data.auths ?? {};
  for (const [key, entry] of Object.entries(auths)) {
    if (keyToRegistry(key) !== registry || typeof entry !== 'object' || entry === null) continue;
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string') {
      return { username: entry.username, password: entry.password };
    }
  }
  return undefined;
}

/** Write the file atomically with mode 0600 (its directory 0700 when created). */
function writeAuthFile(file: string, data: AuthFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, '\t')}\n`, { mode: 0o600, flag: 'w' });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new BerthError('PermissionDenied', `writing credentials file "${file}": ${(e as Error).message}`);
  }
}

/**
 * Store (or replace) a registry's credential, keeping everything else in the file; returns the
 * credential helper that keeps the secret, if one does.
 */
export function storeCredential(file: string, registry: string, cred: Credential): string | undefined {
  const data = readAuthFile(file);
  const auths = { ...(data.auths ?? {}) };
  for (const key of Object.keys(auths)) if (keyToRegistry(key) === registry) delete auths[key];
  const helper = helperFor(data, registry);
  if (helper !== undefined) {
    // the helper keeps the secret; the file only lists the registry, as docker's does
    runHelper(helper, 'store', JSON.stringify({ ServerURL: authKey(registry), Username: cred.username, Secret: cred.password }));
    auths[authKey(registry)] = {};
  } else {
    auths[authKey(registry)] = { auth: Buffer.from(`${cred.username}:${cred.password}`).toString('base64') };
  }
  writeAuthFile(file, { ...data, auths });
  return helper;
}

/** Remove a registry's credential; false when there was none. */
export function removeCredential(file: string, registry: string): boolean {
  const data = readAuthFile(file);
  const auths = { ...(data.auths ?? {}) };
  const keys = Object.keys(auths).filter((k) => keyToRegistry(k) === registry);
  const helper = helperFor(data, registry);
  if (helper !== undefined && runHelper(helper, 'erase', authKey(registry)) !== undefined && keys.length === 0) return true;
  if (keys.length === 0) return false;
  for (const k of keys) delete auths[k];
  writeAuthFile(file, { ...data, auths });
  return true;
}

/** Remove every stored credential (podman logout -a); returns the registries logged out of. */
export function removeAllCredentials(file: string): string[] {
  const data = readAuthFile(file);
  const regs = Object.keys(data.auths ?? {}).map(keyToRegistry);
  for (const r of regs) {
    const helper = helperFor(data, r);
    if (helper !== undefined) runHelper(helper, 'erase', authKey(r));
  }
  if (regs.length > 0) writeAuthFile(file, { ...data, auths: {} });
  return regs;
}
