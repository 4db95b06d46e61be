import type { CliContext } from './context.js';

/**
 * docker's prompt.Confirm: `MESSAGE [y/N] ` on stdout, then one line of stdin; only "y" (any case,
 * spaces around) is a yes. An empty or closed stdin is a no.
 */
export async function confirm(ctx: CliContext, message: string): Promise<boolean> {
  ctx.stdout.write(`${message} [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    const done = () => {
      ctx.stdin.off('data', onData);
      ctx.stdin.off('end', done);
      ctx.stdin.off('error', done);
      ctx.stdin.pause();
      resolve(buf.split('\n')[0] ?? '');
    };
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    ctx.stdin.on('data', onData);
    ctx.stdin.once('end', done);
    ctx.stdin.once('error', done);
    ctx.stdin.resume();
  });
  return line.trim().toLowerCase() === 'y';
}

/** The prompts of docker's prune commands (`-f` skips them); a no cancels without output, exit 0. */
export const PRUNE_WARNINGS = {
  container: 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?',
  danglingImages: 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?',
  allImages: 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?',
  anonymousVolumes: 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?',
  allVolumes: 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?',
  network: 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?',
  danglingBuildCache: 'WARNING! This will remove all dangling build cache. Are you sure you want to continue?',
  allBuildCache: 'WARNING! This will remove all build cache. Are you sure you want to continue?',
} as const;

/** docker's `system prune` prompt: what goes, and the filters that choose it. */
export function systemPruneWarning(opts: { all: boolean; volumes: boolean; filters: readonly string[] }): string {
  const items = [
    'all stopped containers',
    'all networks not used by at least one container',
    ...(opts.volumes ? ['all anonymous volumes not used by at least one container'] : []),
    opts.all ? 'all images without at least one container associated to them' : 'all dangling images',
    opts.all ? 'all build cache' : 'unused build cache',
  ];
  const shown = opts.filters.filter((f) => /^(label|label!|until)=/.test(f)).sort();
  const filtered = shown.length ? `\n  Items to be pruned will be filtered with:${shown.map((f) => `\n  - ${f}`).join('')}\n` : '';
  return `WARNING! This will remove:${items.map((i) => `\n  - ${i}`).join('')}\n${filtered}\nAre you sure you want to continue?`;
}
