import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BerthError, errorMessage } from '../errors/berth-error.js';
import type { StepLayer } from './build-cache.js';
import { resolveBaseImage } from './base-image.js';
import { copyInputsDigest, packCopy } from './copy-pack.js';
import { planCopy, type CopySourceRoot } from './copy-plan.js';
import { topChainId, type ImageState } from './image-state.js';
import type { Instruction } from './instructions.js';
import { withRootfsView } from './rootfs-view.js';
import type { ShellLex } from './shell-lex.js';
import type { BuildSession } from './stage-runner.js';
import { stageRef } from './stage-plan.js';
import { storeLayer } from './store-layer.js';
import { BuildCancelledError } from './run-step.js';
import { holdTeardown } from '../host/teardown.js';
import { makeOwnedTempDir } from '../host/owned-temp.js';

export interface CopyStepInput {
  ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>;
  state: ImageState;
  lex: ShellLex;
  step: (inputs: unknown, createdBy: string, produce: () => Promise<StepLayer>) => Promise<void>;
}

const URL_RE = /^https?:\/\//i;

/**
 * COPY and ADD: expand the words, find the source root (the context, or the root filesystem of
 * a stage or image for --from), plan the entries, and make a layer of them unless the cache
 * has one for the same inputs (content digests, not modification times).
 */
export async function copyStep(s: BuildSession, c: CopyStepInput): Promise<void> {
  const { ins, lex } = c;
  const sources = ins.sources.map((w) => (/^<</.test(w) ? w : lex.word(w)));
  const dest = lex.word(ins.dest);
  const flag = (n: string) => (ins.flags[n] === undefined ? undefined : lex.word(ins.flags[n] as string));
  const inline = new Map(ins.heredocs.map((h) => [h.name, h.expand ? lex.vars(h.content) : h.content]));
  if (ins.flags['checksum'] !== undefined || ins.flags['keep-git-dir'] !== undefined) {
    throw new BerthError('NotImplemented', `ADD --checksum and --keep-git-dir are not supported`);
  }
  const urls = sources.filter((w) => URL_RE.test(w) || /^git@|\.git(#.*)?$/.test(w));
  if (urls.length > 0 && ins.kind === 'COPY') throw new BerthError('InvalidArgument', `source can't be a URL for COPY: "${urls[0]}"`);
  const fromRef = flag('from');
  const tmp = makeOwnedTempDir(s.ctx.paths.tmp, 'build-add-');
  const release = holdTeardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    const downloads = new Map<string, { path: string; name: string; mtime: Date }>();
    for (const [i, u] of urls.entries()) downloads.set(u, await download(u, path.join(tmp, String(i)), s.opts.signal));
    const withSource = async <T>(fn: (from: CopySourceRoot) => Promise<T>): Promise<T> => {
      if (fromRef === undefined) return fn({ root: s.opts.context.dir, ignore: s.opts.context.ignore, keepOwners: false, label: 'build context' });
      const idx = stageRef(s.plan.stages, fromRef, stageIndexOf(s, c));
      if (idx !== undefined) {
        const done = s.done.get(idx);
        if (!done) throw new BerthError('Internal', `stage ${idx} was not built`);
        return withRootfsView(s.ctx, done.state.chainIds, (root) => fn({ root, keepOwners: true, label: `stage "${fromRef}"` }));
      }
      const rec = await resolveBaseImage(s.ctx, fromRef, { pull: s.opts.pull ?? 'missing' }).catch((e: unknown) => {
        throw new BerthError('NotFound', `--from=${fromRef}: no build stage or image of that name: ${errorMessage(e)}`, { cause: e });
      });
      return withRootfsView(s.ctx, rec.chainIds, (root) => fn({ root, keepOwners: true, label: `image "${fromRef}"` }));
    };
    await withSource((from) =>
      withRootfsView(s.ctx, c.state.chainIds, async (target) => {
        const entries = planCopy({
          kind: ins.kind,
          sources,
          inline,
          downloads,
          dest,
          workingDir: c.state.config.config?.WorkingDir ?? '/',
          ...(flag('chown') !== undefined ? { chown: flag('chown') as string } : {}),
          ...(flag('chmod') !== undefined ? { chmod: flag('chmod') as string } : {}),
          from,
          target,
        });
        // only a context directory's files are worth remembering: stage views and unpacked tar
        // contexts are new directories every time
        const memo = fromRef === undefined && s.opts.context.persistent ? s.fileDigests : undefined;
        const digest = await copyInputsDigest(entries, memo);
        const shown = [...(fromRef !== undefined ? [`--from=${fromRef}`] : []), ...sources, dest].join(' ');
        await c.step({ digest }, `${ins.kind} ${shown}`, () => storeLayer(s.ctx, topChainId(c.state), packCopy(entries)));
      }),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    release();
  }
}

/** The index of the stage this COPY belongs to (for resolving numeric --from). */
function stageIndexOf(s: BuildSession, c: CopyStepInput): number {
  for (const st of s.plan.stages) if (st.body.includes(c.ins)) return st.index;
  return s.plan.stages.length;
}

/**
 * ADD <url>: fetch into a temp file (mode 0600 and the Last-Modified time, as docker sets them).
 * Without a network the build stops here with a message that says so.
 */
async function download(url: string, file: string, signal?: AbortSignal): Promise<{ path: string; name: string; mtime: Date }> {
  if (!URL_RE.test(url)) throw new BerthError('NotImplemented', `ADD of a git repository is not supported: "${url}"`);
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(120_000);
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'follow' });
  } catch (e) {
    if (signal?.aborted) throw new BuildCancelledError();
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : errorMessage(e);
    throw new BerthError('Unavailable', `ADD ${url}: cannot download: ${cause}`, {
      cause: e,
      hint: 'the machine may be offline: download the file into the build context and COPY it instead',
    });
  }
  if (!res.ok || !res.body) throw new BerthError('Unavailable', `ADD ${url}: cannot download: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), fs.createWriteStream(file, { mode: 0o600 })).catch((e: unknown) => {
    throw signal?.aborted ? new BuildCancelledError() : e;
  });
  const lm = res.headers.get('last-modified');
  const mtime = lm ? new Date(lm) : new Date();
  const name = path.posix.basename(new URL(url).pathname) || 'index.html';
  return { path: file, name, mtime: Number.isNaN(mtime.getTime()) ? new Date() : mtime };
}
