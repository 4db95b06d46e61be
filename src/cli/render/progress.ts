import { humanSizeWithPrecision } from '../../core/format/units.js';
import { layerText, headline, type ProgressSink } from '../../core/registry/progress.js';

const BAR_WIDTH = 50;

/** docker's progress bar (jsonmessage.go): `[=====>      ]  1.2MB/3.4MB`. */
export function progressBar(current: number, total: number): string {
  const size = (n: number) => humanSizeWithPrecision(n, 3);
  if (total <= 0) return size(current);
  const n = current <= total ? Math.floor((BAR_WIDTH * current) / total) : 0;
  const box = n > 0 ? `[${'='.repeat(n)}>${' '.repeat(BAR_WIDTH - n)}] ` : '';
  return `${box} ${size(current)}/${size(total)}`;
}

export interface ProgressOptions {
  quiet?: boolean | undefined;
  /** redraw a line per layer; defaults to whether out is a terminal */
  tty?: boolean | undefined;
  /** where "Unable to find image 'x' locally" goes (docker: stderr) */
  err?: NodeJS.WritableStream | undefined;
}

/**
 * Render pull/push events as docker does: on a terminal one line per layer, redrawn in place
 * with a bar while bytes move; otherwise one plain line per state change (no byte counts);
 * nothing at all with quiet.
 */
export function progressRenderer(out: NodeJS.WritableStream, opts: ProgressOptions = {}): ProgressSink {
  const tty = opts.tty ?? Boolean((out as NodeJS.WriteStream).isTTY);
  const order: string[] = [];
  const last = new Map<string, string>();
  let pushing = false;
  const write = (s: string) => out.write(s);
  return (e) => {
    if (e.type === 'not-found-locally') {
      (opts.err ?? out).write(`Unable to find image '${e.name}' locally\n`);
      return;
    }
    if (e.type === 'push-start') pushing = true;
    if (opts.quiet) return;
    if (e.type !== 'layer') {
      const line = headline(e);
      if (line !== undefined) {
        write(`${line}\n`);
        if (tty) order.push(''); // keeps the distance to layer lines right
      }
      return;
    }
    const id = e.digest.replace(/^sha256:/, '').slice(0, 12);
    const moving = e.status === 'downloading' || e.status === 'pushing';
    let text = `${id}: ${layerText(e.status, pushing, e.from)}`;
    if (!tty) {
      if (moving) return;
      if (last.get(id) === text) return;
      last.set(id, text);
      write(`${text}\n`);
      return;
    }
    if (moving && e.current !== undefined && e.total !== undefined) text += ` ${progressBar(e.current, e.total)}`;
    const idx = order.indexOf(id);
    if (idx < 0) {
      order.push(id);
      write(`${text}\n`);
      return;
    }
    const up = order.length - idx;
    write(`\x1b[${up}A\r\x1b[2K${text}\n${up > 1 ? `\x1b[${up - 1}B` : ''}`);
  };
}
