import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { BERTH_BIN } from '../../src/testkit/berth-cli.js';

function berth(args: string[]) {
  const r = spawnSync(BERTH_BIN, args, { encoding: 'utf8', env: { ...process.env, BERTH_ROOT: '/nonexistent-help-root' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Command names from a commander help page's "Commands:" section. */
function commandsOf(help: string): string[] {
  const section = help.split('\nCommands:\n')[1] ?? '';
  return section
    .split('\n')
    .map((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && c !== 'help');
}

test('every command and subcommand answers --help with a usage line and exit 0, touching no storage', () => {
  const top = berth(['--help']);
  assert.equal(top.code, 0);
  const commands = commandsOf(top.stdout);
  assert.ok(commands.length > 30, `found ${commands.length} commands`);
  for (const c of commands) {
    const r = berth([c, '--help']);
    assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
    assert.match(r.stdout, /^Usage: berth /, c);
    for (const sub of commandsOf(r.stdout)) {
      const s = berth([c, sub, '--help']);
      assert.equal(s.code, 0, `${c} ${sub} --help: ${s.stderr}`);
      assert.match(s.stdout, /^Usage: berth /, `${c} ${sub}`);
    }
  }
  assert.equal(fs.existsSync('/nonexistent-help-root'), false, 'help opened no store');
});

test("an unknown flag is a usage error with exit 125, an unknown command exits 1, in docker's words", () => {
  const r = berth(['frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^berth: unknown command: frobnicate\n\nRun 'berth --help' for more information/);
  const f = berth(['ps', '--no-such-flag']);
  assert.equal(f.code, 125);
  assert.match(f.stderr, /^unknown flag: --no-such-flag/);
  const s = berth(['ps', '-Z']);
  assert.equal(s.code, 125);
  assert.match(s.stderr, /^unknown shorthand flag: 'Z' in -Z/);
});

test("--version and version print berth's version", () => {
  assert.match(berth(['--version']).stdout, /^berth version \d+\.\d+\.\d+/);
  assert.equal(berth(['version']).code, 0);
});
