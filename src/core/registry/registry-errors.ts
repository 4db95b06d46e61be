import { BerthError, type ErrorKind } from '../errors/index.js';

/**
 * The message of a registry's error body (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":…}]}`)
 * in docker's wording: `manifest unknown: manifest unknown`; the HTTP status text otherwise.
 */
export function registryErrorText(status: number, body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    if (first?.code) {
      const code = first.code.toLowerCase().replace(/_/g, ' ');
      return first.message && first.message !== code ? `${code}: ${first.message}` : code;
    }
  } catch {
    // not json: fall through to the status
  }
  if (status === 401) return 'unauthorized: authentication required';
  if (status === 403) return 'denied: requested access to the resource is denied';
  if (status === 404) return 'not found';
  if (status === 429) return 'toomanyrequests: too many requests';
  return `unexpected http status ${status}`;
}

export function kindOfStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'PermissionDenied';
  if (status === 404) return 'NotFound';
  if (status === 400 || status === 405 || status === 413 || status === 415) return 'InvalidArgument';
  return 'Unavailable';
}

/**
 * A failed connection as one line: `connection refused`, `no such host`, the TLS verdict, with a
 * hint where the user can act (a CA directory, --tls-verify=false).
 */
export function networkError(e: unknown, host: string): BerthError {
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'ECONNREFUSED') return new BerthError('Unavailable', `dial tcp ${host}: connect: connection refused`, { cause: e });
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_AGAIN') {
    return new BerthError('Unavailable', `lookup ${host}: no such host`, { cause: e });
  }
  if (typeof code === 'string' && (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    return new BerthError('Unavailable', `tls: failed to verify certificate of ${host}: ${msg}`, {
      cause: e,
      hint: `put the registry's CA in /etc/containers/certs.d/${host}/ca.crt, or use --tls-verify=false`,
    });
  }
  if (code === 'EPROTO' || /wrong version number|ssl/i.test(msg)) {
    return new BerthError('Unavailable', `tls handshake with ${host} failed: ${msg}`, {
      cause: e,
      hint: 'if the registry speaks plain http, mark it insecure (--tls-verify=false or insecure-registries)',
    });
  }
  if (code === 'ETIMEDOUT') return new BerthError('Unavailable', `${host}: ${msg}`, { cause: e });
  return new BerthError('Unavailable', `${host}: ${msg}`, { cause: e });
}
