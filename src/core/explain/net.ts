import type { NetInterface, NetRoute } from './types.js';

/*
 * A process's network namespace through /proc/PID/net/*: these files show the namespace of the
 * process, not the reader's, so no setns or `ip` is needed. What /proc does not say directly
 * (which interface holds an IPv4 address) is worked out from the routes.
 */

/** /proc/PID/net/dev: interface names with received and sent bytes. */
export function parseNetDev(text: string): Array<{ name: string; rxBytes: number; txBytes: number }> {
  const out: Array<{ name: string; rxBytes: number; txBytes: number }> = [];
  for (const line of text.split('\n').slice(2)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const f = line
      .slice(i + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    out.push({ name: line.slice(0, i).trim(), rxBytes: f[0] ?? 0, txBytes: f[8] ?? 0 });
  }
  return out;
}

/** `0100007F` (as /proc/net/route prints it, little-endian) → `127.0.0.1`. */
export function hexToIpv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);
}

function prefixLength(mask: string): number {
  return ipv4ToInt(mask).toString(2).replace(/0/g, '').length;
}

/** 32 hex digits → RFC 5952 text (`fd00::2`). */
export function hexToIpv6(hex: string): string {
  const groups = (hex.match(/.{4}/g) ?? []).map((g) => parseInt(g, 16).toString(16));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

interface V4Route {
  iface: string;
  destination: string;
  gateway: string | null;
  mask: string;
}

/** /proc/PID/net/route: the IPv4 main table (up routes only). */
export function parseRoute(text: string): V4Route[] {
  const out: V4Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !(parseInt(f[3] ?? '0', 16) & 1)) continue;
    const gw = hexToIpv4(f[2] ?? '0');
    out.push({ iface: f[0] ?? '', destination: hexToIpv4(f[1] ?? '0'), gateway: gw === '0.0.0.0' ? null : gw, mask: hexToIpv4(f[7] ?? '0') });
  }
  return out;
}

/** The addresses the namespace owns: leaves of /proc/PID/net/fib_trie marked `/32 host LOCAL`. */
export function parseFibTrieLocal(text: string): string[] {
  const out = new Set<string>();
  let last: string | null = null;
  for (const line of text.split('\n')) {
    const leaf = /\|-- (\d+\.\d+\.\d+\.\d+)$/.exec(line);
    if (leaf) last = leaf[1] ?? null;
    else if (last && /^\s*\/32 host LOCAL/.test(line)) out.add(last);
  }
  return [...out];
}

/** /proc/PID/net/if_inet6: `addr ifindex prefixlen scope flags name` → `name: addr/len`. */
export function parseIfInet6(text: string): Array<{ iface: string; address: string }> {
  const out: Array<{ iface: string; address: string }> = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    out.push({ iface: f[5] ?? '', address: `${hexToIpv6(f[0] ?? '')}/${parseInt(f[2] ?? '0', 16)}` });
  }
  return out;
}

const RTF_GATEWAY = 0x2;

/** /proc/PID/net/ipv6_route, without the kernel's local and multicast entries. */
export function parseIpv6Route(text: string): NetRoute[] {
  const out: NetRoute[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const flags = parseInt(f[8] ?? '0', 16);
    const dest = f[0] ?? '';
    // RTF_LOCAL (0x80000000) entries are the namespace's own addresses; ff00::/8 is multicast
    if (flags & 0x80000000 || dest.startsWith('ff') || f[9] === 'lo') continue;
    out.push({
      destination: `${hexToIpv6(dest)}/${parseInt(f[1] ?? '0', 16)}`,
      gateway: flags & RTF_GATEWAY ? hexToIpv6(f[4] ?? '') : null,
      iface: f[9] ?? '',
    });
  }
  return out;
}

/** Put the pieces together: each interface with its addresses; IPv4 and IPv6 routes. */
export function networkFromProc(files: { dev: string; route: string; fibTrie: string; ifInet6: string; ipv6Route: string }): {
  interfaces: NetInterface[];
  routes: NetRoute[];
} {
  const v4 = parseRoute(files.route);
  const interfaces: NetInterface[] = parseNetDev(files.dev).map((d) => ({ ...d, addresses: [] }));
  const byName = new Map(interfaces.map((i) => [i.name, i]));
  for (const addr of parseFibTrieLocal(files.fibTrie)) {
    const a = ipv4ToInt(addr);
    // a connected route (no gateway) whose network holds the address names its interface
    const r = v4.find((x) => x.gateway === null && (a & ipv4ToInt(x.mask)) >>> 0 === ipv4ToInt(x.destination) && x.mask !== '0.0.0.0');
    const iface = r?.iface ?? (addr.startsWith('127.') ? 'lo' : undefined);
    const len = r ? prefixLength(r.mask) : addr.startsWith('127.') ? 8 : 32;
    byName.get(iface ?? '')?.addresses.push(`${addr}/${len}`);
  }
  for (const { iface, address } of parseIfInet6(files.ifInet6)) byName.get(iface)?.addresses.push(address);
  const routes: NetRoute[] = v4.map((r) => ({
    destination: r.mask === '0.0.0.0' ? 'default' : `${r.destination}/${prefixLength(r.mask)}`,
    gateway: r.gateway,
    iface: r.iface,
  }));
  routes.push(...parseIpv6Route(files.ipv6Route).map((r) => (r.destination === '::/0' ? { ...r, destination: 'default' } : r)));
  return { interfaces, routes };
}
