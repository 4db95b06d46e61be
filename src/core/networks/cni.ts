import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/index.js';
import { runChild, type ChildOutput } from '../host/spawn.js';
import { trace } from '../trace.js';
import type { CniConfList, CniPluginConf } from './cni-config.js';

/** Where Debian (containernetworking-plugins) and upstream install the reference plugins. */
const PLUGIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin', '/usr/libexec/cni'];

let pluginDir: string | undefined;

export function cniPluginDir(): string {
  if (pluginDir) return pluginDir;
  const env = process.env['BERTH_CNI_PATH'];
  const found = [env, ...PLUGIN_DIRS].find((d) => d && fs.existsSync(path.join(d, 'bridge')));
  if (!found) {
    throw new BerthError('FailedPrecondition', 'CNI plugins not found in /usr/lib/cni or /opt/cni/bin: install containernetworking-plugins');
  }
  pluginDir = found;
  return found;
}

export interface CniRuntime {
  containerId: string;
  netns: string;
  ifName: string;
  /** capability arguments, passed only to plugins that declare the capability */
  capabilityArgs: Record<string, unknown>;
  /** CNI_ARGS (`MAC=…` for the bridge plugin); plugins ignore the ones they do not know */
  args?: Record<string, string>;
  /** a command prefix that runs the plugin where the bridges are (rootless: nsenter into the user's network namespace) */
  enter?: readonly string[];
}

export interface CniResult {
  cniVersion?: string;
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string }>;
  ips?: Array<{ address: string; gateway?: string; interface?: number }>;
  [key: string]: unknown;
}

function pluginInput(list: CniConfList, p: CniPluginConf, rt: CniRuntime, prev: CniResult | undefined): string {
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, on] of Object.entries(p.capabilities ?? {})) {
    if (on && rt.capabilityArgs[cap] !== undefined) runtimeConfig[cap] = rt.capabilityArgs[cap];
  }
  const conf: Record<string, unknown> = { ...p, cniVersion: list.cniVersion, name: list.name };
  if (Object.keys(runtimeConfig).length) conf['runtimeConfig'] = runtimeConfig;
  if (prev) conf['prevResult'] = prev;
  return JSON.stringify(conf);
}

/** Exec one plugin as the CNI spec says: config on stdin, parameters in the environment. */
async function execPlugin(command: 'ADD' | 'DEL', type: string, input: string, rt: CniRuntime): Promise<string> {
  const dir = cniPluginDir();
  trace(`cni ${type} ${command} begin`);
  let r: ChildOutput;
  try {
    const plugin = path.join(dir, type);
    const [cmd, ...args] = rt.enter?.length ? [...rt.enter, plugin] : [plugin];
    r = await runChild(cmd as string, args, {
      input,
      env: {
        PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        CNI_COMMAND: command,
        CNI_CONTAINERID: rt.containerId,
        CNI_NETNS: rt.netns,
        CNI_IFNAME: rt.ifName,
        CNI_PATH: dir,
        ...(rt.args && Object.keys(rt.args).length ? { CNI_ARGS: ['IgnoreUnknown=1', ...Object.entries(rt.args).map(([k, v]) => `${k}=${v}`)].join(';') } : {}),
      },
    });
  } catch (e) {
    throw new BerthError('FailedPrecondition', `running CNI plugin ${type}: ${e instanceof Error ? e.message : String(e)}`);
  }
  trace(`cni ${type} ${command} end`);
  const out = r.stdout.toString();
  if (r.code === 0) return out;
  let msg = r.stderr.toString().trim() || (r.code === null ? `killed by ${r.signal}` : `exit status ${r.code}`);
  try {
    const j = JSON.parse(out) as { msg?: string; details?: string };
    if (j.msg) msg = j.details ? `${j.msg}: ${j.details}` : j.msg;
  } catch {
    /* not the JSON error the spec asks for: keep stderr */
  }
  throw new BerthError('Internal', `CNI plugin ${type} ${command} failed: ${msg}`);
}

/** ADD the chain in order, each plugin seeing the previous result (libcni's AddNetworkList). */
export async function cniAdd(list: CniConfList, rt: CniRuntime): Promise<CniResult> {
  let prev: CniResult | undefined;
  for (const p of list.plugins) {
    const out = await execPlugin('ADD', p.type, pluginInput(list, p, rt, prev), rt);
    prev = JSON.parse(out) as CniResult;
  }
  return prev ?? {};
}

/**
 * DEL the chain in reverse order. Every plugin runs even when one fails (each removes its own
 * rules), and the first failure is reported, so the caller keeps its record and retries later.
 *
 * The bridge plugin's DEL is its IPAM plugin's DEL followed by deleting the container's
 * interface (and masquerade rules, which berth's networks leave to per-network rules). Given
 * `deleteInterface`, berth runs those two halves itself, side by side: one Go program fewer
 * (~10 ms) on every container exit, with the same IPAM plugin releasing the same lease.
 */
export async function cniDel(
  list: CniConfList,
  rt: CniRuntime,
  prev: CniResult | undefined,
  opts: { deleteInterface?: () => Promise<unknown> } = {},
): Promise<void> {
  let first: unknown;
  const keep = (e: unknown): void => {
    first ??= e;
  };
  for (const p of [...list.plugins].reverse()) {
    const input = pluginInput(list, p, rt, prev);
    const ipam = p['ipam'] as { type?: unknown } | undefined;
    if (p.type === 'bridge' && p['ipMasq'] === false && typeof ipam?.type === 'string' && opts.deleteInterface) {
      // the bridge plugin hands its own configuration to the IPAM plugin
      await Promise.all([execPlugin('DEL', ipam.type, input, rt).catch(keep), opts.deleteInterface().catch(keep)]);
      continue;
    }
    await execPlugin('DEL', p.type, input, rt).catch(keep);
  }
  if (first) throw first;
}
