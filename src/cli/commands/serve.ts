import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface ServeFlags {
  host?: string;
  timeout: string;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

/**
 * `berth serve`: the Docker Engine API on a unix socket (or systemd's, through LISTEN_FDS), in the
 * foreground until SIGTERM/SIGINT or --timeout seconds without a connection.
 */
export function registerServe(parent: Command, ctx: CliContext): void {
  parent
    .command('serve')
    .description('Serve the Docker Engine API (docker CLI, compose, SDKs) on a unix socket')
    .option('-H, --host <address>', 'where to listen: unix:///PATH, or tcp://HOST:PORT with --tlsverify (default unix:///run/berth/docker.sock)')
    .option('--timeout <seconds>', 'exit after this many seconds without a connection (0: never)', '0')
    .option('--tlsverify', 'TCP only with mutual TLS: clients need a certificate signed by --tlscacert')
    .option('--tlscacert <file>', 'CA certificate clients must be signed by')
    .option('--tlscert <file>', 'the server certificate')
    .option('--tlskey <file>', 'the server key')
    .action(async (f: ServeFlags) => {
      const fs = await import('node:fs');
      const { BerthError } = await import('../../core/errors/berth-error.js');
      const { startServer, DEFAULT_HOST } = await import('../../serve/server.js');
      if (!/^\d+$/.test(f.timeout)) throw new BerthError('InvalidArgument', `invalid argument "${f.timeout}" for "--timeout" flag: expected whole seconds`);
      let tls: { ca: Buffer; cert: Buffer; key: Buffer } | undefined;
      if (f.tlsverify) {
        if (!f.tlscacert || !f.tlscert || !f.tlskey) throw new BerthError('InvalidArgument', '--tlsverify needs --tlscacert, --tlscert and --tlskey');
        const read = (p: string) => {
          try {
            return fs.readFileSync(p);
          } catch {
            throw new BerthError('InvalidArgument', `open ${p}: no such file or directory`);
          }
        };
        tls = { ca: read(f.tlscacert), cert: read(f.tlscert), key: read(f.tlskey) };
      } else if (f.tlscacert || f.tlscert || f.tlskey) {
        throw new BerthError('InvalidArgument', '--tlscacert, --tlscert and --tlskey are used with --tlsverify');
      }
      // systemd socket activation: the listening socket is fd 3
      let inheritedFd: number | undefined;
      if (process.env['LISTEN_PID'] === String(process.pid) && Number(process.env['LISTEN_FDS'] ?? '0') >= 1) {
        inheritedFd = 3;
        for (const k of ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES']) delete process.env[k];
      }
      const engine = await ctx.engine();
      const { repairContainers } = await import('../../core/containers/repair.js');
      await repairContainers(engine);
      const log = (line: string) => ctx.stderr.write(`berth serve: ${line}\n`);
      // one bad request must never take the server (and every client's stream) down
      process.on('uncaughtException', (e) => log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
      process.on('unhandledRejection', (e) => log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
      // from before the socket exists: a SIGTERM right after it appears must stop cleanly, not kill
      let server: Awaited<ReturnType<typeof startServer>> | undefined;
      let stopAsked = false;
      const stop = () => {
        stopAsked = true;
        void server?.close();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      server = await startServer(engine, {
        host: f.host ?? DEFAULT_HOST,
        timeoutSeconds: Number(f.timeout),
        ...(tls ? { tls } : {}),
        ...(inheritedFd !== undefined ? { inheritedFd } : {}),
        log,
      });
      log(`API listening on ${server.address}`);
      if (stopAsked) void server.close();
      await server.closed;
      log('stopped');
    });
}
