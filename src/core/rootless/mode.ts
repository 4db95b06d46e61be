import fs from 'node:fs';
import { mappedCount, parseProcIdMap, type IdMapping } from './id-map.js';

/**
 * What berth knows about running rootless. The CLI of an ordinary user enters the user's
 * namespace (see rootless/pause.ts) and runs berth there as its root; the launcher says so in
 * $BERTH_ROOTLESS (`uid:gid:name` of the user outside). Both that and a non-identity
 * /proc/self/uid_map are needed, so root on the host never takes a rootless path.
 */
export interface RootlessMode {
  /** the user's ids and login name on the host */
  uid: number;
  gid: number;
  user: string;
  /** the namespace's mappings, as /proc/self/uid_map and gid_map show them */
  uidMap: IdMapping[];
  gidMap: IdMapping[];
  /** only the user's own id is mapped: no subordinate ids */
  singleId: boolean;
}

export const ROOTLESS_ENV = 'BERTH_ROOTLESS';

let cached: RootlessMode | null | undefined;

/** The rootless mode of this process, or undefined for root on the host (memoised). */
export function rootlessMode(): RootlessMode | undefined {
  if (cached === undefined) cached = readMode() ?? null;
  return cached ?? undefined;
}

function readMode(): RootlessMode | undefined {
  const v = process.env[ROOTLESS_ENV];
  if (!v) return undefined;
  const m = /^(\d+):(\d+):(.*)$/.exec(v);
  if (!m) return undefined;
  let uidText: string;
  let gidText: string;
  try {
    uidText = fs.readFileSync('/proc/self/uid_map', 'utf8');
    gidText = fs.readFileSync('/proc/self/gid_map', 'utf8');
  } catch {
    return undefined;
  }
  const uidMap = parseProcIdMap(uidText);
  const gidMap = parseProcIdMap(gidText);
  if (isIdentity(uidMap)) return undefined;
  return { uid: Number(m[1]), gid: Number(m[2]), user: m[3] as string, uidMap, gidMap, singleId: mappedCount(uidMap) <= 1 };
}

function isIdentity(map: readonly IdMapping[]): boolean {
  return map.length === 1 && map[0]?.containerId === 0 && map[0].hostId === 0 && map[0].size === 0xffffffff;
}

/** The environment a process berth leaves running in the namespace (conmon's exit hook) needs. */
export function rootlessEnv(): Record<string, string> {
  const v = process.env[ROOTLESS_ENV];
  return rootlessMode() && v ? { [ROOTLESS_ENV]: v } : {};
}
