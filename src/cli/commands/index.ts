import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerRun } from './run.js';
import { registerCreate } from './create.js';
import { registerStart } from './start.js';
import {
  registerStop,
  registerRestart,
  registerKill,
  registerPause,
  registerUnpause,
  registerWait,
  registerRename,
  registerRm,
  registerCleanup,
  registerHealthMonitor,
} from './lifecycle.js';
import { registerPs } from './ps.js';
import { registerInspect } from './inspect.js';
import { registerLogs } from './logs.js';
import { registerEvents } from './events.js';
import { registerExec } from './exec.js';
import { registerTop } from './top.js';
import { registerStats } from './stats.js';
import { registerPort } from './port.js';
import { registerDiff } from './diff.js';
import { registerCp } from './cp.js';
import { registerAttach } from './attach.js';
import { registerCommit } from './commit.js';
import { registerExport } from './export.js';
import { registerUpdate } from './update.js';
import { registerExplain } from './explain.js';
import { registerBuild } from './build.js';
import { registerNetwork } from './network.js';
import { registerPull } from './pull.js';
import { registerPush } from './push.js';
import { registerLogin } from './login.js';
import { registerLogout } from './logout.js';
import { registerManifest } from './manifest.js';
import { registerVolume } from './volume.js';
import { registerPod } from './pod.js';
import { registerKube } from './kube.js';
import { registerVersion, registerInfo } from './system.js';
import { registerImages, registerImageGroup, registerImport, registerLoad, registerSave, registerTag, registerRmi, registerHistory } from './images.js';
import { registerSystemGroup, registerContainerPrune, registerBuilder } from './prune.js';
import { registerServe } from './serve.js';

export type CommandDefinition = (program: Command, ctx: CliContext) => void;

type Reg = (parent: Command, ctx: CliContext, name?: string) => void;

/** Container verbs exist both at the top level (docker ps) and under `container` (docker container ls). */
const CONTAINER_VERBS: Array<[Reg, string, string]> = [
  [registerRun, 'run', 'run'],
  [registerCreate, 'create', 'create'],
  [registerStart, 'start', 'start'],
  [registerStop, 'stop', 'stop'],
  [registerRestart, 'restart', 'restart'],
  [registerKill, 'kill', 'kill'],
  [registerPause, 'pause', 'pause'],
  [registerUnpause, 'unpause', 'unpause'],
  [registerWait, 'wait', 'wait'],
  [registerRename, 'rename', 'rename'],
  [registerRm, 'rm', 'rm'],
  [registerLogs, 'logs', 'logs'],
  [registerExec, 'exec', 'exec'],
  [registerTop, 'top', 'top'],
  [registerStats, 'stats', 'stats'],
  [registerPort, 'port', 'port'],
  [registerDiff, 'diff', 'diff'],
  [registerCp, 'cp', 'cp'],
  [registerAttach, 'attach', 'attach'],
  [registerCommit, 'commit', 'commit'],
  [registerExport, 'export', 'export'],
  [registerUpdate, 'update', 'update'],
];

/** The explicit list of commands (crun's table, pnpm's list): nothing registers itself. */
export const COMMANDS: CommandDefinition[] = [
  (p, c) => {
    for (const [reg, name] of CONTAINER_VERBS) reg(p, c, name);
    registerPs(p, c, 'ps');
    registerInspect(p, c, 'inspect');
  },
  (p, c) => {
    const group = p.command('container').description('Manage containers');
    for (const [reg, , name] of CONTAINER_VERBS) reg(group, c, name);
    registerPs(group, c, 'ls', ['ps', 'list']);
    registerInspect(group, c, 'inspect', 'container');
    registerContainerPrune(group, c);
    registerCleanup(group, c);
    registerHealthMonitor(group, c);
  },
  registerImages,
  registerPull,
  registerPush,
  registerLogin,
  registerLogout,
  registerManifest,
  registerImport,
  registerLoad,
  registerSave,
  registerTag,
  registerRmi,
  registerHistory,
  registerImageGroup,
  registerVolume,
  registerPod,
  registerKube,
  registerNetwork,
  registerVersion,
  registerInfo,
  registerSystemGroup,
  registerBuilder,
  registerEvents,
  registerExplain,
  registerBuild,
  registerServe,
];

/** Global options that take a value, so the command word can be found after them. */
const GLOBAL_VALUE_OPTIONS = new Set(['--root', '--runroot', '--runtime', '--log-level']);

/**
 * The commands to register for these arguments: for a top-level container verb (the commands
 * run most, `run` first of all), that one alone, which saves commander building ~150 others
 * (~3 ms of every start); anything else (help, groups, a typo to suggest for) gets them all.
 */
export function commandsFor(args: readonly string[]): CommandDefinition[] {
  let i = 0;
  while (i < args.length) {
    const a = args[i] ?? '';
    if (GLOBAL_VALUE_OPTIONS.has(a)) i += 2;
    else if (a.startsWith('--') && GLOBAL_VALUE_OPTIONS.has(a.slice(0, a.indexOf('=')))) i += 1;
    else break;
  }
  const word = args[i];
  const verb = CONTAINER_VERBS.find(([, name]) => name === word);
  if (verb) return [(p, c) => verb[0](p, c, verb[1])];
  if (word === 'ps') return [(p, c) => registerPs(p, c, 'ps')];
  if (word === 'pull') return [registerPull];
  if (word === 'push') return [registerPush];
  if (word === 'build') return [registerBuild];
  if (word === 'inspect') return [(p, c) => registerInspect(p, c, 'inspect')];
  if (word === 'serve') return [registerServe];
  return COMMANDS;
}
