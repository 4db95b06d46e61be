import { BerthError } from '../errors/index.js';
import { authFilePath, keyToRegistry, removeAllCredentials, removeCredential, storeCredential, type Credential } from './credentials.js';
import { discard } from './transport.js';
import { openClient, type RegistryOptions } from './session.js';

/** `docker login` accepts `host:port`, `https://host/`, `index.docker.io`: the registry they name. */
export function registryOfServer(server: string | undefined): string {
  if (server === undefined || server === '') return 'docker.io';
  const r = keyToRegistry(server.trim());
  if (r === '' || /[\s/]/.test(r)) throw new BerthError('InvalidArgument', `invalid registry address "${server}"`);
  return r;
}

/**
 * Check the credential against the registry (GET /v2/ through its auth flow: Basic, or a Bearer
 * token asked for with it) and store it in the credentials file (mode 0600). Returns the file.
 * A wrong password is PermissionDenied; nothing is written then.
 */
export async function login(
  server: string | undefined,
  credential: Credential,
  opts: RegistryOptions = {},
): Promise<{ registry: string; file: string; helper: string | undefined }> {
  const registry = await checkLogin(server, credential, opts);
  const file = authFilePath(opts.authFile);
  const helper = storeCredential(file, registry, credential);
  return { registry, file, helper };
}

/** Only the check of login (the API's /auth: the client keeps the credential): the registry's name. */
export async function checkLogin(server: string | undefined, credential: Credential, opts: RegistryOptions = {}): Promise<string> {
  return (await checkLoginForToken(server, credential, opts)).registry;
}

/**
 * The check of login as docker's daemon makes it for POST /auth: a token server is asked for a
 * refresh token too, and the one it gives is the identity token the client keeps instead of the
 * password ('' for registries with Basic auth or a token server that gives none, as dockerd).
 * A credential that is an identity token is checked by getting a token with it.
 */
export async function checkLoginForToken(
  server: string | undefined,
  credential: Credential,
  opts: RegistryOptions = {},
): Promise<{ registry: string; identityToken: string }> {
  const registry = registryOfServer(server);
  if (!credential.identityToken) {
    if (credential.username === '') throw new BerthError('InvalidArgument', 'username is required');
    if (credential.password === '') throw new BerthError('InvalidArgument', 'password is required');
  }
  const client = openClient(registry, { ...opts, offlineToken: true }, credential);
  let identityToken = '';
  try {
    const res = await client.request({ method: 'GET', path: '/v2/', scopes: [], what: `logging in to ${registry}` });
    discard(res.body);
    identityToken = client.identityToken() ?? credential.identityToken ?? '';
  } finally {
    client.close();
  }
  return { registry, identityToken };
}

/** Forget a registry's credential; false when there was none (docker prints "Not logged in to …"). */
export function logout(server: string | undefined, opts: { authFile?: string | undefined } = {}): { registry: string; removed: boolean } {
  const registry = registryOfServer(server);
  return { registry, removed: removeCredential(authFilePath(opts.authFile), registry) };
}

/** podman's `logout --all`. */
export function logoutAll(opts: { authFile?: string | undefined } = {}): string[] {
  return removeAllCredentials(authFilePath(opts.authFile));
}
