import { errorMessage } from '../../errors/index.js';
import type { ContainerSpec } from '../container-spec.js';
import { invalidArgument } from './invalid.js';

type Security = ContainerSpec['security'];

const LABEL_KEYS = new Set(['user', 'role', 'type', 'level', 'filetype']);

function splitOpt(opt: string): [string, string | undefined] {
  const eq = opt.indexOf('=');
  if (eq >= 0) return [opt.slice(0, eq), opt.slice(eq + 1)];
  if (opt === 'no-new-privileges') return [opt, undefined];
  // docker still accepts the old "key:value" form
  const colon = opt.indexOf(':');
  if (colon >= 0) return [opt.slice(0, colon), opt.slice(colon + 1)];
  throw invalidArgument(`invalid --security-opt: "${opt}"`);
}

function parseBool(v: string, opt: string): boolean {
  if (['1', 't', 'true'].includes(v.toLowerCase())) return true;
  if (['0', 'f', 'false'].includes(v.toLowerCase())) return false;
  throw invalidArgument(`invalid --security-opt: "${opt}"`);
}

function readProfile(path: string, readFile: (path: string) => string): { profileJson: string; path: string } {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw invalidArgument(`opening seccomp profile "${path}" failed: ${errorMessage(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalidArgument(`decoding seccomp profile "${path}" failed: ${errorMessage(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidArgument(`decoding seccomp profile "${path}" failed: not a JSON object`);
  }
  // stored compact, as docker's CLI does, so the container record does not depend on the file
  return { profileJson: JSON.stringify(parsed), path };
}

/**
 * Every --security-opt value at once: `seccomp=unconfined|builtin|PATH`, `no-new-privileges[=bool]`
 * (also `no-new-privileges:true`), `apparmor=PROFILE`, `label=user:U|role:R|type:T|level:L|disable|nested`.
 * A seccomp PATH is read now through `readFile`, so the container keeps the profile it was created with.
 *
 * @example parseSecurityOpt(['no-new-privileges', 'seccomp=unconfined'], (p) => fs.readFileSync(p, 'utf8'))
 */
export function parseSecurityOpt(values: readonly string[], readFile: (path: string) => string): Security {
  const out: Security = { noNewPrivileges: false };
  for (const opt of values) {
    const [key, value] = splitOpt(opt);
    switch (key) {
      case 'no-new-privileges':
        out.noNewPrivileges = value === undefined ? true : parseBool(value, opt);
        break;
      case 'seccomp':
        if (!value) throw invalidArgument(`invalid --security-opt: "${opt}"`);
        if (value === 'unconfined') out.seccomp = 'unconfined';
        else if (value === 'builtin') delete out.seccomp;
        else out.seccomp = readProfile(value, readFile);
        break;
      case 'apparmor':
        if (!value) throw invalidArgument(`invalid --security-opt: "${opt}"`);
        out.apparmor = value;
        break;
      case 'systempaths':
        // docker: only "unconfined" (no masked or read-only /proc and /sys paths)
        if (value !== 'unconfined') throw invalidArgument(`invalid --security-opt: "${opt}"`);
        out.systemPathsUnconfined = true;
        break;
      case 'label': {
        const v = value ?? '';
        const sub = v.slice(0, v.indexOf(':'));
        const ok = v === 'disable' || v === 'nested' || (LABEL_KEYS.has(sub) && v.length > sub.length + 1);
        if (!ok) throw invalidArgument(`invalid --security-opt: "${opt}"`);
        out.selinuxLabel = [...(out.selinuxLabel ?? []), v];
        break;
      }
      default:
        throw invalidArgument(`invalid --security-opt: "${opt}"`);
    }
  }
  return out;
}
