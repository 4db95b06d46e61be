import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { forEachTarget } from '../multi.js';
import { addStopTimeout, stopTimeout } from '../options.js';

/** stop, restart, kill, pause, unpause, wait, rename: one engine call per target each. */
export function registerStop(parent: Command, ctx: CliContext, name = 'stop'): void {
  addStopTimeout(parent.command(name).description('Stop one or more running containers').argument('<containers...>'))
    .option('-s, --signal <signal>', 'signal to send to the container')
    .action(async (targets: string[], f: { timeout?: number; time?: number; signal?: string }) => {
      const { stopContainer } = await import('../../core/containers/stop.js');
      const engine = await ctx.engine();
      await forEachTarget(ctx, targets, async (t) => {
        await stopContainer(engine, t, { ...stopTimeout(f), ...(f.signal ? { signal: f.signal } : {}) });
        return t;
      });
    });
}

export function registerRestart(parent: Command, ctx: CliContext, name = 'restart'): void {
  addStopTimeout(parent.command(name).description('Restart one or more containers').argument('<containers...>'))
    .option('-s, --signal <signal>', 'signal to send to the container')
    .action(async (targets: string[], f: { timeout?: number; time?: number; signal?: string }) => {
      const { restartContainer } = await import('../../core/containers/restart.js');
      const engine = await ctx.engine();
      await forEachTarget(ctx, targets, async (t) => {
        await restartContainer(engine, t, { ...stopTimeout(f), ...(f.signal ? { signal: f.signal } : {}) });
        return t;
      });
    });
}

export function registerKill(parent: Command, ctx: CliContext, name = 'kill'): void {
  parent
    .command(name)
    .description('Kill one or more running containers')
    .argument('<containers...>')
    .option('-s, --signal <signal>', 'signal to send to the container', 'KILL')
    .action(async (targets: string[], f: { signal: string }) => {
      const { killContainer } = await import('../../core/containers/stop.js');
      const { parseSignal } = await import('../../core/spec/parse/index.js');
      parseSignal(f.signal);
      const engine = await ctx.engine();
      await forEachTarget(ctx, targets, async (t) => {
        // the command was issued when this process started: a container a concurrent command
        // stopped since then was running when it was asked to kill it
        await killContainer(engine, t, f.signal, { issuedAt: Math.floor(performance.timeOrigin) });
        return t;
      });
    });
}

export function registerPause(parent: Command, ctx: CliContext, name = 'pause'): void {
  parent
    .command(name)
    .description('Pause all processes within one or more containers')
    .argument('<containers...>')
    .action(async (targets: string[]) => {
      const { pauseContainer } = await import('../../core/containers/pause.js');
      const engine = await ctx.engine();
      await forEachTarget(ctx, targets, async (t) => {
        await pauseContainer(engine, t);
        return t;
      });
    });
}

export function registerUnpause(parent: Command, ctx: CliContext, name = 'unpause'): void {
  parent
    .command(name)
    .description('Unpause all processes within one or more containers')
    .argument('<containers...>')
    .action(async (targets: string[]) => {
      const { unpauseContainer } = await import('../../core/containers/pause.js');
      const engine = await ctx.engine();
      await forEachTarget(ctx, targets, async (t) => {
        await unpauseContainer(engine, t);
        return t;
      });
    });
}

export function registerWait(parent: Command, ctx: CliContext, name = 'wait'): void {
  parent
    .command(name)
    .description('Block until one or more containers stop, then print their exit codes')
    .argument('<containers...>')
    .action(async (targets: string[]) => {
      const { waitContainer } = await import('../../core/containers/wait.js');
      const engine = await ctx.engine();
      await forEachTarget(ctx, targets, async (t) => String(await waitContainer(engine, t)));
    });
}

export function registerRename(parent: Command, ctx: CliContext, name = 'rename'): void {
  parent
    .command(name)
    .description('Rename a container')
    .argument('<container>')
    .argument('<new-name>')
    .action(async (target: string, newName: string) => {
      // docker's CLI checks this before asking the daemon
      if (target.trim() === '' || newName.trim() === '') throw new BerthError('InvalidArgument', 'Neither old nor new names may be empty');
      const { renameContainer } = await import('../../core/containers/restart.js');
      await renameContainer(await ctx.engine(), target, newName);
    });
}

export function registerRm(parent: Command, ctx: CliContext, name = 'rm'): void {
  parent
    .command(name)
    .description('Remove one or more containers')
    .argument('<containers...>')
    .option('-f, --force', 'force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'remove anonymous volumes associated with the container')
    .option('-l, --link', 'remove the specified link (/CONTAINER/ALIAS), not a container')
    .action(async (targets: string[], f: { force?: boolean; volumes?: boolean; link?: boolean }) => {
      const { removeContainer, removeLink } = await import('../../core/containers/remove.js');
      const engine = await ctx.engine();
      await forEachTarget(
        ctx,
        targets,
        async (t) => {
          if (f.link) {
            removeLink(engine, t);
            return t;
          }
          await removeContainer(engine, t, { force: !!f.force, volumes: !!f.volumes });
          return t;
        },
        { ignoreNotFound: !!f.force },
      );
    });
}

/** conmon's exit hook; hidden from help, as podman's `container cleanup`. */
export function registerCleanup(parent: Command, ctx: CliContext): void {
  parent
    .command('cleanup', { hidden: true })
    .argument('<id>')
    .option('--run <id>', 'the run the hook was installed for')
    .action(async (id: string, f: { run?: string }) => {
      // a hook firing after its storage root was deleted must not create a new, empty one
      const { makePaths } = await import('../../core/config/paths.js');
      const fs = await import('node:fs');
      const g = ctx.globals();
      if (!fs.existsSync(makePaths(g.root ?? process.env['BERTH_ROOT'], g.runroot ?? process.env['BERTH_RUNROOT']).database)) return;
      const { cleanupContainer } = await import('../../core/containers/cleanup.js');
      await cleanupContainer(await ctx.engine(), id, f.run);
    });
}

/** A container's health monitor, started with it when it has a healthcheck; hidden from help. */
export function registerHealthMonitor(parent: Command, ctx: CliContext): void {
  parent
    .command('health-monitor', { hidden: true })
    .argument('<id>')
    .requiredOption('--run <id>', 'the run to watch')
    .action(async (id: string, f: { run: string }) => {
      const { monitorHealth } = await import('../../core/containers/health.js');
      // stopped by the exit hook with SIGTERM: end quietly
      process.on('SIGTERM', () => process.exit(0));
      await monitorHealth(await ctx.engine(), id, f.run);
    });
}
