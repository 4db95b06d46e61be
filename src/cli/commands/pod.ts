import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { collect, intArg } from '../options.js';
import { forEachTarget } from '../multi.js';
import { printObjects } from '../render.js';

const pods = () => import('../../core/pods/index.js');

const POD_FILTERS = new Set(['id', 'name', 'label', 'status', 'ctr-names', 'ctr-ids', 'ctr-number', 'network']);
const POD_STATUSES = new Set(['created', 'running', 'degraded', 'paused', 'exited', 'stopped']);

function labelsOf(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of values) {
    const i = l.indexOf('=');
    if (i === 0) throw new BerthError('InvalidArgument', `invalid label "${l}": the key is empty`);
    out[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  return out;
}

/** The engine, after undoing pod creations a killed berth left half-way. */
async function podEngine(ctx: CliContext): Promise<Awaited<ReturnType<CliContext['engine']>>> {
  const engine = await ctx.engine();
  await (await pods()).repairPods(engine);
  return engine;
}

/** `berth pod …`: pods of containers sharing namespaces, as podman's pod commands. */
export function registerPod(parent: Command, ctx: CliContext): void {
  const pod = parent.command('pod').description('Manage pods (containers sharing network, ipc and uts namespaces)');

  pod
    .command('create')
    .description('Create a new empty pod')
    .argument('[name]', "the pod's name (or --name)")
    .option('--name <name>', 'assign a name to the pod')
    .option('-p, --publish <spec>', 'publish a port of the pod to the host', collect, [])
    .option('--share <namespaces>', 'namespaces the members share: net, ipc, uts, pid (a list replaces the default ipc,net,uts; +pid adds)', collect, [])
    .option('--hostname <name>', "the pod's hostname (default: its name)")
    .option('--network <mode>', "the pod's network: bridge (default), a network name, none or host")
    .option('-l, --label <KEY=VALUE>', 'set metadata on the pod', collect, [])
    .option('--no-infra', 'create the pod without an infra process (no shared namespaces, no ports)')
    .option('--cpus <number>', "CPUs all the pod's containers may use together")
    .option('-m, --memory <bytes>', "memory all the pod's containers may use together")
    .option('--add-host <host:ip>', "add a custom host-to-IP mapping to the pod's /etc/hosts", collect, [])
    .option('--dns <ip>', "set the pod's DNS servers", collect, [])
    .action(
      async (
        nameArg: string | undefined,
        f: {
          name?: string;
          publish: string[];
          share: string[];
          hostname?: string;
          network?: string;
          label: string[];
          infra: boolean;
          cpus?: string;
          memory?: string;
          addHost: string[];
          dns: string[];
        },
      ) => {
        const parse = await import('../../core/spec/parse/index.js');
        const p = await pods();
        if (nameArg !== undefined && f.name !== undefined && nameArg !== f.name)
          throw new BerthError('InvalidArgument', "the pod's name is given twice (argument and --name)");
        const name = f.name ?? nameArg;
        const resources: { nanoCpus?: number; memory?: number } = {};
        if (f.cpus !== undefined) resources.nanoCpus = parse.parseCpus(f.cpus);
        if (f.memory !== undefined) {
          resources.memory = parse.parseBytes(f.memory, '-m, --memory');
          if (resources.memory < 6 * 1024 * 1024) throw new BerthError('InvalidArgument', 'minimum memory limit allowed is 6MB');
        }
        const extraHosts = f.addHost.map((h) => parse.parseAddHost(h));
        let network = f.network;
        if (network === 'default' || network === '') network = 'bridge';
        const engine = await podEngine(ctx);
        const rec = p.createPod(engine, {
          ...(name !== undefined ? { name } : {}),
          labels: labelsOf(f.label),
          ...(f.hostname !== undefined ? { hostname: f.hostname } : {}),
          ...(f.share.length > 0 ? { share: p.parseShare(f.share) } : {}),
          ...(network !== undefined ? { network } : {}),
          publish: f.publish.flatMap((x) => parse.parsePublish(x)),
          extraHosts,
          dns: f.dns,
          resources,
          infra: f.infra,
        });
        ctx.stdout.write(`${rec.id}\n`);
      },
    );

  pod
    .command('ps')
    .aliases(['ls', 'list'])
    .description('List pods')
    .option('-q, --quiet', 'only print the pod ids')
    .option('-f, --filter <filter>', 'filter: id, name, label, status, ctr-names, ctr-ids, ctr-number, network', collect, [])
    .option('--format <format>', 'format output using a Go template, "table" or "json"')
    .option('--no-trunc', 'do not truncate the ids')
    .option('--ctr-names', "show the names of the pod's containers")
    .action(async (f: { quiet?: boolean; filter: string[]; format?: string; trunc: boolean; ctrNames?: boolean }) => {
      const p = await pods();
      const fmt = await import('../../core/format/index.js');
      const engine = await podEngine(ctx);
      const filters = f.filter.map((x) => {
        const i = x.indexOf('=');
        if (i <= 0) throw new BerthError('InvalidArgument', 'bad format of filter (expected name=value)');
        const k = x.slice(0, i);
        const v = x.slice(i + 1);
        if (!POD_FILTERS.has(k)) throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
        if (k === 'status' && !POD_STATUSES.has(v))
          throw new BerthError('InvalidArgument', `invalid filter 'status=${v}': a pod is created, running, degraded, paused, exited or stopped`);
        return [k, v] as const;
      });
      const now = new Date();
      const rows = p
        .podStore(engine)
        .list()
        .map((rec) => ({ rec, ctrs: p.podContainers(engine, rec) }))
        .filter(({ rec, ctrs }) => {
          const byKey = new Map<string, string[]>();
          for (const [k, v] of filters) byKey.set(k, [...(byKey.get(k) ?? []), v]);
          for (const [k, vals] of byKey) {
            const ok = vals.some((v) => {
              switch (k) {
                case 'id':
                  return rec.id.startsWith(v);
                case 'name':
                  return new RegExp(v).test(rec.name);
                case 'label': {
                  const i = v.indexOf('=');
                  return i < 0 ? v in rec.spec.labels : rec.spec.labels[v.slice(0, i)] === v.slice(i + 1);
                }
                case 'status':
                  return p.podStatus(ctrs).toLowerCase() === v;
                case 'ctr-names':
                  return ctrs.some((c) => c.name === v);
                case 'ctr-ids':
                  return ctrs.some((c) => c.id.startsWith(v));
                case 'ctr-number':
                  return String(ctrs.length) === v;
                case 'network':
                  return rec.spec.infra && rec.spec.network === v;
                default:
                  return false;
              }
            });
            if (!ok) return false;
          }
          return true;
        });
      if (f.quiet) {
        for (const { rec } of rows) ctx.stdout.write(`${f.trunc ? rec.id.slice(0, 12) : rec.id}\n`);
        return;
      }
      const out = rows.map(({ rec, ctrs }) => ({
        ID: f.trunc ? rec.id.slice(0, 12) : rec.id,
        Name: rec.name,
        Status: p.podStatus(ctrs),
        Created: fmt.createdAgo(new Date(rec.created), now),
        CreatedAt: fmt.formatCreatedAt(new Date(rec.created)),
        InfraID: rec.infraId ? (f.trunc ? rec.infraId.slice(0, 12) : rec.infraId) : '',
        NumberOfContainers: String(ctrs.length),
        ContainerNames: ctrs.map((c) => c.name).join(','),
        ContainerIds: ctrs.map((c) => (f.trunc ? c.id.slice(0, 12) : c.id)).join(','),
        Labels: Object.entries(rec.spec.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        Networks: rec.spec.infra ? rec.spec.network : '',
      }));
      const table = `table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}\t${f.ctrNames ? '{{.ContainerNames}}' : '{{.NumberOfContainers}}'}`;
      ctx.stdout.write(
        fmt.formatRows({
          format: f.format,
          defaultTable: table,
          rows: out,
          headers: {
            ID: 'POD ID',
            Name: 'NAME',
            Status: 'STATUS',
            Created: 'CREATED',
            CreatedAt: 'CREATED AT',
            InfraID: 'INFRA ID',
            NumberOfContainers: '# OF CONTAINERS',
            ContainerNames: 'NAMES',
            ContainerIds: 'IDS',
            Labels: 'LABELS',
            Networks: 'NETWORKS',
          },
        }),
      );
    });

  pod
    .command('inspect')
    .description('Display detailed information on one or more pods')
    .argument('<pods...>')
    .option('-f, --format <format>', 'format output using a Go template')
    .action(async (targets: string[], f: { format?: string }) => {
      const p = await pods();
      const engine = await podEngine(ctx);
      const objects: unknown[] = [];
      let failed = false;
      for (const t of targets) {
        try {
          objects.push(p.podJson(engine, p.lookupPod(engine, t)));
        } catch (e) {
          failed = true;
          ctx.stderr.write(`Error: ${(e as Error).message}\n`);
        }
      }
      await printObjects(ctx, objects, f.format);
      if (failed) ctx.setExitCode(125);
    });

  const verb = (
    name: string,
    description: string,
    run: (engine: Awaited<ReturnType<CliContext['engine']>>, ref: string, f: Record<string, unknown>) => Promise<string>,
    extra?: (c: Command) => Command,
  ) => {
    let c = pod.command(name).description(description).argument('[pods...]').option('-a, --all', `${name} all pods`);
    if (extra) c = extra(c);
    c.action(async (targets: string[], f: Record<string, unknown>) => {
      const p = await pods();
      const engine = await podEngine(ctx);
      const list = f['all']
        ? p
            .podStore(engine)
            .list()
            .map((x) => x.id)
        : targets;
      if (!f['all'] && list.length === 0) throw new BerthError('InvalidArgument', `"berth pod ${name}" requires at least 1 pod (or --all)`);
      await forEachTarget(ctx, list, (ref) => run(engine, ref, f), name === 'rm' && f['force'] ? { ignoreNotFound: true } : {});
    });
  };
  verb('start', 'Start one or more pods', async (e, ref) => (await (await pods()).startPod(e, ref)).id);
  verb(
    'stop',
    'Stop one or more pods',
    async (e, ref, f) => (await (await pods()).stopPod(e, ref, f['timeout'] !== undefined ? { timeout: f['timeout'] as number } : {})).id,
    (c) => c.option('-t, --timeout <seconds>', 'seconds to wait for each container before killing it', intArg('-t, --timeout')),
  );
  verb('restart', 'Restart one or more pods', async (e, ref) => (await (await pods()).restartPod(e, ref)).id);
  verb(
    'kill',
    'Send a signal to the containers of one or more pods',
    async (e, ref, f) => (await (await pods()).killPod(e, ref, (f['signal'] as string | undefined) ?? 'SIGKILL')).id,
    (c) => c.option('-s, --signal <signal>', 'signal to send (default SIGKILL)'),
  );
  verb('pause', 'Pause the containers of one or more pods', async (e, ref) => (await (await pods()).pausePod(e, ref)).id);
  verb('unpause', 'Unpause the containers of one or more pods', async (e, ref) => (await (await pods()).unpausePod(e, ref)).id);
  verb(
    'rm',
    'Remove one or more pods and their containers',
    async (e, ref, f) => (await pods()).removePod(e, ref, { force: !!f['force'] }),
    (c) => c.alias('remove').option('-f, --force', 'stop and remove running containers of the pod too'),
  );

  pod
    .command('prune')
    .description('Remove all pods with no running container')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(async () => {
      const p = await pods();
      for (const id of await p.prunePods(await podEngine(ctx))) ctx.stdout.write(`${id}\n`);
    });

  pod
    .command('exists')
    .description('Exit 0 if the pod exists, 1 if not')
    .argument('<pod>')
    .action(async (ref: string) => {
      const p = await pods();
      try {
        p.lookupPod(await podEngine(ctx), ref);
      } catch (e) {
        if (e instanceof BerthError && e.kind === 'NotFound') return ctx.setExitCode(1);
        throw e;
      }
    });

  pod
    .command('top')
    .description('Display the running processes of the containers in a pod')
    .argument('<pod>')
    .argument('[ps-options...]')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (ref: string, psArgs: string[]) => {
      const p = await pods();
      const { topContainer } = await import('../../core/containers/top.js');
      const { formatTable } = await import('../../core/format/index.js');
      const engine = await podEngine(ctx);
      const rec = p.lookupPod(engine, ref);
      const running = p.podContainers(engine, rec).filter((c) => c.state.status === 'running' || c.state.status === 'paused');
      if (running.length === 0) throw new BerthError('Conflict', `pod "${rec.name}" has no running container`);
      let titles: string[] = [];
      const rows: string[][] = [];
      for (const c of running) {
        const r = await topContainer(engine, c.id, psArgs);
        titles = ['CONTAINER', ...r.Titles];
        for (const proc of r.Processes) rows.push([c.name, ...proc]);
      }
      ctx.stdout.write(formatTable([titles, ...rows]));
    });

  pod
    .command('stats')
    .description('Display resource usage of the containers in pods (all running pods by default)')
    .argument('[pods...]')
    .option('--no-stream', 'print one reading and exit')
    .option('--format <format>', 'format output using a Go template')
    .action(async (targets: string[], f: { stream: boolean; format?: string }) => {
      const p = await pods();
      const { sampleStats, cpuPercent } = await import('../../core/containers/stats.js');
      const { formatRows, humanSize, bytesSize } = await import('../../core/format/index.js');
      const engine = await podEngine(ctx);
      const chosen = targets.length ? targets.map((t) => p.lookupPod(engine, t)) : p.podStore(engine).list();
      const pick = () =>
        chosen.flatMap((rec) =>
          p
            .podContainers(engine, rec)
            .filter((c) => c.state.status === 'running' || c.state.status === 'paused')
            .map((c) => ({ pod: rec, c })),
        );
      type Sample = ReturnType<typeof sampleStats>;
      let prev = new Map<string, Sample>();
      for (const { c } of pick()) prev.set(c.id, sampleStats(engine, c));
      for (;;) {
        await new Promise((r) => setTimeout(r, f.stream ? 1000 : 500));
        const next = new Map<string, Sample>();
        const rows = pick().map(({ pod: rec, c }) => {
          const s = sampleStats(engine, c);
          next.set(c.id, s);
          const before = prev.get(c.id);
          return {
            Pod: rec.id.slice(0, 12),
            PodName: rec.name,
            CID: c.id.slice(0, 12),
            Name: c.name,
            CPU: before ? `${cpuPercent(before, s).toFixed(2)}%` : '0.00%',
            MemUsage: `${bytesSize(s.memUsage)} / ${bytesSize(s.memLimit)}`,
            Mem: s.memLimit ? `${((s.memUsage / s.memLimit) * 100).toFixed(2)}%` : '0.00%',
            NetIO: `${humanSize(s.netRx)} / ${humanSize(s.netTx)}`,
            BlockIO: `${humanSize(s.blkRead)} / ${humanSize(s.blkWrite)}`,
            PIDS: String(s.pids),
          };
        });
        prev = next;
        if (f.stream && ctx.stdout.isTTY) ctx.stdout.write('\x1b[2J\x1b[H');
        ctx.stdout.write(
          formatRows({
            format: f.format,
            defaultTable: 'table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}',
            rows,
            headers: {
              Pod: 'POD',
              PodName: 'POD NAME',
              CID: 'CID',
              Name: 'NAME',
              CPU: 'CPU %',
              MemUsage: 'MEM USAGE / LIMIT',
              Mem: 'MEM %',
              NetIO: 'NET IO',
              BlockIO: 'BLOCK IO',
              PIDS: 'PIDS',
            },
          }),
        );
        if (!f.stream) return;
      }
    });

  pod
    .command('logs')
    .description("Show the logs of the containers in a pod, each line after its container's name")
    .argument('<pod>')
    .option('-c, --container <name>', 'only this container of the pod')
    .option('-f, --follow', 'follow the output')
    .option('-n, --tail <lines>', 'number of lines to show from the end of each log (default all)')
    .option('-t, --timestamps', 'show timestamps')
    .action(async (ref: string, f: { container?: string; follow?: boolean; tail?: string; timestamps?: boolean }) => {
      const p = await pods();
      const { readLogs } = await import('../../core/runtime/logs.js');
      const { readExitCode } = await import('../../core/runtime/exit-file.js');
      const { containerPaths } = await import('../../core/containers/container-paths.js');
      const engine = await podEngine(ctx);
      const rec = p.lookupPod(engine, ref);
      let members = p.podMembers(engine, rec);
      if (f.container !== undefined) {
        members = members.filter((c) => c.name === f.container || c.id.startsWith(f.container as string));
        if (members.length === 0) throw new BerthError('NotFound', `pod "${rec.name}" has no container "${f.container}"`);
      }
      const tail = f.tail === undefined || f.tail === 'all' ? undefined : Number(f.tail);
      if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new BerthError('InvalidArgument', `invalid --tail "${f.tail}"`);
      const width = Math.max(...members.map((c) => c.name.length));
      await Promise.all(
        members.map((c) => {
          const prefix = `${c.name.padEnd(width)} `;
          return readLogs(
            containerPaths(engine.paths, c.id).log,
            {
              timestamps: !!f.timestamps,
              follow: !!f.follow,
              ...(tail !== undefined ? { tail } : {}),
              isRunning: () => readExitCode(engine.paths.exits, c.id) === null && c.state.status === 'running',
            },
            { stdout: prefixed(ctx.stdout, prefix), stderr: prefixed(ctx.stderr, prefix) },
          );
        }),
      );
    });
}

/** A stream that writes each whole line to `out` after `prefix`. */
function prefixed(out: NodeJS.WritableStream, prefix: string): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.length > 0) out.write(lines.map((l) => `${prefix}${l}\n`).join(''));
      cb();
    },
    final(cb) {
      if (pending !== '') out.write(`${prefix}${pending}\n`);
      cb();
    },
  });
}
