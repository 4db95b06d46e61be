/**
 * When a registry request is tried again: on 429 and 5xx answers and on connections that broke,
 * at most `attempts` times in all, waiting an exponentially growing, jittered delay (or what
 * Retry-After asks, up to the cap). Refused connections and unknown hosts are not retried: they
 * will not heal within seconds, and the user should hear about them at once.
 */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 250, capMs: 8000 };

/** The policy, with $BERTH_REGISTRY_RETRY_MS overriding the base delay (tests make it small). */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const base = Number(env['BERTH_REGISTRY_RETRY_MS']);
  return Number.isFinite(base) && base >= 0 && env['BERTH_REGISTRY_RETRY_MS'] !== undefined ? { ...DEFAULT_RETRY, baseMs: base } : DEFAULT_RETRY;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);

/** A network failure worth another try (a reset or a cut), not a refusal or a bad name. */
export function isRetryableError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
  const msg = e instanceof Error ? e.message : '';
  return /socket hang up|aborted|premature close/i.test(msg);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * How long to wait before attempt number `attempt` (1 = the first retry), or undefined when the
 * attempts are used up. `random` is injectable so tests are deterministic.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.capMs);
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  // "equal jitter": half fixed, half random, so concurrent clients spread out
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
