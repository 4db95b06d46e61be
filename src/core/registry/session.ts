import { RegistryClient } from './client.js';
import { authFilePath, readCredential, type Credential } from './credentials.js';
import type { ProgressSink } from './progress.js';
import { loadRegistriesConfig, type RegistriesConfig } from './registries-conf.js';
import { retryPolicyFromEnv } from './retry.js';

/** What every registry operation can be told (the CLI's --authfile, --tls-verify, --cert-dir). */
export interface RegistryOptions {
  authFile?: string | undefined;
  /** false: no TLS verification, plain HTTP allowed; undefined: registries.conf decides */
  tlsVerify?: boolean | undefined;
  certDir?: string | undefined;
  /** the registries.conf settings; read from the usual places when absent */
  config?: RegistriesConfig | undefined;
  onProgress?: ProgressSink | undefined;
  /** a credential given with the request (the API's X-Registry-Auth), used instead of the auth file's */
  credential?: Credential | undefined;
  /** ask a token server for a refresh token (login: docker's identity token) */
  offlineToken?: boolean | undefined;
}

/** A client for one registry with the stored credential for it (if any). */
export function openClient(registry: string, opts: RegistryOptions, credential?: Credential): RegistryClient {
  const config = opts.config ?? loadRegistriesConfig();
  return new RegistryClient({
    registry,
    config,
    credential: credential ?? opts.credential ?? readCredential(authFilePath(opts.authFile), registry),
    tlsVerify: opts.tlsVerify,
    certDir: opts.certDir,
    offlineToken: opts.offlineToken,
    retry: retryPolicyFromEnv(),
    maxSockets: Math.max(config.maxConcurrentDownloads, config.maxConcurrentUploads) + 2,
  });
}
