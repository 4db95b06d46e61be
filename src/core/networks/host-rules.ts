import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { NetworkRecord } from './network-record.js';

/**
 * Per-network iptables rules, installed once when a network is first used (as docker does), not
 * per container: the CNI firewall plugin and the bridge plugin's ipMasq ran ~25 iptables commands
 * for every container start and stop (~100 ms). What the rules do:
 * - isolation: traffic from one berth bridge to another is dropped (docker's network isolation),
 *   so an internal network cannot leave through the published port of a container elsewhere;
 * - forwarding for hosts whose FORWARD policy is DROP (docker sets it): out of the bridge, replies
 *   and DNAT'd (published) connections in; an internal network gets neither;
 * - outbound NAT: one MASQUERADE for the subnet instead of one per container.
 * A marker in /run remembers the install: iptables rules and /run are both gone after a reboot. It is
 * written only when iptables confirms every rule is there; otherwise the caller gets an error.
 */
const FILTER_CHAIN = 'BERTH-FORWARD';
const ISOLATION_CHAIN = 'BERTH-ISOLATION';
const NAT_CHAIN = 'BERTH-POSTROUTING';
const MARKERS = '/run/berth-net';

interface IptResult {
  ok: boolean;
  /** what iptables said on failure (or that it could not be run) */
  error: string;
}

/** iptables where the bridges are: `enter` is a command prefix (rootless: the user's network namespace). */
function iptables(enter: readonly string[]) {
  const run = (args: string[]): IptResult => {
    const [cmd, ...pre] = [...enter, 'iptables'];
    const r = spawnSync(cmd as string, [...pre, '-w', ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.error) return { ok: false, error: r.error.message };
    return { ok: r.status === 0, error: (r.stderr ?? '').trim().split('\n')[0] ?? '' };
  };
  const ipt = (args: string[]): boolean => run(args).ok;
  return {
    run,
    ipt,
    /** Create chain if missing, and jump to it from parent (first rule) once. */
    ensureChain(table: string, parent: string, chain: string, position: 'insert' | 'append'): void {
      if (!ipt(['-t', table, '-n', '-L', chain])) ipt(['-t', table, '-N', chain]);
      if (!ipt(['-t', table, '-C', parent, '-j', chain]))
        ipt(['-t', table, position === 'insert' ? '-I' : '-A', parent, ...(position === 'insert' ? ['1'] : []), '-j', chain]);
    },
    ensureRule(table: string, chain: string, rule: string[]): void {
      if (!ipt(['-t', table, '-C', chain, ...rule])) ipt(['-t', table, '-A', chain, ...rule]);
    },
  };
}

/** Every jump and rule the network needs, as `iptables -C` arguments. */
function expected(net: NetworkRecord): string[][] {
  return [
    ['-t', 'filter', '-C', 'FORWARD', '-j', FILTER_CHAIN],
    ['-t', 'filter', '-C', FILTER_CHAIN, '-j', ISOLATION_CHAIN],
    ['-t', 'nat', '-C', 'POSTROUTING', '-j', NAT_CHAIN],
    ...rules(net).map((r) => ['-t', r.table, '-C', r.chain, ...r.rule]),
  ];
}

function rules(net: NetworkRecord): Array<{ table: string; chain: string; rule: string[] }> {
  const b = net.bridge;
  const out = [
    { table: 'filter', chain: ISOLATION_CHAIN, rule: ['-i', b, '-o', b, '-j', 'RETURN'] },
    { table: 'filter', chain: ISOLATION_CHAIN, rule: ['-i', b, '-o', 'berth+', '-j', 'DROP'] },
  ];
  if (net.internal) {
    out.push({ table: 'filter', chain: FILTER_CHAIN, rule: ['-i', b, '!', '-o', b, '-j', 'DROP'] });
    out.push({ table: 'filter', chain: FILTER_CHAIN, rule: ['-o', b, '!', '-i', b, '-j', 'DROP'] });
  } else {
    out.push({ table: 'filter', chain: FILTER_CHAIN, rule: ['-o', b, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'ACCEPT'] });
    out.push({ table: 'filter', chain: FILTER_CHAIN, rule: ['-i', b, '-j', 'ACCEPT'] });
    out.push({ table: 'nat', chain: NAT_CHAIN, rule: ['-s', net.subnet, '!', '-o', b, '-j', 'MASQUERADE'] });
  }
  return out;
}

/**
 * Install the network's rules unless this boot already did; throws, writing no marker, when
 * iptables does not confirm them (`markers`: the marker directory, another one in tests).
 */
export function ensureNetworkRules(net: NetworkRecord, markers = MARKERS, enter: readonly string[] = []): void {
  const marker = path.join(markers, net.bridge);
  if (fs.existsSync(marker)) return;
  installRules(net, iptables(enter));
  fs.mkdirSync(markers, { recursive: true });
  fs.writeFileSync(marker, `${net.subnet}\n`);
}

function installRules(net: NetworkRecord, t: ReturnType<typeof iptables>): void {
  const { ipt, run, ensureChain, ensureRule } = t;
  ensureChain('filter', 'FORWARD', FILTER_CHAIN, 'insert');
  // isolation is decided before any accept: first rule of berth's own chain
  if (!ipt(['-n', '-L', ISOLATION_CHAIN])) ipt(['-N', ISOLATION_CHAIN]);
  if (!ipt(['-C', FILTER_CHAIN, '-j', ISOLATION_CHAIN])) ipt(['-I', FILTER_CHAIN, '1', '-j', ISOLATION_CHAIN]);
  ensureChain('nat', 'POSTROUTING', NAT_CHAIN, 'append');
  for (const r of rules(net)) ensureRule(r.table, r.chain, r.rule);
  // the marker says the rules are in place: only once iptables confirms each of them is
  for (const check of expected(net)) {
    const r = run(check);
    if (!r.ok) {
      const [, table, , ...rule] = check;
      throw new BerthError(
        'FailedPrecondition',
        `network "${net.name}": the iptables rules of bridge "${net.bridge}" are not in place (isolation, forwarding and outbound NAT would be missing): table ${table} has no "-A ${rule.join(' ')}": ${r.error || 'iptables failed'}`,
        {
          hint: 'berth needs a working iptables (root, the filter and nat tables) to connect containers to a bridge network',
        },
      );
    }
  }
}

/** `network rm`: the network's rules go with its bridge. */
export function removeNetworkRules(net: NetworkRecord, markers = MARKERS, enter: readonly string[] = []): void {
  const { ipt } = iptables(enter);
  for (const r of rules(net)) while (ipt(['-t', r.table, '-D', r.chain, ...r.rule]));
  fs.rmSync(path.join(markers, net.bridge), { force: true });
}
