import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { collect, collectFilter } from '../options.js';
import { forEachTarget } from '../multi.js';
import { printObjects } from '../render.js';

function labels(list: string[]): Record<string, string> {
  return Object.fromEntries(list.map((l) => (l.includes('=') ? [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] : [l, ''])));
}

interface NetworkCreateFlags {
  driver: string;
  subnet: string[];
  gateway: string[];
  internal?: boolean;
  label: string[];
  ipRange: string[];
  opt: string[];
  ipv6?: boolean;
  ipv4?: string | boolean;
  ipamDriver?: string;
  ipamOpt: string[];
  auxAddress: string[];
  scope?: string;
  configOnly?: boolean;
  configFrom?: string;
  ingress?: boolean;
}

/** docker's network create flags that berth's local bridge networks cannot honour, refused by name. */
function checkUnsupportedCreateFlags(f: NetworkCreateFlags): void {
  if (f.ipv6) throw new BerthError('InvalidArgument', 'IPv6 networks are not supported by berth');
  if (f.ipv4 === false || f.ipv4 === 'false') throw new BerthError('InvalidArgument', '--ipv4=false: berth networks are IPv4 networks');
  if (f.ipamDriver !== undefined && f.ipamDriver !== 'default')
    throw new BerthError('NotFound', `IPAM driver "${f.ipamDriver}" not found (berth has "default")`);
  if (f.ipamOpt.length > 0) throw new BerthError('InvalidArgument', `--ipam-opt ${f.ipamOpt[0]}: the default IPAM driver takes no options`);
  if (f.auxAddress.length > 0)
    throw new BerthError('InvalidArgument', '--aux-address is not supported: use --ip-range to keep container addresses away from others');
  if (f.scope !== undefined && f.scope !== 'local') throw new BerthError('InvalidArgument', `--scope ${f.scope}: berth networks are local (there is no swarm)`);
  if (f.configOnly || f.configFrom !== undefined || f.ingress)
    throw new BerthError('InvalidArgument', 'config-only, config-from and ingress networks belong to swarm, which berth does not have');
}

