import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { BerthError, wrap } from '../errors/berth-error.js';
import { parsePlatform } from '../images/platform.js';
import type { Platform } from '../oci/types.js';
import { parseSignal } from '../spec/parse/signal.js';
import { ArgScope } from './build-args.js';
import { stepKey, type BuildCache, type FileDigestMemo, type StepLayer } from './build-cache.js';
import type { BuildOptions } from './build-options.js';
import { resolveBaseImage } from './base-image.js';
import { exposedPorts, parseGoDuration } from './config-values.js';
import { copyStep } from './copy-step.js';
import { addStep, DEFAULT_SHELL, envMap, imageState, scratchState, setEnv, topChainId, type ImageState } from './image-state.js';
import type { CommandForm, Containerfile, Instruction } from './instructions.js';
import { parseContainerfile } from './parser.js';
import { BuildCancelledError, runStep } from './run-step.js';
import { cacheMountsDir } from './cache-prune.js';
import { insideRoot, mountSpec, parseRunMount, treeDigest, type RunMount } from './run-mounts.js';
import { withRootfsView } from './rootfs-view.js';
import type { MountSpec } from '../spec/container-spec.js';
import { ShellLex } from './shell-lex.js';
import { holdTeardown } from '../host/teardown.js';
import { stageRef, type BuildPlan, type Stage } from './stage-plan.js';
import { makeOwnedTempDir } from '../host/owned-temp.js';

/** What the stages of one build share. */
export interface BuildSession {
  ctx: EngineContext;
  opts: BuildOptions;
  cf: Containerfile;
  plan: BuildPlan;
  cache: BuildCache;
  fileDigests: FileDigestMemo;
  /** global ARG values (before the first FROM) and the automatic platform args */
  globals: Map<string, string | undefined>;
  buildArgs: ReadonlyMap<string, string>;
  /** names of build args some ARG (or RUN, for proxies) used: the rest draw a warning */
  consumed: Set<string>;
  done: Map<number, StageResult>;
  counter: { n: number; total: number };
  platform: Platform;
}

export interface StageResult {
  state: ImageState;
  /** cache key of the stage's last step: the parent of whatever builds on it */
  key: string;
}

/** Run one stage's FROM and instructions; returns its image state and last cache key. */
export async function runStage(s: BuildSession, stage: Stage): Promise<StageResult> {
  const r = new StageRunner(s, stage);
  return r.run();
}

class StageRunner {
  private state!: ImageState;
  private key = '';
  private readonly scope: ArgScope;
  /** CMD seen in this stage: ENTRYPOINT then keeps it (docker resets an inherited CMD) */
  private cmdSet = false;

  constructor(
    private readonly s: BuildSession,
    private readonly stage: Stage,
  ) {
    this.scope = new ArgScope(s.buildArgs, s.globals, s.consumed);
  }

  async run(): Promise<StageResult> {
    await this.from();
    for (const ins of this.stage.body) {
      // a cancelled build stops before its next step
      if (this.s.opts.signal?.aborted) throw new BuildCancelledError();
      this.announce(ins);
      await this.exec(ins);
    }
    return { state: this.state, key: this.key };
  }

  private announce(ins: Instruction): void {
    const c = this.s.counter;
    c.n++;
    this.s.opts.onEvent?.({ type: 'step', n: c.n, total: c.total, text: ins.original });
  }

  private lex(): ShellLex {
    const env = envMap(this.state.config.config ?? {});
    return new ShellLex(this.s.cf.escape, (n) => env.get(n) ?? this.scope.get(n));
  }

  private async from(): Promise<void> {
    const ins = this.stage.from;
    this.announce(ins);
    const lex = new ShellLex(this.s.cf.escape, (n) => this.s.globals.get(n));
    const ref = lex.word(ins.image);
    const platform = ins.flags['platform'] ? parsePlatform(lex.word(ins.flags['platform'])) : this.s.platform;
    const stageIndex = stageRef(this.s.plan.stages, ref, this.stage.index);
    if (ref.toLowerCase() === 'scratch') {
      this.state = scratchState(platform);
      this.key = stepKey('', { from: 'scratch', platform });
    } else if (stageIndex !== undefined) {
      const base = this.s.done.get(stageIndex);
      if (!base) throw new BerthError('Internal', `stage ${stageIndex} was not built`);
      this.state = structuredClone(base.state);
      this.key = base.key;
    } else {
      const rec = await resolveBaseImage(this.s.ctx, ref, { pull: this.s.opts.pull ?? 'missing', platform });
      const manifest = this.s.ctx.images.manifest(rec.id);
      this.state = imageState(this.s.ctx.images.config(rec.id), manifest.layers, rec.chainIds);
      this.key = stepKey('', { from: rec.id });
    }
    const triggers = this.state.config.config?.OnBuild ?? [];
    if (triggers.length > 0) {
      this.s.opts.onEvent?.({ type: 'triggers', count: triggers.length });
      // triggers run once, in the image built FROM the one that declared them
      delete (this.state.config.config as { OnBuild?: string[] }).OnBuild;
      for (const t of triggers) {
        const parsed = parseContainerfile(t, `ONBUILD trigger of "${ref}"`).instructions;
        for (const i of parsed) await this.exec(i);
      }
    }
  }

