import type { HostReference, ProcessView } from './types.js';
import { alignRows, type Style } from './style.js';
import { bytes, capList, count, cpuQuota, idMapText, limit, microseconds, sharedText } from './render-values.js';

const section = (st: Style, title: string) => `\n${st.heading(title)}\n`;

/** The process line and its ancestors. */
export function renderIdentity(p: ProcessView, st: Style): string {
  const inner = p.nsPids.length > 1 ? `, ${p.nsPids[p.nsPids.length - 1]} inside its pid namespace` : ', the same inside (host pid namespace)';
  const rows = [
    ['process', `${p.cmdline.join(' ') || p.name}`],
    ['pid', `${p.pid} on the host${inner}`],
    ['user', `uid ${p.uids.join('/')}  gid ${p.gids.join('/')}`],
    [
      'parents',
      p.parents
        .map((l) => `${l.pid} ${l.name}${l.role === 'conmon' ? ' (monitor)' : l.role === 'init' ? ' (init)' : l.role === 'runtime' ? ' (runtime)' : ''}`)
        .join(' → ') || '-',
    ],
  ];
  return alignRows(rows.map(([a, b]) => [st.dim(a ?? ''), b ?? '']));
}

export function renderNamespaces(p: ProcessView, host: HostReference, st: Style): string {
  const rows = [[st.dim('NAMESPACE'), st.dim('INODE'), st.dim(`HOST (${host.namespacesOf})`), '']];
  for (const n of p.namespaces) {
    const text = sharedText(n);
    rows.push([n.type, count(n.inode), count(n.hostInode), n.sharedWith === 'private' ? st.isolated(text) : st.shared(text)]);
  }
  return section(st, 'Namespaces') + alignRows(rows, '  ');
}

export function renderCgroup(p: ProcessView, host: HostReference, st: Style): string {
  const c = p.cgroup;
  const paths = [...new Set(c.paths.map((x) => x.path))];
  const lim = (v: string, unlimited: boolean) => (unlimited ? st.shared(v) : st.isolated(v));
  const rows = [
    [st.dim(''), st.dim('CONTAINER'), st.dim('HOST')],
    ['memory limit', lim(limit(c.memory.limit, bytes), c.memory.limit === null), `${bytes(host.memTotal)} total`],
    ['memory usage', bytes(c.memory.usage), ''],
    ['memory peak', bytes(c.memory.peak), ''],
    ['swap limit', c.version === 1 ? limit(c.memory.swapLimit, (n) => `${bytes(n)} (memory + swap)`) : limit(c.memory.swapLimit, bytes), ''],
    ['oom kills', count(c.memory.oomKills), ''],
    ['limit hits', count(c.memory.oomEvents), ''],
    ['cpu quota', lim(cpuQuota(c.cpu.quotaUs, c.cpu.periodUs), c.cpu.quotaUs === null), `${host.cpus} CPUs`],
    [c.version === 1 ? 'cpu shares' : 'cpu weight', count(c.version === 1 ? c.cpu.shares : c.cpu.weight), ''],
    ['cpu used', microseconds(c.cpu.usageUs), ''],
    [
      'pids',
      `${count(c.pids.current)} of ${lim(limit(c.pids.max), c.pids.max === null)}${c.pids.peak === null ? '' : `, peak ${c.pids.peak}`}`,
      `pid_max ${host.pidMax}`,
    ],
  ];
  return (
    section(st, `Cgroup (v${c.version}${host.cgroupVersion === 1 && c.paths.some((x) => x.hierarchy === 0) ? ', hybrid' : ''}): ${paths.join(' ') || '-'}`) +
    alignRows(rows, '  ')
  );
}

