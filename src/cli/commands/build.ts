import path from 'node:path';
import fs from 'node:fs';
import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { collect } from '../options.js';
import { addResourceFlags } from '../run-flags.js';
import { onInterrupt } from '../interrupt.js';
import type { BuildRunFlags } from '../run-spec.js';
import { warn } from '../diagnostics.js';

interface BuildFlags extends BuildRunFlags {
  cacheFrom: string[];
  squash?: boolean;
  isolation?: string;
  tag: string[];
  file?: string;
  buildArg: string[];
  target?: string;
  cache: boolean;
  pull?: string | boolean;
  label: string[];
  secret: string[];
  network?: string;
  quiet?: boolean;
  iidfile?: string;
  platform?: string;
  output?: string;
}

/** `--build-arg K=V`, or `K` alone: the value comes from berth's environment, as docker does. */
function parseBuildArgs(list: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of list) {
    const i = a.indexOf('=');
    if (i === 0) throw new BerthError('InvalidArgument', `invalid argument "${a}" for "--build-arg" flag: no key`);
    if (i > 0) m.set(a.slice(0, i), a.slice(i + 1));
    else if (process.env[a] !== undefined) m.set(a, process.env[a] as string);
  }
  return m;
}

function pullPolicy(v: string | boolean | undefined): 'always' | 'missing' | 'never' {
  if (v === undefined || v === false || v === 'false') return 'missing';
  if (v === true || v === 'true' || v === 'always') return 'always';
  if (v === 'missing' || v === 'never') return v;
  throw new BerthError('InvalidArgument', `invalid pull option: "${String(v)}": must be one of "always", "missing" or "never"`);
}

