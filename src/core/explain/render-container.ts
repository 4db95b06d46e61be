import type { AppliedConfig, ContainerExplanation, PidExplanation, ProcessView, RootfsView, RuntimeLeftovers } from './types.js';
import { alignRows, type Style } from './style.js';
import { bytes, capList, limit } from './render-values.js';
import { renderFiles, renderProcess } from './render-process.js';

const section = (st: Style, title: string) => `\n${st.heading(title)}\n`;

function renderApplied(a: AppliedConfig, st: Style, running: boolean): string {
  const s = a.seccomp;
  const profile =
    s.profile === 'unconfined'
      ? st.shared('unconfined: no filter')
      : `${s.profile === 'default' ? "berth's default profile" : 'a custom profile'}: ${s.rules} rules, otherwise ${s.defaultAction}`;
  let out = section(st, 'Applied by berth (config.json)');
  const rows: string[][] = [['seccomp', profile]];
  if (!running) {
    rows.push([
      'own namespaces',
      a.namespaces
        .filter((n) => n.path === null)
        .map((n) => n.type)
        .join(' ') || 'none',
    ]);
    rows.push([
      'joined',
      a.namespaces
        .filter((n) => n.path !== null)
        .map((n) => `${n.type}=${n.path}`)
        .join(' ') || 'none',
    ]);
    rows.push(['capabilities', capList(a.capabilities.effective)]);
    rows.push(['no_new_privs', a.noNewPrivileges ? 'yes' : 'no']);
    rows.push(['memory', limit(a.resources.memory, bytes)]);
    rows.push(['cpu quota', a.resources.cpuQuota === null ? 'unlimited' : `${a.resources.cpuQuota}µs per ${a.resources.cpuPeriod ?? 100000}µs`]);
    rows.push(['pids', limit(a.resources.pids)]);
  }
  rows.push(['masked paths', a.maskedPaths.join(' ') || 'none']);
  rows.push(['read-only paths', a.readonlyPaths.join(' ') || 'none']);
  if (a.apparmorProfile) rows.push(['apparmor', a.apparmorProfile]);
  if (a.selinuxLabel) rows.push(['selinux', a.selinuxLabel]);
  out += alignRows(rows, '  ');
  if (s.blocks.length > 0) {
    out += `  ${st.dim('notable calls the profile refuses')}\n`;
    out += alignRows(
      s.blocks.map((b) => [st.isolated(b.syscalls.join(' ')), b.reason + (b.allowedWith ? ` (allowed with ${b.allowedWith})` : '')]),
      '    ',
    );
  }
  if (!running) {
    out += `  ${st.dim('mounts')}\n`;
    out += alignRows(
      a.mounts.map((m) => [m.destination, m.type, m.source, m.options.join(',')]),
      '    ',
    );
  }
  return out;
}

function renderRootfs(r: RootfsView, st: Style): string {
  let out = section(st, `Root filesystem: overlay${r.mounted ? '' : ' (not mounted)'}${r.readOnly ? ', read-only' : ''}`);
  const rows = [[st.dim('LAYER'), st.dim('LOWERDIR'), st.dim('DIGEST'), st.dim('SIZE'), st.dim('CREATED BY')]];
  for (const l of [...r.layers].reverse()) {
    rows.push([
      l.index < 0 ? '?' : String(l.index),
      l.lowerDir,
      (l.digest ?? l.diffId ?? l.chainId).replace(/^sha256:/, '').slice(0, 12),
      bytes(l.size),
      (l.createdBy ?? '-').slice(0, 60),
    ]);
  }
  out += alignRows(rows, '  ');
  out += `  upper dir  ${r.upperDir ?? '-'}  (${bytes(r.upperSize)} written by the container)\n`;
  return out;
}

function renderLeftovers(rt: RuntimeLeftovers, st: Style): string {
  const rows = [
    ['runtime', `${rt.name} ${rt.binary} (exits once the container has started)`],
    ['runtime state', `${rt.stateDir}${rt.stateFiles.length ? ` (${rt.stateFiles.join(', ')})` : ' (gone)'}`],
    ['monitor', rt.conmon.pid > 0 ? `conmon pid ${rt.conmon.pid}${rt.conmon.alive ? '' : ' (gone)'} ${rt.conmon.binary}` : 'none'],
    ['bundle', rt.bundle],
  ];
  return section(st, 'Engine') + alignRows(rows, '  ');
}

function renderAll(ps: readonly ProcessView[], st: Style): string {
  const rows = [[st.dim('PID'), st.dim('INSIDE'), st.dim('NAME'), st.dim('CAPS'), st.dim('SECCOMP'), st.dim('COMMAND')]];
  for (const p of ps)
    rows.push([
      String(p.pid),
      String(p.nsPids[p.nsPids.length - 1]),
      p.name,
      String(p.capabilities.effective.length),
      p.seccomp.mode,
      p.cmdline.join(' ').slice(0, 60),
    ]);
  let out = section(st, `All processes (${ps.length})`) + alignRows(rows, '  ');
  for (const p of ps.slice(1)) out += section(st, `Process ${p.pid}`) + renderFiles(p, st, false).replace(/^\n.*\n/, '');
  return out;
}

/** The whole text output for a container. */
export function renderContainer(e: ContainerExplanation, st: Style): string {
  const c = e.container;
  let out = `${st.heading(`Container ${c.name}`)} ${c.id.slice(0, 12)}  image ${c.image}  ${c.running ? st.isolated(c.status) : st.shared(c.status)}\n`;
  if (e.note) out += `${st.shared(e.note)}\n`;
  if (e.process) out += renderProcess({ ...e.process, network: e.network ?? e.process.network }, e.host, st);
  if (e.processes.length > 0) out += renderAll(e.processes, st);
  if (e.applied) out += renderApplied(e.applied, st, e.process !== null);
  out += renderRootfs(e.rootfs, st);
  out += renderLeftovers(e.runtime, st);
  return out;
}

/** The text output for --pid. */
export function renderPid(e: PidExplanation, st: Style): string {
  const id = e.process.containerId;
  return `${st.heading(`Process ${e.process.pid}`)}${id ? `  in berth container ${id.slice(0, 12)}` : ''}\n${renderProcess(e.process, e.host, st)}`;
}
