import type { Explanation, ProcessView } from './types.js';
import { bytes, capList, cpuQuota, idMapText, limit, sharedText } from './render-values.js';

export interface Fact {
  label: string;
  value: string;
}

export interface Difference {
  label: string;
  left: string;
  right: string;
  same: boolean;
}

function processFacts(p: ProcessView): Fact[] {
  const c = p.cgroup;
  return [
    ...p.namespaces.map((n) => ({ label: `${n.type} namespace`, value: `${n.inode ?? '-'} ${sharedText(n)}` })),
    { label: 'capabilities', value: capList(p.capabilities.effective) },
    { label: 'bounding set', value: `${p.capabilities.bounding.length} capabilities` },
    { label: 'no_new_privs', value: p.noNewPrivs ? 'yes' : 'no' },
    { label: 'seccomp', value: `${p.seccomp.mode} (${p.seccomp.filters})` },
    { label: 'apparmor', value: p.lsm.apparmor ?? '-' },
    { label: 'selinux', value: p.lsm.selinux ?? '-' },
    { label: 'uid map', value: idMapText(p.uidMap) },
    { label: 'cgroup', value: [...new Set(c.paths.map((x) => x.path))].join(' ') },
    { label: 'memory limit', value: limit(c.memory.limit, bytes) },
    { label: 'cpu quota', value: cpuQuota(c.cpu.quotaUs, c.cpu.periodUs) },
    { label: 'pids limit', value: limit(c.pids.max) },
    { label: 'root', value: p.mounts.find((m) => m.target === '/')?.fsType ?? '-' },
    { label: 'mounts', value: String(p.mounts.length) },
    { label: 'interfaces', value: p.network.interfaces.map((i) => i.name).join(' ') },
    { label: 'executable', value: p.exe ?? '-' },
  ];
}

/** The comparable facts of an explanation, in a fixed order, as short strings. */
export function factsOf(e: Explanation): Fact[] {
  const p = e.kind === 'container' ? e.process : e.process;
  const head: Fact[] =
    e.kind === 'container'
      ? [{ label: 'container', value: `${e.container.name} (${e.container.status})` }]
      : [{ label: 'process', value: `${e.process.pid} ${e.process.name}` }];
  if (!p && e.kind === 'container' && e.applied) {
    const a = e.applied;
    return [
      ...head,
      { label: 'capabilities', value: capList(a.capabilities.effective) },
      { label: 'seccomp', value: a.seccomp.profile },
      { label: 'memory limit', value: limit(a.resources.memory, bytes) },
      { label: 'pids limit', value: limit(a.resources.pids) },
    ];
  }
  return p ? [...head, ...processFacts(p)] : head;
}

/** Two explanations side by side, fact by fact (facts only one side has are shown as '-'). */
export function diffFacts(left: Explanation, right: Explanation): Difference[] {
  const l = factsOf(left);
  const r = new Map(factsOf(right).map((f) => [f.label, f.value]));
  const labels = [...l.map((f) => f.label), ...[...r.keys()].filter((k) => !l.some((f) => f.label === k))];
  const lm = new Map(l.map((f) => [f.label, f.value]));
  return labels.map((label) => {
    const a = lm.get(label) ?? '-';
    const b = r.get(label) ?? '-';
    return { label, left: a, right: b, same: a === b };
  });
}
