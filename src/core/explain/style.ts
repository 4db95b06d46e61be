/**
 * Colour and column alignment for the text output. Colour only on a terminal (and never with
 * NO_COLOR set): green marks what is isolated or limited, yellow what is shared with the host or
 * unlimited.
 */
export interface Style {
  heading(s: string): string;
  isolated(s: string): string;
  shared(s: string): string;
  dim(s: string): string;
}

const esc = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;

export const COLOUR: Style = { heading: esc('1'), isolated: esc('32'), shared: esc('33'), dim: esc('2') };
export const PLAIN: Style = { heading: (s) => s, isolated: (s) => s, shared: (s) => s, dim: (s) => s };

/** The style for a stream: colour on a TTY unless NO_COLOR is set. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && env['NO_COLOR'] === undefined ? COLOUR : PLAIN;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Width of text as shown (colour codes take no room). */
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/**
 * Rows of cells as lines with aligned columns (two spaces apart, the last column unpadded),
 * each prefixed with indent.
 *
 * @example alignRows([['pid', '4026532180'], ['net', '4026531840']], '  ')
 */
export function alignRows(rows: ReadonlyArray<readonly string[]>, indent = ''): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(c))));
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visibleLength(c) + 2)))
          .join('')
          .trimEnd() +
        '\n',
    )
    .join('');
}
