import type { HostExplanation } from './types.js';
import { alignRows, type Style } from './style.js';
import { bytes, capList, count } from './render-values.js';

const section = (st: Style, title: string) => `\n${st.heading(title)}\n`;
const yes = (st: Style, b: boolean | null) => (b === null ? '-' : b ? st.isolated('yes') : st.shared('no'));

/** `berth explain --host` as text. */
export function renderHost(h: HostExplanation, st: Style): string {
  let out = `${st.heading('Host')}  Linux ${h.kernel.release} (${h.kernel.arch})\n  ${st.dim(h.kernel.build)}\n`;
  for (const b of h.binaries) {
    out += section(st, `${b.role === 'runtime' ? 'OCI runtime' : 'Monitor'}: ${b.name} ${b.path}`);
    out += `  version    ${b.version ?? '-'}\n`;
    const how = b.source === 'proc-maps' ? `mapped by running pid ${b.runningPid}` : 'linked (ELF dynamic section, transitively)';
    out += `  libraries  ${b.static ? 'none: statically linked' : how}\n`;
    out += alignRows(
      b.libraries.map((l) => [l.name, l.path ?? st.shared('not found')]),
      '    ',
    );
  }
  const f = h.features;
  out += section(st, 'Kernel features');
  out += alignRows(
    [
      ['namespaces', f.namespaces.join(' ')],
      ['cgroups', `v${f.cgroup.version}${f.cgroup.hybrid ? ' (hybrid: v1 controllers, v2 mounted beside)' : ''}`],
      ['controllers', f.cgroup.controllers.join(' ') || '-'],
      ...(f.cgroup.hybrid ? [['v2 controllers', f.cgroup.v2Controllers.join(' ') || 'none']] : []),
      ['overlayfs', yes(st, f.overlayfs)],
      ['seccomp', f.seccomp.available ? `${st.isolated('yes')} (actions: ${f.seccomp.actions.join(' ') || '-'})` : st.shared('no')],
      [
        'user namespaces',
        `${count(f.userNamespaces.max)} allowed; unprivileged ${f.userNamespaces.unprivileged === null ? '-' : f.userNamespaces.unprivileged ? 'yes' : 'no'}`,
      ],
      ['apparmor', yes(st, f.lsm.apparmor)],
      ['selinux', yes(st, f.lsm.selinux)],
    ],
    '  ',
  );
  const l = h.limits;
  out += section(st, 'Host limits');
  out += alignRows(
    [
      ['cpus', String(l.cpus)],
      ['memory', bytes(l.memTotal)],
      ['pid_max', count(l.pidMax)],
      ['threads-max', count(l.threadsMax)],
      ['file-max', count(l.fileMax)],
      ['nr_open', count(l.nrOpen)],
      ['open files (hard)', count(l.openFilesHard)],
      ['processes (hard)', count(l.processesHard)],
      ['capabilities', `${l.capBounding.length} in berth's bounding set`],
      ['missing', l.capMissing.length ? st.shared(capList(l.capMissing)) : 'none'],
    ],
    '  ',
  );
  return out;
}
