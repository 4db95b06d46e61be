import { registerBuild } from './build.js';
import { checkPlatform } from '../platform-check.js';
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import { holdTeardown } from '../../core/host/teardown.js';
import type { CliContext } from '../context.js';
import { collect, collectFilter } from '../options.js';
import { registerInspect } from './inspect.js';
import { registerPull } from './pull.js';
import { registerPush } from './push.js';

const IMAGES_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const IMAGES_HEADERS = {
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  ID: 'IMAGE ID',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'VIRTUAL SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

/** A function that tells image removal which containers use an image. */
async function usedBy(ctx: CliContext) {
  const engine = await ctx.engine();
  return (imageId: string) => engine.containers.usersOf(imageId);
}

function registerImagesList(parent: Command, ctx: CliContext, name: string, aliases: string[] = []): void {
  parent
    .command(name)
    .aliases(aliases)
    .description('List images')
    .argument('[repository]', 'only images of this repository[:tag]')
    .option('-a, --all', 'show all images (default hides intermediate images)')
    .option('-q, --quiet', 'only show image IDs')
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate output")
    .option('-f, --filter <filter>', 'filter output based on conditions provided (dangling, label, reference, before, since)', collectFilter, [])
    .option('--format <format>', 'format output using a Go template, "table" or "json"')
    .action(async (repo: string | undefined, f: { quiet?: boolean; digests?: boolean; trunc: boolean; filter: string[]; format?: string }) => {
      const { imageRows } = await import('../../core/images/image-rows.js');
      const { formatRows } = await import('../../core/format/index.js');
      const engine = await ctx.engine();
      const rows = imageRows(engine, { repository: repo, filters: f.filter, noTrunc: !f.trunc });
      // docker's quiet format is {{.ID}} per row: an image with two tags is listed twice; a
      // custom --format wins over -q
      if (f.quiet && (!f.format || f.format === 'table')) {
        for (const r of rows) ctx.stdout.write(`${r.ID}\n`);
        return;
      }
      const table = f.digests ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}' : IMAGES_TABLE;
      ctx.stdout.write(formatRows({ format: f.format, defaultTable: table, rows, headers: IMAGES_HEADERS }));
    });
}

export function registerImages(program: Command, ctx: CliContext): void {
  registerImagesList(program, ctx, 'images');
}

function registerImportCmd(parent: Command, ctx: CliContext): void {
  parent
    .command('import')
    .description('Import the contents from a tarball to create a filesystem image')
    .argument('<file>', 'a tar archive (.tar, .tar.gz, .tar.zst) of a root filesystem, an http(s) URL of one, or - for stdin')
    .argument('[reference]', 'REPOSITORY[:TAG]')
    .option('-c, --change <instruction>', 'apply Dockerfile instruction to the created image', collect, [])
    .option('-m, --message <message>', 'set commit message for imported image')
    .option('--platform <platform>', 'set platform if server is multi-platform capable')
    .action(async (file: string, ref: string | undefined, f: { change: string[]; message?: string; platform?: string }) => {
      const { importRootfs } = await import('../../core/images/import.js');
      const { parsePlatform } = await import('../../core/images/platform.js');
      const url = /^https?:\/\//i.test(file);
      if (file !== '-' && !url && !fs.existsSync(file)) throw new BerthError('NotFound', `open ${file}: no such file or directory`);
      const engine = await ctx.engine();
      // docker's `import URL`: the archive is downloaded (http or https) and imported as a file is
      const src = file === '-' ? ctx.stdin : url ? await download(file) : fs.createReadStream(file);
      const id = await importRootfs(engine.images, src, {
        ...(ref ? { tag: ref } : {}),
        changes: f.change,
        ...(f.message ? { message: f.message } : {}),
        ...(f.platform ? { platform: parsePlatform(f.platform) } : {}),
        source: file,
      });
      engine.images.onEvent?.('import', id, {});
      ctx.stdout.write(`${id}\n`);
    });
}

async function download(url: string): Promise<import('node:stream').Readable> {
  const { Readable } = await import('node:stream');
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    throw new BerthError('Unavailable', `Get "${url}": ${e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e)}`);
  }
  if (!res.ok || !res.body) throw new BerthError('NotFound', `Get "${url}": ${res.status} ${res.statusText}`.trim());
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

export function registerImport(program: Command, ctx: CliContext): void {
  registerImportCmd(program, ctx);
}