  private async exec(ins: Instruction): Promise<void> {
    try {
      await this.dispatch(ins);
    } catch (e) {
      throw wrap(e, `${this.s.cf.file}:${ins.line}: ${ins.kind}`);
    }
  }

  /** One cached step: look the key up, else produce; then record history and move the key on. */
  private async step(ins: Instruction, inputs: unknown, createdBy: string, produce?: () => Promise<StepLayer>): Promise<void> {
    const key = stepKey(this.key, { ins: ins.kind, inputs });
    let r = this.s.opts.noCache ? undefined : this.s.cache.get(key, topChainId(this.state));
    if (r) this.s.opts.onEvent?.({ type: 'cache-hit', key });
    else {
      const layer = produce ? await produce() : undefined;
      r = { ...(layer ? { layer } : {}), created: new Date().toISOString() };
      this.s.cache.put(key, r);
    }
    addStep(this.state, createdBy, r.created, r.layer);
    this.key = key;
  }

  private rc() {
    return (this.state.config.config ??= {});
  }

  private shell(): string[] {
    return this.rc().Shell ?? DEFAULT_SHELL;
  }

  private command(c: CommandForm): string[] {
    return 'json' in c ? c.json : [...this.shell(), c.shell];
  }

  private async dispatch(ins: Instruction): Promise<void> {
    const rc = this.rc();
    switch (ins.kind) {
      case 'FROM':
        throw new BerthError('InvalidArgument', 'FROM is not allowed here');
      case 'ARG': {
        const lex = this.lex();
        for (const a of ins.args) this.scope.declare(a.name, a.value === undefined ? undefined : lex.word(a.value));
        return;
      }
      case 'ENV':
      case 'LABEL': {
        const lex = this.lex();
        const pairs = ins.pairs.map(([k, v]) => [lex.word(k), lex.word(v)] as [string, string]);
        for (const [k] of pairs) if (k === '') throw new BerthError('InvalidArgument', `${ins.kind} names can not be blank`);
        for (const [k, v] of pairs) {
          if (ins.kind === 'ENV') rc.Env = setEnv(rc.Env ?? [], k, v);
          else rc.Labels = { ...rc.Labels, [k]: v };
        }
        return this.step(ins, pairs, `${ins.kind} ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
      case 'WORKDIR': {
        const dir = path.posix.resolve(rc.WorkingDir || '/', this.lex().word(ins.value));
        rc.WorkingDir = dir;
        return this.step(ins, dir, `WORKDIR ${dir}`);
      }
      case 'USER': {
        const user = this.lex().word(ins.value);
        rc.User = user;
        return this.step(ins, user, `USER ${user}`);
      }
      case 'STOPSIGNAL': {
        const sig = this.lex().word(ins.value);
        parseSignal(sig);
        rc.StopSignal = sig;
        return this.step(ins, sig, `STOPSIGNAL ${sig}`);
      }
      case 'MAINTAINER': {
        const who = this.lex().word(ins.value);
        this.state.config.author = who;
        return this.step(ins, who, `MAINTAINER ${who}`);
      }
      case 'EXPOSE': {
        const lex = this.lex();
        const ports = exposedPorts(ins.values.flatMap((w) => lex.words(w)));
        for (const p of ports) rc.ExposedPorts = { ...rc.ExposedPorts, [p]: {} };
        return this.step(ins, ports, `EXPOSE ${ports.join(' ')}`);
      }
      case 'VOLUME': {
        const lex = this.lex();
        const vols = ins.values.map((v) => lex.word(v));
        if (vols.some((v) => v.trim() === '')) throw new BerthError('InvalidArgument', 'VOLUME specified can not be an empty string');
        for (const v of vols) rc.Volumes = { ...rc.Volumes, [v]: {} };
        return this.step(ins, vols, `VOLUME [${vols.join(' ')}]`);
      }
      case 'SHELL':
        rc.Shell = ins.shell;
        return this.step(ins, ins.shell, `SHELL ${JSON.stringify(ins.shell)}`);
      case 'CMD': {
        rc.Cmd = this.command(ins.command);
        this.cmdSet = true;
        return this.step(ins, rc.Cmd, `CMD ${JSON.stringify(rc.Cmd)}`);
      }
      case 'ENTRYPOINT': {
        rc.Entrypoint = this.command(ins.command);
        if (!this.cmdSet) delete rc.Cmd;
        return this.step(ins, rc.Entrypoint, `ENTRYPOINT ${JSON.stringify(rc.Entrypoint)}`);
      }
      case 'HEALTHCHECK': {
        rc.Healthcheck = this.healthcheck(ins);
        return this.step(ins, rc.Healthcheck, `HEALTHCHECK ${JSON.stringify(rc.Healthcheck)}`);
      }
      case 'ONBUILD': {
        const text = ins.text.replace(/^\S+/, (w) => w.toUpperCase());
        rc.OnBuild = [...(rc.OnBuild ?? []), text];
        return this.step(ins, text, `ONBUILD ${text}`);
      }
      case 'RUN':
        return this.runInstruction(ins);
      case 'COPY':
      case 'ADD':
        return copyStep(this.s, {
          ins,
          state: this.state,
          lex: this.lex(),
          step: (inputs, createdBy, produce) => this.step(ins, inputs, createdBy, produce),
        });
    }
  }

  private healthcheck(ins: Extract<Instruction, { kind: 'HEALTHCHECK' }>) {
    if (ins.test === 'NONE') return { Test: ['NONE'] };
    const test = 'json' in ins.test ? ['CMD', ...ins.test.json] : ['CMD-SHELL', ins.test.shell];
    const f = ins.flags;
    const hc: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number } = { Test: test };
    if (f['interval']) hc.Interval = parseGoDuration(f['interval'], 'interval');
    if (f['timeout']) hc.Timeout = parseGoDuration(f['timeout'], 'timeout');
    if (f['start-period']) hc.StartPeriod = parseGoDuration(f['start-period'], 'start-period');
    if (f['start-interval']) hc.StartInterval = parseGoDuration(f['start-interval'], 'start-interval');
    if (f['retries'] !== undefined) {
      if (!/^\d+$/.test(f['retries'])) throw new BerthError('InvalidArgument', `invalid --retries "${f['retries']}"`);
      hc.Retries = Number(f['retries']);
    }
    return hc;
  }

  private async runInstruction(ins: Extract<Instruction, { kind: 'RUN' }>): Promise<void> {
    const rc = this.rc();
    const argv = this.runArgv(ins);
    const envNames = new Set(envMap(rc).keys());
    const args = this.scope.runEnv(envNames);
    // BuildKit's RUN --network=default|none|host; default is the build's --network, else the
    // default bridge: a RUN step is isolated from the host's network as docker's and podman's are
    const flag = ins.flags['network'];
    if (flag !== undefined && !['host', 'none', 'default'].includes(flag))
      throw new BerthError('InvalidArgument', `RUN --network=${flag}: only default, none and host are supported`);
    const network = flag === undefined || flag === 'default' ? (this.s.opts.network ?? 'bridge') : flag;
    const createdBy = `RUN ${args.length ? `|${args.length} ${args.join(' ')} ` : ''}${argv.join(' ')}`;
    const lex = this.lex();
    const mounts = (ins.flags['mount'] ?? '')
      .split('\n')
      .filter(Boolean)
      .map((m) => parseRunMount(lex.word(m)));
    const workdir = rc.WorkingDir || '/';
    for (const m of mounts) m.target = path.posix.resolve(workdir, m.target);
    const mountKeys = mounts.map((m) => this.mountKey(m));
    const inputs = { argv, args, user: rc.User ?? '', workdir: rc.WorkingDir ?? '', ...(mounts.length ? { mounts: mountKeys } : {}) };
    await this.step(ins, inputs, createdBy, () =>
      this.withRunMounts(mounts, (specs) =>
        runStep(this.s.ctx, this.state, {
          argv,
          env: [...(rc.Env ?? []), ...args],
          ...(rc.User ? { user: rc.User } : {}),
          ...(rc.WorkingDir ? { workingDir: rc.WorkingDir } : {}),
          network,
          mounts: specs,
          ...(this.s.opts.runContainer ? { container: this.s.opts.runContainer } : {}),
          stdout: this.s.opts.stdout,
          stderr: this.s.opts.stderr,
          ...(this.s.opts.signal ? { signal: this.s.opts.signal } : {}),
        }),
      ),
    );
  }

  /**
   * What a RUN mount adds to the step's cache key: a bind's content (the context's files, or the
   * stage or image it reads from); caches, tmpfs and secrets only by their settings (a secret's
   * value never), as BuildKit keys them.
   */
  private mountKey(m: RunMount): unknown {
    const base = { type: m.type, target: m.target };
    if (m.type !== 'bind') return { ...base, id: m.type === 'cache' ? m.id : undefined };
    if (m.from === undefined) return { ...base, source: m.source, rw: !m.readonly, digest: treeDigest(insideRoot(this.s.opts.context.dir, m.source)) };
    const idx = stageRef(this.s.plan.stages, m.from, this.stage.index);
    const from = idx !== undefined ? this.s.done.get(idx)?.key : m.from;
    return { ...base, source: m.source, rw: !m.readonly, from };
  }

  /** Prepare RUN's mounts (cache dirs, stage views, secret files), run fn with them, clean up. */
  private async withRunMounts<T>(mounts: RunMount[], fn: (specs: MountSpec[]) => Promise<T>): Promise<T> {
    const { ctx, opts } = this.s;
    const specs: MountSpec[] = [];
    const scratch = makeOwnedTempDir(ctx.paths.tmp, 'build-mounts-');
    const release = holdTeardown(() => fs.rmSync(scratch, { recursive: true, force: true }));
    const go = async (i: number): Promise<T> => {
      const m = mounts[i];
      if (m === undefined) return fn(specs);
      if (m.type === 'tmpfs') specs.push(mountSpec(m.target, undefined, m));
      else if (m.type === 'cache') {
        // kept between builds under the storage root, one directory per cache id
        const dir = path.join(cacheMountsDir(ctx), createHash('sha256').update(m.id).digest('hex').slice(0, 32));
        if (!fs.existsSync(dir)) {
          fs.mkdirSync(dir, { recursive: true, mode: m.mode ?? 0o755 });
          fs.chmodSync(dir, m.mode ?? 0o755);
          fs.chownSync(dir, m.uid ?? 0, m.gid ?? 0);
        }
        specs.push(mountSpec(m.target, dir, m));
      } else if (m.type === 'secret') {
        const src = opts.secrets?.get(m.id);
        if (src === undefined) {
          if (m.required)
            throw new BerthError(
              'InvalidArgument',
              `RUN --mount=type=secret: secret "${m.id}" is required but was not given (berth build --secret id=${m.id},src=FILE)`,
            );
        } else {
          // a copy the RUN can read (mode 0400 unless asked), removed with the step
          const file = path.join(scratch, `secret-${i}`);
          fs.copyFileSync(src, file);
          fs.chmodSync(file, m.mode ?? 0o400);
          fs.chownSync(file, m.uid ?? 0, m.gid ?? 0);
          specs.push(mountSpec(m.target, file, m));
        }
      } else {
        const bindFrom = async (root: string): Promise<T> => {
          let src = insideRoot(root, m.source);
          if (!m.readonly) {
            // rw: the RUN may write, nothing of it stays (BuildKit discards the writes)
            const copy = path.join(scratch, `bind-${i}`);
            fs.cpSync(src, copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
            src = copy;
          }
          specs.push(mountSpec(m.target, src, m));
          return go(i + 1);
        };
        if (m.from === undefined) return bindFrom(opts.context.dir);
        const idx = stageRef(this.s.plan.stages, m.from, this.stage.index);
        if (idx !== undefined) {
          const done = this.s.done.get(idx);
          if (!done) throw new BerthError('Internal', `stage ${idx} was not built`);
          return withRootfsView(ctx, done.state.chainIds, bindFrom);
        }
        const rec = await resolveBaseImage(ctx, m.from, { pull: opts.pull ?? 'missing' });
        return withRootfsView(ctx, rec.chainIds, bindFrom);
      }
      return go(i + 1);
    };
    try {
      return await go(0);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
      release();
    }
  }

  /**
   * RUN's argv. A heredoc that is the whole command is the script itself; heredocs feeding a
   * command go to the shell with their bodies, which the shell then reads as here-documents.
   */
  private runArgv(ins: Extract<Instruction, { kind: 'RUN' }>): string[] {
    if ('json' in ins.command || ins.heredocs.length === 0) return this.command(ins.command);
    const text = ins.command.shell;
    const only = /^<<-?(["']?)([^"'\s]+)\1$/.exec(text.trim());
    if (only && ins.heredocs.length === 1) return [...this.shell(), (ins.heredocs[0] as { content: string }).content];
    const bodies = ins.heredocs.map((h) => `${h.content}${h.name}\n`).join('');
    return [...this.shell(), `${text}\n${bodies}`];
  }
}
