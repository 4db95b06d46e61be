import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/index.js';
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
function execPlugin(command: 'ADD' | 'DEL', type: string, input: string, rt: CniRuntime): Promise<string> {
  const dir = cniPluginDir();
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(dir, type), [], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        CNI_COMMAND: command,
        CNI_CONTAINERID: rt.containerId,
        CNI_NETNS: rt.netns,
        CNI_IFNAME: rt.ifName,
        CNI_PATH: dir,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new BerthError('FailedPrecondition', `running CNI plugin ${type}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve(out);
      let msg = err.trim() || `exit status ${code}`;
      try {
        const j = JSON.parse(out) as { msg?: string; details?: string };
        if (j.msg) msg = j.details ? `${j.msg}: ${j.details}` : j.msg;
      } catch {
        /* not the JSON error the spec asks for: keep stderr */
      }
      reject(new BerthError('Internal', `CNI plugin ${type} ${command} failed: ${msg}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
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
 */
export async function cniDel(list: CniConfList, rt: CniRuntime, prev: CniResult | undefined): Promise<void> {
  let first: unknown;
  for (const p of [...list.plugins].reverse()) {
    await execPlugin('DEL', p.type, pluginInput(list, p, rt, prev), rt).catch((e: unknown) => {
      first ??= e;
    });
  }
  if (first) throw first;
}
