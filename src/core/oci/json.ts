/**
 * "Unlimited" while a spec is a JavaScript object: RLIM_INFINITY is 2^64-1, which a number cannot
 * carry exactly. ociJson writes it as RLIM_INFINITY itself, so the process sees "unlimited".
 */
export const RLIMIT_UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * A config.json or process.json for the runtime: JSON, with every unlimited rlimit (the only
 * "soft"/"hard" keys in the runtime spec) written as RLIM_INFINITY, 18446744073709551615.
 *
 * @example ociJson({ rlimits: [{ type: 'RLIMIT_CORE', hard: RLIMIT_UNLIMITED, soft: 0 }] })
 *   // '{"rlimits":[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":0}]}'
 */
export function ociJson(spec: object): string {
  return JSON.stringify(spec).replace(/("(?:soft|hard)":)9007199254740991(?=[,}])/g, '$118446744073709551615');
}
