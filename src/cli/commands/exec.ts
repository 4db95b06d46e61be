import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collect } from '../options.js';
import { checkTty } from '../exit-status.js';

interface ExecFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  envFile: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  detachKeys?: string;
}

/** `berth exec`: runc exec with the terminal inherited; exit code passed through (126/127 as docker). */
export function registerExec(parent: Command, ctx: CliContext, name = 'exec'): void {
  parent
    .command(name)
    .description('Execute a command in a running container')
    .argument('<container>')
    .argument('<command...>')
    .option('-d, --detach', 'detached mode: run command in the background')
    .option('-i, --interactive', 'keep STDIN open even if not attached')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('-e, --env <KEY=VALUE>', 'set environment variables', collect, [])
    .option('--env-file <file>', 'read in a file of environment variables', collect, [])
    .option('-u, --user <user>', 'username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--privileged', 'give extended privileges to the command')
    .option(
      '--detach-keys <keys>',
      "override the key sequence for detaching (checked; an exec with a terminal is the terminal's own: it ends with its command)",
    )
    .passThroughOptions()
    .action(async (target: string, command: string[], f: ExecFlags) => {
      if (!f.detach) checkTty(ctx.stdin, !!f.interactive, !!f.tty);
      if (f.detachKeys !== undefined) (await import('../../core/runtime/detach-keys.js')).parseDetachKeys(f.detachKeys);
      const fs = await import('node:fs');
      const { prepareExec, execOptions, runExec } = await import('../../core/containers/exec.js');
      const parse = await import('../../core/spec/parse/index.js');
      const env: string[] = [];
      for (const file of f.envFile) env.push(...parse.parseEnvFile(fs.readFileSync(file, 'utf8'), process.env));
      for (const e of f.env) {
        const v = parse.parseEnv(e, process.env);
        if (v !== undefined) env.push(v);
      }
      const engine = await ctx.engine();
      const { rec, process: proc } = await prepareExec(engine, target, {
        cmd: command,
        env,
        ...(f.user !== undefined ? { user: f.user } : {}),
        ...(f.workdir !== undefined ? { workdir: f.workdir } : {}),
        tty: !!f.tty,
        interactive: !!f.interactive,
        privileged: !!f.privileged,
      });
      const opts = execOptions(engine, rec.id, proc, { tty: !!f.tty, stdin: !!f.interactive });
      const { containerEvent } = await import('../../core/events/container-events.js');
      const { randomBytes } = await import('node:crypto');
      const execID = randomBytes(32).toString('hex');
      const described = proc.args.join(' ');
      containerEvent(engine, rec, `exec_create: ${described}`, { execID });
      containerEvent(engine, rec, `exec_start: ${described}`, { execID });
      if (f.detach) {
        await runExec(engine, rec, opts, true);
        return;
      }
      const code = await runExec(engine, rec, opts, false);
      containerEvent(engine, rec, 'exec_die', { execID, exitCode: String(code) });
      ctx.setExitCode(code);
    });
}
