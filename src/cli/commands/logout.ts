import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';

/** `berth logout [SERVER]`; `-a` forgets every registry (podman). */
export function registerLogout(parent: Command, ctx: CliContext, name = 'logout'): void {
  parent
    .command(name)
    .description('Log out from a registry')
    .argument('[server]', 'registry host[:port] (default docker.io)')
    .option('-a, --all', 'remove the credentials of every registry')
    .option('--authfile <path>', 'credentials file (default $BERTH_AUTH_FILE, else ~/.docker/config.json)')
    .action(async (server: string | undefined, f: { all?: boolean; authfile?: string }) => {
      const { logout, logoutAll } = await import('../../core/registry/login.js');
      const opts = f.authfile !== undefined ? { authFile: f.authfile } : {};
      if (f.all) {
        if (server !== undefined) throw new BerthError('InvalidArgument', '--all takes no server');
        logoutAll(opts);
        ctx.stdout.write('Removed login credentials for all registries\n');
        return;
      }
      const r = logout(server, opts);
      ctx.stdout.write(r.removed ? `Removing login credentials for ${r.registry}\n` : `Not logged in to ${r.registry}\n`);
    });
}