export function renderSecurity(p: ProcessView, host: HostReference, st: Style): string {
  const c = p.capabilities;
  const eff = c.effective.length;
  const rows = [
    ['effective', eff === 0 ? st.isolated('none') : capList(c.effective)],
    ['permitted', c.permitted.join() === c.effective.join() ? 'same as effective' : capList(c.permitted)],
    ['bounding', c.bounding.join() === c.effective.join() ? 'same as effective' : capList(c.bounding)],
    ['inheritable', capList(c.inheritable)],
    ['ambient', capList(c.ambient)],
    [
      'dropped',
      c.droppedFromHost.length === 0
        ? st.shared('nothing: the full host set')
        : st.isolated(`${c.droppedFromHost.length} of the host's ${host.capBounding.length}: ${capList(c.droppedFromHost)}`),
    ],
    ['no_new_privs', p.noNewPrivs ? st.isolated('yes') : 'no'],
    [
      'seccomp',
      p.seccomp.mode === 'filter' ? st.isolated(`filter (${p.seccomp.filters} ${p.seccomp.filters === 1 ? 'filter' : 'filters'})`) : st.shared(p.seccomp.mode),
    ],
    ['apparmor', p.lsm.apparmor ?? '-'],
    ['selinux', p.lsm.selinux ?? '-'],
    ['uid map', idMapText(p.uidMap)],
    ['gid map', idMapText(p.gidMap)],
  ];
  return (
    section(st, 'Capabilities and security') +
    alignRows(
      rows.map(([a, b]) => [a ?? '', b ?? '']),
      '  ',
    )
  );
}

export function renderMounts(p: ProcessView, st: Style): string {
  const rows = [[st.dim('TARGET'), st.dim('KIND'), st.dim('TYPE'), st.dim('SOURCE'), st.dim('MODE')]];
  for (const m of p.mounts) rows.push([m.target, m.kind, m.fsType, m.kind === 'rootfs' ? 'overlay (below)' : m.source, m.readOnly ? 'ro' : 'rw']);
  return section(st, 'Mounts') + alignRows(rows, '  ');
}

export function renderNetwork(p: ProcessView, st: Style): string {
  const n = p.network;
  const head = n.hostNetwork ? st.shared("the host's network namespace") : st.isolated('own network namespace');
  const rows = n.interfaces.map((i) => [i.name, i.addresses.join(' ') || '-', `rx ${bytes(i.rxBytes)} tx ${bytes(i.txBytes)}`]);
  const routes = n.routes.map((r) => [r.destination, r.gateway ? `via ${r.gateway}` : 'direct', `dev ${r.iface}`]);
  const ports = n.publishedPorts.map((x) => `${x.hostIp || '0.0.0.0'}:${x.hostPort} → ${x.containerPort}/${x.protocol}`).join(', ') || 'none';
  return `${section(st, `Network: ${head}`)}${alignRows(rows, '  ')}  ${st.dim('routes')}${routes.length ? `\n${alignRows(routes, '    ')}` : ' none\n'}  ${st.dim('published ports')} ${ports}\n`;
}

export function renderFiles(p: ProcessView, st: Style, all: boolean): string {
  const exe = `  executable  ${p.exe ?? '-'}${p.libraries.length === 0 ? ' (statically linked: no shared libraries mapped)' : ''}\n`;
  const libs = p.libraries.map((l) => `    ${l}\n`).join('');
  const fds = p.fds.slice(0, all ? undefined : 32).map((f) => [String(f.fd), f.target]);
  const more = !all && p.fds.length > 32 ? `    … ${p.fds.length - 32} more\n` : '';
  return `${section(st, 'Executable, libraries and open files')}${exe}${libs ? `  libraries (/proc/${p.pid}/maps)\n${libs}` : ''}  file descriptors\n${alignRows(fds, '    ')}${more}`;
}

/** Every section about one process. */
export function renderProcess(p: ProcessView, host: HostReference, st: Style): string {
  return [
    renderIdentity(p, st),
    renderNamespaces(p, host, st),
    renderCgroup(p, host, st),
    renderSecurity(p, host, st),
    renderMounts(p, st),
    renderNetwork(p, st),
    renderFiles(p, st, false),
  ].join('');
}
