/**
 * The id arithmetic of rootless berth: a user's subordinate ranges (/etc/subuid, /etc/subgid),
 * the user namespace mapping built from them (container 0 → the user, 1…65536 → the range), and
 * the translation of an id through such a mapping. Pure: callers read the files.
 */

/** One line of /proc/PID/uid_map or an OCI uidMappings entry: `size` ids from `containerId` on. */
export interface IdMapping {
  containerId: number;
  hostId: number;
  size: number;
}

/** A subordinate id range granted to a user (`name:start:count`). */
export interface SubIdRange {
  start: number;
  count: number;
}

/** How many ids besides 0 a rootless container gets, as podman's and docker's default. */
export const SUBORDINATE_IDS_WANTED = 65536;

/**
 * The ranges /etc/subuid (or /etc/subgid) grants a user, named there by login name or by number,
 * in file order; malformed and comment lines are passed over, as shadow's newuidmap does.
 *
 * @example
 * parseSubIds('alice:100000:65536\n', 'alice', 1000); // [{ start: 100000, count: 65536 }]
 */
export function parseSubIds(text: string, user: string, uid: number): SubIdRange[] {
  const out: SubIdRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(':');
    if (parts.length !== 3) continue;
    const [who, s, c] = parts as [string, string, string];
    if (who !== user && who !== String(uid)) continue;
    if (!/^\d+$/.test(s) || !/^\d+$/.test(c)) continue;
    const start = Number(s);
    const count = Number(c);
    if (count <= 0 || start + count > 0xffffffff) continue;
    out.push({ start, count });
  }
  return out;
}

/**
 * The mapping of a rootless user namespace: container id 0 is the user's own id, then up to
 * `wanted` ids taken from the subordinate ranges in order (a range may be split over several
 * lines). With no range at all it is the single line `0 → own`: the caller warns.
 *
 * @example
 * rootlessMapping(1000, [{ start: 100000, count: 65536 }]);
 * // [{ containerId: 0, hostId: 1000, size: 1 }, { containerId: 1, hostId: 100000, size: 65536 }]
 */
export function rootlessMapping(own: number, ranges: readonly SubIdRange[], wanted = SUBORDINATE_IDS_WANTED): IdMapping[] {
  const out: IdMapping[] = [{ containerId: 0, hostId: own, size: 1 }];
  let next = 1;
  let left = wanted;
  for (const r of ranges) {
    if (left <= 0) break;
    // the user's own id inside a range it was granted would be mapped twice
    for (const piece of withoutId(r, own)) {
      if (left <= 0) break;
      const size = Math.min(piece.count, left);
      out.push({ containerId: next, hostId: piece.start, size });
      next += size;
      left -= size;
    }
  }
  return out;
}

function withoutId(r: SubIdRange, id: number): SubIdRange[] {
  if (id < r.start || id >= r.start + r.count) return [r];
  return [
    { start: r.start, count: id - r.start },
    { start: id + 1, count: r.start + r.count - id - 1 },
  ].filter((p) => p.count > 0);
}

/** How many container ids a mapping covers (65537 for the usual one, 1 for the fallback). */
export function mappedCount(map: readonly IdMapping[]): number {
  return map.reduce((n, m) => n + m.size, 0);
}

/** The host id of a container id, or undefined when the mapping leaves it out. */
export function toHostId(id: number, map: readonly IdMapping[]): number | undefined {
  for (const m of map) if (id >= m.containerId && id < m.containerId + m.size) return m.hostId + (id - m.containerId);
  return undefined;
}

/** The container id of a host id, or undefined when the mapping does not reach it. */
export function toContainerId(hostId: number, map: readonly IdMapping[]): number | undefined {
  for (const m of map) if (hostId >= m.hostId && hostId < m.hostId + m.size) return m.containerId + (hostId - m.hostId);
  return undefined;
}

/**
 * The mapping of a nested user namespace that keeps the user's own id inside (podman's
 * `--userns=keep-id`), relative to the rootless namespace where the user is 0 and its
 * subordinate ids are 1…n-1: container `own` → 0 (the user), 0…own-1 → 1…own, the rest
 * unchanged. `total` is how many ids the rootless namespace has (mappedCount of its map).
 *
 * @example
 * keepIdMapping(1000, 65537);
 * // [{ containerId: 0, hostId: 1, size: 1000 }, { containerId: 1000, hostId: 0, size: 1 },
 * //  { containerId: 1001, hostId: 1001, size: 64536 }]
 */
export function keepIdMapping(own: number, total: number): IdMapping[] {
  if (own === 0) return [{ containerId: 0, hostId: 0, size: total }];
  const low = Math.min(own, total - 1);
  const out: IdMapping[] = [];
  if (low > 0) out.push({ containerId: 0, hostId: 1, size: low });
  out.push({ containerId: own, hostId: 0, size: 1 });
  if (total - 1 - low > 0) out.push({ containerId: own + 1, hostId: low + 1, size: total - 1 - low });
  return out;
}

/** newuidmap's and newgidmap's arguments after the pid: `inner outer count` triples. */
export function mapArgs(map: readonly IdMapping[]): string[] {
  return map.flatMap((m) => [String(m.containerId), String(m.hostId), String(m.size)]);
}

/** /proc/PID/uid_map's text read back as mappings. */
export function parseProcIdMap(text: string): IdMapping[] {
  const out: IdMapping[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 3) continue;
    out.push({ containerId: Number(f[0]), hostId: Number(f[1]), size: Number(f[2]) });
  }
  return out;
}
