import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, type Option } from 'commander';
import type { CliContext } from '../context.js';

// Every option a command registers is read by that command: either its action reads it
// (`f.name`, `f['name']`, `{ name }`), or the action hands its options object on (`flagsToSpec(…, f)`)
// and the CLI's code reads the name somewhere. A flag that is accepted and never read tells the
// user one thing and does another; the few kept for compatibility are listed below, each with
// docker's meaning and why berth does nothing for it.

const ALLOWED: Record<string, string> = {
  'pod prune --force': 'podman: do not prompt for confirmation; berth never prompts',
  'rmi --no-prune': 'docker: keep the untagged parent images; berth stores no parent images (as with BuildKit), so there are none to delete',
  'image rm --no-prune': 'docker: keep the untagged parent images; berth stores no parent images (as with BuildKit), so there are none to delete',
  'build --force-rm': 'docker: always remove intermediate containers; berth always removes them',
  'image build --force-rm': 'docker: always remove intermediate containers; berth always removes them',
  'builder build --force-rm': 'docker: always remove intermediate containers; berth always removes them',
  'build --compress': 'docker: gzip the context sent to the daemon; berth has no daemon and reads the context in place',
  'image build --compress': 'docker: gzip the context sent to the daemon; berth has no daemon and reads the context in place',
  'builder build --compress': 'docker: gzip the context sent to the daemon; berth has no daemon and reads the context in place',
  'network create --attachable': 'docker: let standalone containers join a swarm overlay network; every bridge network is attachable',
  'load --quiet':
    'docker: suppress the progress of the layers loading ("Loaded image:" is still printed); berth shows no progress, so there is none to suppress',
  'image load --quiet':
    'docker: suppress the progress of the layers loading ("Loaded image:" is still printed); berth shows no progress, so there is none to suppress',
  'cp --quiet': 'docker: suppress the progress shown on a terminal; berth shows no progress, so there is none to suppress',
  'container cp --quiet': 'docker: suppress the progress shown on a terminal; berth shows no progress, so there is none to suppress',
  'images --all': "docker: also list intermediate images (the classic builder's); berth stores none, so every image is listed already",
  'image ls --all': "docker: also list intermediate images (the classic builder's); berth stores none, so every image is listed already",
  'network inspect --verbose': "docker: add swarm diagnostics (a network's services and tasks); berth has no swarm, so there is nothing to add",
  'network disconnect --force':
    "docker: also remove an endpoint whose container is gone; berth removes a container's endpoints with it, so none is left to force",
};

const DIST = path.dirname(fileURLToPath(import.meta.url));

/** The compiled CLI code (dist/src/cli), where a handed-on options object is read. */
function cliSources(dir = path.resolve(DIST, '..')): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return cliSources(p);
      return e.name.endsWith('.js') && !e.name.endsWith('.test.js') ? fs.readFileSync(p, 'utf8') : '';
    })
    .join('\n');
}

function escape(s: string): string {
  return s.replace(/[$]/g, '\\$');
}

/** `x.name`, `x['name']`, `{ name }` / `{ a, name }` (destructuring or shorthand), `x?.name`. */
function reads(source: string, attr: string): boolean {
  const a = escape(attr);
  return new RegExp(`\\??\\.${a}\\b(?!\\s*\\()|\\[\\s*['"]${a}['"]\\s*\\]|[{,]\\s*${a}\\s*[,}=]`).test(source);
}

/** The action's parameter names (`async (a, b, f) =>`, `async function (a, f)`) and its body. */
function split(source: string): { params: string[]; body: string } {
  const s = source.trim();
  const m = /^(?:async\s*)?(?:function\s*\w*\s*)?\(([^)]*)\)/.exec(s) ?? /^(?:async\s+)?(\w+)\s*=>/.exec(s);
  return {
    params: (m?.[1] ?? '')
      .split(',')
      .map((p) => p.trim().replace(/\s*=.*$/, ''))
      .filter(Boolean),
    body: s.slice(m?.[0].length ?? 0),
  };
}

function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x?.parent; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

function all(c: Command): Command[] {
  return [c, ...c.commands.flatMap((x) => all(x))];
}

test("every registered option is read by its command, or listed with docker's no-op meaning", async () => {
  type Action = Parameters<Command['action']>[0];
  const actions = new WeakMap<Command, Action>();
  const action = Command.prototype.action;
  Command.prototype.action = function (this: Command, fn: Action) {
    actions.set(this, fn);
    return action.call(this, fn);
  };
  const program = new Command('berth').enablePositionalOptions();
  try {
    const { COMMANDS } = await import('./index.js');
    const ctx = {} as unknown as CliContext;
    for (const def of COMMANDS) def(program, ctx);
  } finally {
    Command.prototype.action = action;
  }
  const cli = cliSources();
  const unread: string[] = [];
  const allowedSeen = new Set<string>();
  let checked = 0;
  for (const cmd of all(program)) {
    const fn = actions.get(cmd);
    const opts = cmd.options as readonly Option[];
    if (!fn || opts.length === 0) continue;
    const source = fn.toString();
    const { params, body } = split(source);
    // the options object is the parameter after the command's arguments; handed on whole, or not
    const optsName = params[cmd.registeredArguments.length];
    const handedOn = optsName !== undefined && new RegExp(`[(,]\\s*(\\.\\.\\.)?${escape(optsName)}\\s*[,)]`).test(body);
    for (const o of opts) {
      const attr = o.attributeName();
      const key = `${commandPath(cmd)} ${o.long ?? o.short}`;
      checked++;
      if (reads(body, attr) || (handedOn && reads(cli, attr))) continue;
      if (key in ALLOWED) {
        allowedSeen.add(key);
        continue;
      }
      unread.push(key);
    }
  }
  assert.ok(checked > 300, `only ${checked} options found: the walk is broken`);
  assert.deepEqual(unread, [], 'options registered and never read: honour or refuse them');
  // the allow-list holds only options that exist and are unread
  assert.deepEqual(
    Object.keys(ALLOWED).filter((k) => !allowedSeen.has(k)),
    [],
  );
});

test('the global options are read by main (or by the parser given with them)', () => {
  const main = fs.readFileSync(path.resolve(DIST, '../main.js'), 'utf8');
  const globals = [...main.matchAll(/\.option\('(?:-\w, )?--([\w-]+)[^']*', '[^']*'(, (\w+))?\)/g)];
  assert.deepEqual(
    globals.map((m) => m[1]),
    ['root', 'runroot', 'runtime', 'log-level'],
  );
  for (const [, name, , parser] of globals) {
    const attr = (name as string).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    assert.ok(reads(main.replace(/\.option\([^)]*\)/g, ''), attr) || parser !== undefined, `--${name} is never read`);
  }
});

test('the check sees an unread option', () => {
  const src = ((_a: string, f: { all?: boolean; filter: string[] }) => String(f.all)).toString();
  assert.equal(reads(src, 'all'), true);
  assert.equal(reads(src, 'filter'), false);
  assert.equal(reads('({ all, force }) => 1', 'force'), true);
  assert.equal(reads("(f) => f['no-trunc']", 'no-trunc'), true);
  assert.equal(reads('(f) => f.filterx', 'filter'), false);
  assert.equal(reads('(f) => f.filter(x)', 'filter'), false, 'a method call is not the option');
});