/** `berth network create|ls|inspect|rm|connect|disconnect|prune` (docker's verbs and wording). */
export function registerNetwork(parent: Command, ctx: CliContext): void {
  const net = parent.command('network').description('Manage networks');
  net
    .command('create')
    .description('Create a network')
    .argument('<name>')
    .option('-d, --driver <driver>', 'driver to manage the network', 'bridge')
    .option('--subnet <cidr>', 'subnet in CIDR format (IPv4; one: berth networks have one subnet)', collect, [])
    .option('--gateway <ip>', 'IPv4 gateway for the subnet', collect, [])
    .option('--internal', 'restrict external access to the network')
    .option('--label <KEY=VALUE>', 'set metadata on a network', collect, [])
    .option('--ip-range <cidr>', 'allocate container addresses from a sub-range of the subnet', collect, [])
    .option('-o, --opt <key=value>', 'driver options (com.docker.network.bridge.name, com.docker.network.driver.mtu)', collect, [])
    .option('--attachable', 'enable manual container attachment (always the case here)')
    .option('--ipv6', 'enable IPv6 networking (not supported)')
    .option('--ipv4 [bool]', 'enable IPv4 networking (always: berth networks are IPv4)')
    .option('--ipam-driver <driver>', 'IP address management driver (only "default")')
    .option('--ipam-opt <key=value>', 'IPAM driver options (none for the default driver)', collect, [])
    .option('--aux-address <name=ip>', 'auxiliary addresses the IPAM driver must not give out (not supported)', collect, [])
    .option('--scope <scope>', 'network scope (only "local": berth has no swarm)')
    .option('--config-only', 'create a configuration-only network (swarm: not supported)')
    .option('--config-from <network>', 'network to copy the configuration from (swarm: not supported)')
    .option('--ingress', 'create swarm routing-mesh network (not supported)')
    .action(async (name: string, f: NetworkCreateFlags) => {
      checkUnsupportedCreateFlags(f);
      // docker takes several subnets (each with its gateway and range); a berth network has one
      for (const [flag, values] of [
        ['--subnet', f.subnet],
        ['--gateway', f.gateway],
        ['--ip-range', f.ipRange],
      ] as const) {
        if (values.length > 1) throw new BerthError('InvalidArgument', `${flag} given ${values.length} times: a berth network has one IPv4 subnet`);
      }
      const [subnet] = f.subnet;
      const [gateway] = f.gateway;
      const [ipRange] = f.ipRange;
      const options: Record<string, string> = {};
      for (const o of f.opt) {
        const i = o.indexOf('=');
        if (i <= 0) throw new BerthError('InvalidArgument', `invalid option "${o}": expected key=value`);
        options[o.slice(0, i)] = o.slice(i + 1);
      }
      const { createNetwork } = await import('../../core/networks/index.js');
      const engine = await ctx.engine();
      const n = createNetwork(engine, {
        name,
        driver: f.driver,
        internal: !!f.internal,
        labels: labels(f.label),
        ...(subnet ? { subnet } : {}),
        ...(gateway ? { gateway } : {}),
        ...(ipRange ? { ipRange } : {}),
        options,
      });
      ctx.stdout.write(`${n.id}\n`);
    });
  net
    .command('ls')
    .alias('list')
    .description('List networks')
    .option('-q, --quiet', 'only display network IDs')
    .option('--no-trunc', 'do not truncate the output')
    .option('-f, --filter <filter>', 'provide filter values (name=, id=, label=, driver=, type=custom|builtin, scope=, dangling=)', collectFilter, [])
    .option('--format <format>', 'format output using a Go template')
    .action(async (f: { quiet?: boolean; trunc: boolean; filter: string[]; format?: string }) => {
      const [{ listNetworks }, { formatRows, formatCreatedAt }] = await Promise.all([
        import('../../core/networks/index.js'),
        import('../../core/format/index.js'),
      ]);
      // docker: the network's Created as Go's time.String() (fractional seconds without trailing zeros)
      const goTimeString = (d: Date) => {
        const ms = d.getUTCMilliseconds();
        return formatCreatedAt(d).replace(' +0000', `${ms ? `.${String(ms).padStart(3, '0').replace(/0+$/, '')}` : ''} +0000`);
      };
      const rows = listNetworks(await ctx.engine(), f.filter);
      const id = (x: string) => (f.trunc && /^[0-9a-f]{64}$/.test(x) ? x.slice(0, 12) : x);
      if (f.quiet) {
        for (const r of rows) ctx.stdout.write(`${id(r.ID)}\n`);
        return;
      }
      const out = rows.map((r) => ({
        ...r,
        ID: id(r.ID),
        Labels: Object.entries(r.Labels)
          .map(([k, v]) => `${k}=${v}`)
          .sort()
          .join(','),
        Internal: String(r.Internal),
        IPv4: 'true',
        IPv6: 'false',
        CreatedAt: r.Created ? goTimeString(new Date(r.Created)) : '',
      }));
      ctx.stdout.write(
        formatRows({
          format: f.format,
          defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
          rows: out,
          headers: {
            ID: 'NETWORK ID',
            Name: 'NAME',
            Driver: 'DRIVER',
            Scope: 'SCOPE',
            Labels: 'LABELS',
            Internal: 'INTERNAL',
            IPv4: 'IPV4',
            IPv6: 'IPV6',
            CreatedAt: 'CREATED',
          },
        }),
      );
    });
  net
    .command('inspect')
    .description('Display detailed information on one or more networks')
    .argument('<networks...>')
    .option('-f, --format <format>', 'format output using a Go template')
    .option('-v, --verbose', 'verbose output for diagnostics (swarm services and peers: none on a local network)')
    .action(async (names: string[], f: { format?: string }) => {
      const [{ networkStore, networkJson, builtinNetworkJson }, { errorMessage }] = await Promise.all([
        import('../../core/networks/index.js'),
        import('../../core/errors/berth-error.js'),
      ]);
      const engine = await ctx.engine();
      const objects: unknown[] = [];
      let failed = false;
      for (const n of names) {
        try {
          objects.push(builtinNetworkJson(engine, n) ?? networkJson(engine, networkStore(engine).lookup(n)));
        } catch (e) {
          failed = true;
          // docker's client: "No such network: NAME" (as given)
          const notFound = e instanceof BerthError && e.kind === 'NotFound';
          ctx.stderr.write(`Error: ${notFound ? `No such network: ${n}` : errorMessage(e)}\n`);
        }
      }
      await printObjects(ctx, objects, f.format);
      if (failed) ctx.setExitCode(1);
    });
  net
    .command('rm')
    .alias('remove')
    .description('Remove one or more networks')
    .argument('<networks...>')
    .option('-f, --force', 'do not error if the network does not exist')
    .action(async (names: string[], f: { force?: boolean }) => {
      const { removeNetwork } = await import('../../core/networks/index.js');
      const engine = await ctx.engine();
      await forEachTarget(ctx, names, async (n) => {
        try {
          removeNetwork(engine, n);
        } catch (e) {
          if (f.force && (e as { kind?: string }).kind === 'NotFound') return undefined;
          throw e;
        }
        return n;
      });
    });
  net
    .command('connect')
    .description('Connect a container to a network')
    .argument('<network>')
    .argument('<container>')
    .option('--alias <alias>', 'add network-scoped alias for the container', collect, [])
    .option('--ip <address>', 'IPv4 address')
    .option('--ip6 <address>', 'IPv6 address (no berth network has IPv6)')
    .option('--link <name[:alias]>', 'add a link to another container (use a network alias: berth supports --link on run)', collect, [])
    .option('--link-local-ip <ip>', 'link-local addresses (not supported)', collect, [])
    .option('--driver-opt <key=value>', 'driver options for the endpoint (none for bridge networks)', collect, [])
    .option('--gw-priority <n>', "gateway priority (the container's first network is its gateway)")
    .action(
      async (
        network: string,
        container: string,
        f: { alias: string[]; ip?: string; ip6?: string; link: string[]; linkLocalIp: string[]; driverOpt: string[]; gwPriority?: string },
      ) => {
        if (f.ip6 !== undefined) throw new BerthError('InvalidArgument', `--ip6 ${f.ip6}: no berth network has an IPv6 subnet`);
        if (f.link.length > 0)
          throw new BerthError('InvalidArgument', '--link on network connect is not supported: containers on one network find each other by name and --alias');
        if (f.linkLocalIp.length > 0) throw new BerthError('InvalidArgument', "--link-local-ip: berth's networks do not assign link-local addresses");
        if (f.driverOpt.length > 0) throw new BerthError('InvalidArgument', `--driver-opt ${f.driverOpt[0]}: the bridge driver takes no endpoint options`);
        if (f.gwPriority !== undefined && f.gwPriority !== '0')
          throw new BerthError('InvalidArgument', "--gw-priority: the container's first network is its default gateway; priorities are not supported");
        const { connectContainer } = await import('../../core/networks/index.js');
        const engine = await ctx.engine();
        await connectContainer(engine, network, container, { aliases: f.alias, ...(f.ip ? { ip: f.ip } : {}) });
      },
    );
  net
    .command('disconnect')
    .description('Disconnect a container from a network')
    .argument('<network>')
    .argument('<container>')
    .option('-f, --force', 'force the container to disconnect from a network')
    .action(async (network: string, container: string) => {
      const { disconnectContainer } = await import('../../core/networks/index.js');
      const engine = await ctx.engine();
      await disconnectContainer(engine, network, container);
    });
  net
    .command('prune')
    .description('Remove all unused networks')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'provide filter values (until=<timestamp>, label=<key>[=<value>], label!=…)', collectFilter, [])
    .action(async (f: { filter: string[]; force?: boolean }) => {
      const { pruneNetworks } = await import('../../core/networks/index.js');
      const { pruneFilters } = await import('../prune-filters.js');
      const { confirm, PRUNE_WARNINGS } = await import('../confirm.js');
      const filters = await pruneFilters(f.filter);
      if (!f.force && !(await confirm(ctx, PRUNE_WARNINGS.network))) return;
      const engine = await ctx.engine();
      const removed = pruneNetworks(engine, filters);
      // docker prints the list and a blank line
      if (removed.length) ctx.stdout.write(`Deleted Networks:\n${removed.join('\n')}\n\n`);
    });
}
