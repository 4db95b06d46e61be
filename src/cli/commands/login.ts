import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { addRegistryFlags, registryOptions, type RegistryFlags } from './pull.js';
import { warn } from '../diagnostics.js';

interface LoginFlags extends RegistryFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  let s = '';
  for await (const c of stream) s += (c as Buffer).toString('utf8');
  return s;
}

/** Read a line from the terminal; with echo off for a password. */
async function prompt(ctx: CliContext, question: string, secret: boolean): Promise<string> {
  ctx.stderr.write(question);
  const stdin = ctx.stdin;
  if (secret) stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      const onData = (d: Buffer) => {
        for (const ch of d.toString('utf8')) {
          if (ch === '\u0003') return finish(new BerthError('InvalidArgument', 'login cancelled'));
          if (ch === '\r' || ch === '\n') return finish(undefined, line);
          if (ch === '\u007f') line = line.slice(0, -1);
          else line += ch;
        }
      };
      const finish = (e?: Error, v?: string) => {
        stdin.off('data', onData);
        if (secret) ctx.stderr.write('\n');
        if (e) reject(e);
        else resolve(v ?? '');
      };
      stdin.on('data', onData);
    });
  } finally {
    if (secret) stdin.setRawMode(false);
    stdin.pause();
  }
}

/** `berth login [-u USER] [-p PASS | --password-stdin] [SERVER]`. */
export function registerLogin(parent: Command, ctx: CliContext, name = 'login'): void {
  const cmd = parent
    .command(name)
    .description('Log in to a registry')
    .argument('[server]', 'registry host[:port] (default docker.io)')
    .option('-u, --username <username>', 'username')
    .option('-p, --password <password>', 'password (visible to other users: prefer --password-stdin)')
    .option('--password-stdin', 'take the password from stdin');
  addRegistryFlags(cmd).action(async (server: string | undefined, f: LoginFlags) => {
    const { login } = await import('../../core/registry/login.js');
    let { username, password } = f;
    if (f.passwordStdin) {
      if (password !== undefined) throw new BerthError('InvalidArgument', '--password and --password-stdin are mutually exclusive');
      if (username === undefined) throw new BerthError('InvalidArgument', 'Must provide --username with --password-stdin');
      password = (await readAll(ctx.stdin)).replace(/\r?\n$/, '');
    } else if (password !== undefined) {
      warn(ctx.stderr, 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    }
    if (username === undefined || password === undefined) {
      if (!ctx.stdin.isTTY) throw new BerthError('InvalidArgument', 'Cannot perform an interactive login from a non TTY device');
      username ??= (await prompt(ctx, 'Username: ', false)).trim();
      password ??= await prompt(ctx, 'Password: ', true);
    }
    const r = await login(server, { username, password }, registryOptions(f));
    if (r.helper === undefined) warn(ctx.stderr, `WARNING! Your password will be stored unencrypted in ${r.file}.\n`);
    ctx.stdout.write('Login Succeeded\n');
  });
}