/** docker's `--secret id=x,src=FILE` (`source=`, `type=file`; `id` defaults to the file's name). */
export function parseSecrets(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const kv = new Map(v.split(',').map((p) => [p.slice(0, p.indexOf('=') < 0 ? p.length : p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
    const src = kv.get('src') ?? kv.get('source');
    const type = kv.get('type') ?? 'file';
    if (type !== 'file') throw new BerthError('InvalidArgument', `--secret ${v}: only type=file secrets are supported`);
    if (!src) throw new BerthError('InvalidArgument', `--secret ${v}: src=FILE is required`);
    if (!fs.existsSync(src)) throw new BerthError('NotFound', `--secret ${v}: ${src}: no such file`);
    // a FIFO would block berth's one thread (and Ctrl-C with it) when the RUN step copies it
    if (!fs.statSync(src).isFile()) throw new BerthError('InvalidArgument', `--secret ${v}: ${src}: not a regular file`);
    out.set(kv.get('id') ?? path.basename(src), path.resolve(src));
  }
  return out;
}

/** `berth build`: an image from a Containerfile (or Dockerfile) and a context. */
export function registerBuild(parent: Command, ctx: CliContext, name = 'build'): void {
  const cmd = parent
    .command(name)
    .description('Build an image from a Containerfile or Dockerfile')
    .argument('<context>', 'a directory, a tar archive, or - (a tar archive or a Containerfile on stdin)')
    .option('-t, --tag <name>', 'name and optionally a tag (name:tag); repeatable', collect, [])
    .option('-f, --file <file>', 'the Containerfile (default CONTEXT/Containerfile, then CONTEXT/Dockerfile); - for stdin')
    .option('--build-arg <key=value>', 'set a build-time variable; repeatable', collect, [])
    .option('--target <stage>', 'build this stage and the stages it needs, not the last one')
    .option('--no-cache', 'do not use the layer cache')
    .option('--pull [policy]', 'pull the FROM images: always (alone), missing, never')
    .option('--label <key=value>', 'set a label on the image; repeatable', collect, [])
    .option('--secret <id=ID,src=FILE>', 'a secret file RUN --mount=type=secret can read; repeatable', collect, [])
    .option('--network <mode>', "network of RUN steps: bridge (default), host, none, or a network's name")
    .option('-q, --quiet', 'print only the image ID')
    .option('--iidfile <file>', 'write the image ID to the file')
    .option('-o, --output <dest>', "write the result's files instead of keeping an image: DIR, - (a tar on stdout), type=local|tar,dest=…")
    .option('--platform <os/arch>', 'platform of FROM scratch and of pulled images')
    .option('--rm', 'remove intermediate containers (always done)')
    .option('--force-rm', 'remove intermediate containers even on failure (always done)')
    .option('--add-host <host:ip>', 'add a custom host-to-IP mapping to RUN steps', collect, [])
    .option('--ulimit <name=soft[:hard]>', 'ulimit options of RUN steps', collect, [])
    .option('--shm-size <bytes>', 'size of /dev/shm in RUN steps')
    .option('--security-opt <opt>', 'security options of RUN steps', collect, [])
    .option('--cgroup-parent <path>', 'parent cgroup of RUN steps')
    .option('--isolation <technology>', 'container isolation technology (only "default" on Linux)')
    .option('--cache-from <image>', "images to consider as cache sources (berth's cache is its own store: warned and not used)", collect, [])
    .option('--compress', 'compress the build context (berth reads the context in place: nothing to send)')
    .option('--squash', 'squash newly built layers into a single new layer (refused: experimental in docker)');
  addResourceFlags(cmd).action(async (context: string, f: BuildFlags) => {
    const { openBuildContext, buildImage, BuildCancelledError } = await import('../../core/build/index.js');
    const { parseLabel } = await import('../../core/spec/parse/label.js');
    const { parsePlatform } = await import('../../core/images/platform.js');
    const { familiarString, parseReference } = await import('../../core/reference/reference.js');
    const labels: Record<string, string> = {};
    for (const l of f.label) {
      const [k, v] = parseLabel(l);
      labels[k] = v;
    }
    const { buildRunSettings } = await import('../run-spec.js');
    const runContainer = buildRunSettings(f);
    if (f.isolation !== undefined && f.isolation !== '' && f.isolation !== 'default') {
      throw new BerthError('InvalidArgument', `invalid isolation "${f.isolation}": Linux only supports "default"`);
    }
    if (f.squash)
      throw new BerthError(
        'InvalidArgument',
        '--squash is not supported: it is an experimental docker feature; a multi-stage build that COPYs into a fresh stage gives one layer',
      );
    if (f.cacheFrom.length > 0) warn(ctx.stderr, "WARNING: --cache-from is not used: berth's build cache is the steps it ran on this host\n");
    const buildArgs = parseBuildArgs(f.buildArg);
    const secrets = parseSecrets(f.secret);
    const pull = pullPolicy(f.pull);
    const platform = f.platform ? parsePlatform(f.platform) : undefined;

    const { parseBuildOutput, exportBuildOutput } = await import('../../core/build/export-output.js');
    const output = f.output !== undefined ? parseBuildOutput(f.output) : undefined;
    const engine = await ctx.engine();
    // Ctrl-C cancels the build; if it has not stopped 3 s later (or at a second Ctrl-C), berth
    // unmounts and removes what the build holds and dies of the signal
    const abort = new AbortController();
    const stopWatching = onInterrupt({ abort, graceMs: 3000 });
    const bctx = await openBuildContext({ context, ...(f.file !== undefined ? { file: f.file } : {}), stdin: ctx.stdin, tmpDir: engine.paths.tmp });
    // a tar on stdout leaves the progress to stderr, as BuildKit's
    const out = output?.dest === '-' ? ctx.stderr : ctx.stdout;
    const say = (s: string) => {
      if (!f.quiet) out.write(`${s}\n`);
    };
    const { Writable } = await import('node:stream');
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    try {
      const result = await buildImage(engine, {
        context: bctx,
        tags: f.tag,
        buildArgs,
        ...(f.target !== undefined ? { target: f.target } : {}),
        noCache: !f.cache,
        pull,
        labels,
        secrets,
        // RUN steps on the default bridge unless asked: host, none, or a network's name
        ...(f.network !== undefined ? { network: f.network === 'default' ? 'bridge' : f.network } : {}),
        ...(platform ? { platform } : {}),
        ...(Object.keys(runContainer).length > 0 ? { runContainer } : {}),
        stdout: f.quiet ? sink : out,
        stderr: f.quiet ? sink : ctx.stderr,
        signal: abort.signal,
        onEvent: (e) => {
          switch (e.type) {
            case 'step':
              return say(`STEP ${e.n}/${e.total}: ${e.text}`);
            case 'cache-hit':
              return say(`--> Using cache ${e.key.replace(/^sha256:/, '')}`);
            case 'triggers':
              return say(`--> Executing ${e.count} build trigger${e.count === 1 ? '' : 's'}`);
            case 'warning':
              return void ctx.stderr.write(`[Warning] ${e.message}\n`);
            case 'commit':
              return say(`COMMIT${e.tags.length ? ` ${e.tags.map((t) => familiarString(parseReference(t))).join(', ')}` : ''}`);
            case 'done':
              say(`--> ${e.imageId.slice('sha256:'.length, 'sha256:'.length + 12)}`);
              // docker's classic builder's last lines, which scripts grep for
              say(`Successfully built ${e.imageId.slice('sha256:'.length, 'sha256:'.length + 12)}`);
              for (const t of e.tags) say(`Successfully tagged ${familiarString(parseReference(t))}`);
              return;
          }
        },
      });
      if (f.iidfile) fs.writeFileSync(f.iidfile, result.imageId);
      if (output) {
        await exportBuildOutput(engine, result.imageId, output, ctx.stdout);
        // the files were the result: an image nobody named is not kept (docker keeps none)
        if (result.tags.length === 0 && (engine.images.byId(result.imageId)?.tags.length ?? 0) === 0) {
          try {
            engine.images.remove(result.imageId);
          } catch {
            /* in use by something else: leave it */
          }
        }
        return;
      }
      out.write(`${result.imageId}\n`);
    } catch (e) {
      let cancelled = false;
      for (let c: unknown = e; c instanceof Error; c = c.cause) if (c instanceof BuildCancelledError) cancelled = true;
      if (cancelled) {
        ctx.stderr.write('Error: build cancelled\n');
        ctx.setExitCode(abort.signal.reason === 'SIGTERM' ? 143 : 130);
        return;
      }
      throw e;
    } finally {
      stopWatching();
      bctx.cleanup();
    }
  });
}
