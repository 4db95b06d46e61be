import { writeConfigAndManifest } from './write-manifest.js';
import type { EngineContext } from '../engine-context.js';
import { hostPlatform } from '../images/platform.js';
import { normalize } from '../reference/reference.js';
import { platformArgs } from './build-args.js';
import { BuildCache, FileDigestMemo } from './build-cache.js';
import type { BuildOptions, BuildResult } from './build-options.js';
import { parseContainerfile } from './parser.js';
import { ShellLex } from './shell-lex.js';
import { planStages } from './stage-plan.js';
import { runStage, type BuildSession } from './stage-runner.js';

/**
 * `berth build`: parse the Containerfile, run the stages the target needs (RUN in real
 * containers, COPY/ADD straight into layers, each step looked up in the build cache first), and
 * commit the target stage as an image with the given tags. Tags move only once the whole build
 * succeeded; a failed build tags nothing and leaves no container behind.
 *
 * @example
 * const ctxt = await openBuildContext({ context: '.', stdin: process.stdin, tmpDir: engine.paths.tmp });
 * const { imageId } = await buildImage(engine, { context: ctxt, tags: ['app'], stdout, stderr });
 */
export async function buildImage(ctx: EngineContext, opts: BuildOptions): Promise<BuildResult> {
  const tags = (opts.tags ?? []).map((t) => normalize(t)); // bad tags fail before any step runs
  const cf = parseContainerfile(opts.context.containerfile.text, opts.context.containerfile.name);
  const platform = opts.platform ?? hostPlatform();
  const buildArgs = opts.buildArgs ?? new Map<string, string>();
  const globals = new Map<string, string | undefined>(platformArgs(platform, hostPlatform()));
  const consumed = new Set<string>([...globals.keys()]);
  // global ARGs: visible to FROM lines, and to stages that re-declare them
  const firstFrom = cf.instructions.findIndex((x) => x.kind === 'FROM');
  for (const ins of cf.instructions.slice(0, firstFrom < 0 ? undefined : firstFrom)) {
    if (ins.kind !== 'ARG') continue;
    const lex = new ShellLex(cf.escape, (n) => globals.get(n));
    for (const a of ins.args) {
      consumed.add(a.name);
      globals.set(a.name, buildArgs.get(a.name) ?? (a.value === undefined ? undefined : lex.word(a.value)));
    }
  }
  const plan = planStages(cf, opts.target, (n) => globals.get(n));
  const total = plan.needed.reduce((sum, i) => sum + 1 + (plan.stages[i]?.body.length ?? 0), 0);
  const session: BuildSession = {
    ctx,
    opts,
    cf,
    plan,
    cache: new BuildCache(ctx.db, ctx.content, ctx.layers),
    fileDigests: new FileDigestMemo(ctx.db),
    globals,
    buildArgs,
    consumed,
    done: new Map(),
    counter: { n: 0, total },
    platform,
  };
  for (const i of plan.needed) {
    const stage = plan.stages[i];
    if (stage) session.done.set(i, await runStage(session, stage));
  }
  const unused = [...buildArgs.keys()].filter((k) => !consumed.has(k));
  if (unused.length > 0) opts.onEvent?.({ type: 'warning', message: `one or more build-args [${unused.join(' ')}] were not consumed` });

  const final = session.done.get(plan.target);
  if (!final) throw new Error('target stage was not built');
  const config = final.state.config;
  if (opts.labels && Object.keys(opts.labels).length > 0) {
    const rc = (config.config ??= {});
    rc.Labels = { ...rc.Labels, ...opts.labels };
  }
  opts.onEvent?.({ type: 'commit', tags });
  const { configBytes, manifest } = await writeConfigAndManifest(ctx, config, final.state.layers);
  const { record } = await ctx.images.commitImage({ manifest, config: configBytes, tags });
  opts.onEvent?.({ type: 'done', imageId: record.id, tags });
  return { imageId: record.id, tags };
}
