import os from 'node:os';
import type { Command } from 'commander';
import type { RootlessInfo } from '../../core/system/info.js';
import type { CliContext } from '../context.js';
import { printObjects } from '../render.js';
import { warn } from '../diagnostics.js';

const VERSION = '0.1.0';

export function registerVersion(parent: Command, ctx: CliContext): void {
  parent
    .command('version')
    .description('Show the berth version information')
    .option('-f, --format <format>', 'format output using a Go template')
    .action(async (f: { format?: string }) => {
      const arch = os.arch() === 'x64' ? 'amd64' : os.arch();
      // docker's struct fields (APIVersion, MinAPIVersion) for templates; its JSON names (ApiVersion) for json
      const goNames = <T extends object>(o: T, api: Record<string, string>): T => {
        for (const [k, v] of Object.entries(api)) Object.defineProperty(o, k, { value: v, enumerable: false });
        return o;
      };
      const data = {
        Client: goNames(
          {
            Version: VERSION,
            ApiVersion: '1.43',
            DefaultAPIVersion: '1.43',
            GitCommit: '',
            GoVersion: `node ${process.version}`,
            Os: 'linux',
            Arch: arch,
            BuildTime: '',
            Context: 'default',
          },
          { APIVersion: '1.43' },
        ),
        Server: goNames(
          {
            Platform: { Name: 'berth' },
            Version: VERSION,
            ApiVersion: '1.43',
            MinAPIVersion: '1.24',
            GitCommit: '',
            GoVersion: `node ${process.version}`,
            Os: 'linux',
            Arch: arch,
            KernelVersion: os.release(),
            BuildTime: '',
          },
          { APIVersion: '1.43' },
        ),
      };
      // one object, not a list: `--format json` is `{{json .}}` here, as docker has it
      if (f.format) return printObjects(ctx, [data], f.format === 'json' ? '{{json .}}' : f.format);
      ctx.stdout.write(
        `Client:\n Version:      ${VERSION}\n API version:  1.43\n Node version: ${process.version}\n OS/Arch:      linux/${data.Client.Arch}\n\n` +
          `Server: berth (daemonless)\n Version:      ${VERSION}\n Kernel:       ${os.release()}\n`,
      );
    });
}

/** `berth info` of an ordinary user: rootless mode, its id mappings, network helper and limits. */
function rootlessLines(r: RootlessInfo | undefined): string[] {
  if (!r) return [];
  return [
    ' Rootless: true',
    `  User: ${r.User} (uid ${r.UID}, gid ${r.GID})`,
    `  UID Map: ${r.UIDMap.join(' ')} (container:host:size)`,
    `  GID Map: ${r.GIDMap.join(' ')}`,
    `  Network Helper: ${r.NetworkHelper}`,
    `  Resource Limits: ${r.Limits}`,
  ];
}

export function registerInfo(parent: Command, ctx: CliContext): void {
  parent
    .command('info')
    .description('Display system-wide information')
    .option('-f, --format <format>', 'format output using a Go template')
    .action(async (f: { format?: string }) => {
      const { systemInfo } = await import('../../core/system/info.js');
      const info = systemInfo(await ctx.engine());
      if (f.format) return printObjects(ctx, [info], f.format === 'json' ? '{{json .}}' : f.format);
      const rt = info['Runtimes'] as Record<string, { path: string; version: string }>;
      const mon = info['Monitor'] as { path: string; version: string };
      const feats = info['KernelFeatures'] as Record<string, boolean>;
      const lines = [
        'Server:',
        ` Containers: ${info['Containers']}`,
        `  Running: ${info['ContainersRunning']}`,
        `  Paused: ${info['ContainersPaused']}`,
        `  Stopped: ${info['ContainersStopped']}`,
        ` Images: ${info['Images']}`,
        ` Server Version: ${info['ServerVersion']}`,
        ` Storage Driver: overlay`,
        ...(info['DriverStatus'] as Array<[string, string]>).map(([k, v]) => `  ${k}: ${v}`),
        ` Storage Root: ${info['StorageRoot']}`,
        ` Run Root: ${info['RunRoot']}`,
        ` Cgroup Driver: ${info['CgroupDriver']}`,
        ` Cgroup Version: ${info['CgroupVersion']}`,
        ` Cgroup Controllers: ${(info['CgroupControllers'] as string[]).join(' ')}`,
        ` Runtimes: ${Object.keys(rt).join(' ')}`,
        ` Default Runtime: ${info['DefaultRuntime']}`,
        ...Object.entries(rt).map(([n, r]) => `  ${n}: ${r.path} (${r.version})`),
        ` Monitor: conmon ${mon.path} (${mon.version})`,
        ` Security Options: ${(info['SecurityOptions'] as string[]).join(' ')}`,
        ` Kernel Version: ${info['KernelVersion']}`,
        ` Kernel Features: ${Object.entries(feats)
          .map(([k, v]) => `${k}=${v ? 'yes' : 'no'}`)
          .join(' ')}`,
        ` Operating System: ${info['OperatingSystem']}`,
        ` OSType: linux`,
        ` Architecture: ${info['Architecture']}`,
        ` CPUs: ${info['NCPU']}`,
        ` Total Memory: ${((info['MemTotal'] as number) / 2 ** 30).toFixed(2)}GiB`,
        ` Rlimit nofile (hard): ${info['RlimitNofileHard']}`,
        ` Name: ${info['Name']}`,
        ...rootlessLines(info['Rootless'] as RootlessInfo | undefined),
      ];
      ctx.stdout.write(`${lines.join('\n')}\n`);
      // docker's warnings for what the host's cgroups cannot limit
      const missing: Array<[string, string]> = [
        ['MemoryLimit', 'No memory limit support'],
        ['SwapLimit', 'No swap limit support'],
        ['CpuCfsQuota', 'No cpu cfs quota support'],
        ['CpuCfsPeriod', 'No cpu cfs period support'],
        ['PidsLimit', 'No pids limit support'],
      ];
      for (const [k, w] of missing) if (info[k] === false) warn(ctx.stderr, `WARNING: ${w}`);
    });
}