function registerLoadCmd(parent: Command, ctx: CliContext): void {
  parent
    .command('load')
    .description('Load an image from a tar archive (docker-archive or OCI archive) or STDIN')
    .option('-i, --input <file>', 'read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'suppress the progress output (berth shows none; "Loaded image:" is printed, as docker does)')
    .option('--platform <os/arch[/variant]>', "the platform to load from a multi-platform archive (default: this host's)")
    .action(async (f: { input?: string; platform?: string }) => {
      const { loadArchive, loadOciLayoutDir } = await import('../../core/images/archive-load.js');
      const { parsePlatform } = await import('../../core/images/platform.js');
      const opts = f.platform ? { platform: parsePlatform(f.platform) } : {};
      if (f.input && !fs.existsSync(f.input)) throw new BerthError('NotFound', `open ${f.input}: no such file or directory`);
      if (!f.input && ctx.stdin.isTTY) throw new BerthError('InvalidArgument', 'requested load from stdin, but stdin is empty');
      const engine = await ctx.engine();
      // an OCI image layout directory (skopeo's oci:DIR, `save --format oci-dir`) loads as well as a tar
      const r =
        f.input && fs.statSync(f.input).isDirectory()
          ? await loadOciLayoutDir(engine.images, f.input, opts)
          : await loadArchive(engine.images, f.input ?? ctx.stdin, opts);
      // docker's -q hides the layers' progress, never the result: "Loaded image: NAME" is printed
      for (const l of r.loaded) ctx.stdout.write(`${l}\n`);
    });
}

export function registerLoad(program: Command, ctx: CliContext): void {
  registerLoadCmd(program, ctx);
}

function registerSaveCmd(parent: Command, ctx: CliContext): void {
  parent
    .command('save')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('<images...>')
    .option('-o, --output <file>', 'write to a file, instead of STDOUT')
    .option('--format <format>', 'docker-archive (default), oci-archive, or oci-dir (an OCI layout directory, needs -o)', 'docker-archive')
    .option('--platform <os/arch[/variant]>', 'save the images only if they are for this platform (berth stores one per image)')
    .action(async (refs: string[], f: { output?: string; format: string; platform?: string }) => {
      const { saveImages, saveOciDir } = await import('../../core/images/archive-save.js');
      await checkPlatform(await ctx.engine(), refs, f.platform);
      if (f.format !== 'docker-archive' && f.format !== 'oci-archive' && f.format !== 'oci-dir') {
        throw new BerthError('InvalidArgument', `unsupported format "${f.format}": use docker-archive, oci-archive or oci-dir`);
      }
      if (f.format === 'oci-dir') {
        if (!f.output) throw new BerthError('InvalidArgument', 'oci-dir needs -o DIR');
        const engine = await ctx.engine();
        for (const r of refs) engine.images.resolve(r);
        await saveOciDir(engine.images, refs, f.output);
        return;
      }
      const format = f.format;
      if (!f.output && ctx.stdout.isTTY) throw new BerthError('InvalidArgument', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
      const engine = await ctx.engine();
      for (const r of refs) engine.images.resolve(r);
      if (f.output) {
        const tmp = `${f.output}.berth-tmp-${process.pid}`;
        // removed on failure, and when the save is interrupted
        const release = holdTeardown(() => fs.rmSync(tmp, { force: true }));
        const out = fs.createWriteStream(tmp);
        try {
          await saveImages(engine.images, refs, out, format);
          await new Promise<void>((res, rej) => out.close((e) => (e ? rej(e) : res())));
          fs.renameSync(tmp, f.output);
        } catch (e) {
          fs.rmSync(tmp, { force: true });
          throw e;
        } finally {
          release();
        }
      } else {
        await saveImages(engine.images, refs, ctx.stdout, format);
      }
      for (const r of refs) engine.images.onEvent?.('save', engine.images.resolve(r).id, { name: r });
    });
}

export function registerSave(program: Command, ctx: CliContext): void {
  registerSaveCmd(program, ctx);
}

function registerTagCmd(parent: Command, ctx: CliContext): void {
  parent
    .command('tag')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>')
    .argument('<target>')
    .action(async (source: string, target: string) => {
      const engine = await ctx.engine();
      engine.images.tag(source, target);
    });
}

export function registerTag(program: Command, ctx: CliContext): void {
  registerTagCmd(program, ctx);
}

function registerRmiCmd(parent: Command, ctx: CliContext, name: string, aliases: string[] = []): void {
  parent
    .command(name)
    .aliases(aliases)
    .description('Remove one or more images')
    .argument('<images...>')
    .option('-f, --force', 'force removal of the image')
    // docker deletes an image's untagged parent images unless --no-prune; berth stores no parent
    // images (pulled, loaded and built images have none, as with BuildKit), so there are none to keep
    .option('--no-prune', 'do not delete untagged parents (berth stores no parent images: nothing to keep)')
    .option('--platform <os/arch[/variant]>', 'remove the images only if they are for this platform (berth stores one per image)')
    .action(async (refs: string[], f: { force?: boolean; platform?: string }) => {
      const engine = await ctx.engine();
      await checkPlatform(engine, refs, f.platform);
      const isUsedBy = await usedBy(ctx);
      const { familiarString } = await import('../../core/reference/reference.js');
      let failed = false;
      for (const r of refs) {
        try {
          const res = engine.images.remove(r, { force: !!f.force, usedBy: isUsedBy });
          for (const u of res.untagged) ctx.stdout.write(`Untagged: ${safeFamiliar(familiarString, u)}\n`);
          for (const d of res.deleted) ctx.stdout.write(`Deleted: ${d}\n`);
        } catch (e) {
          // docker's rmi -f reports a missing image and goes on without failing
          if (!(f.force && e instanceof BerthError && e.kind === 'NotFound')) failed = true;
          ctx.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
        }
      }
      if (failed) ctx.setExitCode(1);
    });
}

function safeFamiliar(fn: (s: string) => string, s: string): string {
  try {
    return fn(s);
  } catch {
    return s;
  }
}

export function registerRmi(program: Command, ctx: CliContext): void {
  registerRmiCmd(program, ctx, 'rmi');
}

function registerHistoryCmd(parent: Command, ctx: CliContext): void {
  parent
    .command('history')
    .description('Show the history of an image')
    .argument('<image>')
    .option('-H, --human', 'print sizes and dates in human readable format (-H=false: bytes and RFC 3339 dates)', true)
    .addOption(new Option('--no-human', 'print sizes in bytes and dates in RFC 3339').hideHelp())
    .option('--no-trunc', "don't truncate output")
    .option('-q, --quiet', 'only show image IDs')
    .option('--format <format>', 'format output using a Go template')
    .option('--platform <os/arch[/variant]>', 'show the history only if the image is for this platform (berth stores one per image)')
    .action(async (ref: string, f: { human: boolean; trunc: boolean; quiet?: boolean; format?: string; platform?: string }) => {
      const { formatRows, humanSizeWithPrecision, createdAgo, rfc3339Local } = await import('../../core/format/index.js');
      const engine = await ctx.engine();
      await checkPlatform(engine, [ref], f.platform);
      const img = engine.images.resolve(ref);
      const items = engine.images.history(img.id);
      if (f.quiet) {
        for (const h of items as Array<{ Id: string }>)
          ctx.stdout.write(`${f.trunc && h.Id !== '<missing>' ? h.Id.replace('sha256:', '').slice(0, 12) : h.Id}\n`);
        return;
      }
      const now = new Date();
      const rows = items.map((h) => ({
        ID: f.trunc && h.Id !== '<missing>' ? h.Id.replace('sha256:', '').slice(0, 12) : h.Id,
        // docker's history: -H=false shows the RFC 3339 date and the size in bytes
        CreatedSince: !h.Created ? 'N/A' : f.human ? createdAgo(new Date(h.Created * 1000), now) : rfc3339Local(new Date(h.Created * 1000)),
        CreatedAt: h.Created ? rfc3339Local(new Date(h.Created * 1000)) : '',
        CreatedBy: f.trunc && h.CreatedBy.length > 45 ? `${h.CreatedBy.slice(0, 44)}…` : h.CreatedBy,
        Size: f.human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size),
        Comment: h.Comment,
      }));
      ctx.stdout.write(
        formatRows({
          format: f.format,
          defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
          rows,
          headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
        }),
      );
    });
}

export function registerHistory(program: Command, ctx: CliContext): void {
  registerHistoryCmd(program, ctx);
}

function registerImagePrune(parent: Command, ctx: CliContext): void {
  parent
    .command('prune')
    .description('Remove unused images')
    .option('-a, --all', 'remove all unused images, not just dangling ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'provide filter values (until=<timestamp>, label=<key>[=<value>], label!=…)', collectFilter, [])
    .action(async (f: { all?: boolean; filter: string[]; force?: boolean }) => {
      const { humanSize } = await import('../../core/format/index.js');
      const { pruneFilters } = await import('../prune-filters.js');
      const { confirm, PRUNE_WARNINGS } = await import('../confirm.js');
      const filters = await pruneFilters(f.filter);
      if (!f.force && !(await confirm(ctx, f.all ? PRUNE_WARNINGS.allImages : PRUNE_WARNINGS.danglingImages))) return;
      const engine = await ctx.engine();
      const isUsedBy = await usedBy(ctx);
      const r = engine.images.prune({
        all: !!f.all,
        usedBy: isUsedBy,
        liveChainIds: engine.containers.liveChainIds(),
        filters,
        labelsOf: (id: string) => engine.images.config(id).config?.Labels ?? {},
      });
      if (r.untagged.length || r.deleted.length) {
        ctx.stdout.write('Deleted Images:\n');
        for (const u of r.untagged) ctx.stdout.write(`untagged: ${u}\n`);
        for (const d of r.deleted) ctx.stdout.write(`deleted: ${d}\n`);
        ctx.stdout.write('\n');
      }
      ctx.stdout.write(`Total reclaimed space: ${humanSize(r.spaceReclaimed)}\n`);
    });
}

/** `berth image ls|rm|inspect|tag|history|import|load|save|prune`. */
export function registerImageGroup(program: Command, ctx: CliContext): void {
  const g = program.command('image').description('Manage images');
  registerImagesList(g, ctx, 'ls', ['list']);
  registerRmiCmd(g, ctx, 'rm', ['remove']);
  registerInspect(g, ctx, 'inspect', 'image');
  registerTagCmd(g, ctx);
  registerHistoryCmd(g, ctx);
  registerImportCmd(g, ctx);
  registerLoadCmd(g, ctx);
  registerSaveCmd(g, ctx);
  registerImagePrune(g, ctx);
  registerPull(g, ctx);
  registerPush(g, ctx);
  registerBuild(g, ctx);
}
