/**
 * Go's text/tabwriter (elastic tabstops) as docker's fork uses it for tables: cells end at a tab,
 * tab-terminated cells in consecutive lines form a column padded to its widest cell; a line
 * without tabs ends the block of lines that share columns. Widths are terminal columns.
 */
import { stringWidth } from './display-width.js';

export interface TabwriterOptions {
  /** minimal cell width including padding */
  minWidth: number;
  /** padding added to a cell's width */
  padding: number;
  padChar: string;
  alignRight?: boolean;
}

/** docker's tables: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const DOCKER_TABWRITER: TabwriterOptions = { minWidth: 10, padding: 3, padChar: ' ' };

interface Cell {
  text: string;
  width: number;
  htab: boolean;
}

class Formatter {
  private widths: number[] = [];
  out = '';

  constructor(
    private readonly lines: Cell[][],
    private readonly trailing: string,
    private readonly opts: TabwriterOptions,
  ) {}

  private pad(textWidth: number, cellWidth: number): void {
    if (cellWidth > textWidth) this.out += this.opts.padChar.repeat(cellWidth - textWidth);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i] as Cell[];
      line.forEach((c, j) => {
        const colWidth = this.widths[j];
        if (c.text === '') {
          if (colWidth !== undefined) this.pad(c.width, colWidth);
        } else if (this.opts.alignRight) {
          if (colWidth !== undefined) this.pad(c.width, colWidth);
          this.out += c.text;
        } else {
          this.out += c.text;
          if (colWidth !== undefined) this.pad(c.width, colWidth);
        }
      });
      if (i + 1 === this.lines.length) this.out += this.trailing;
      else this.out += '\n';
    }
  }

  format(line0In: number, line1: number): void {
    let line0 = line0In;
    const column = this.widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= (this.lines[row] as Cell[]).length - 1) continue;
      // a block of consecutive lines having a cell in this column starts here
      this.writeLines(line0, row);
      line0 = row;
      let width = this.opts.minWidth;
      for (; row < line1; row++) {
        const line = this.lines[row] as Cell[];
        if (column >= line.length - 1) break;
        width = Math.max(width, (line[column] as Cell).width + this.opts.padding);
      }
      this.widths.push(width);
      this.format(line0, row);
      this.widths.pop();
      line0 = row;
    }
    this.writeLines(line0, line1);
  }
}

/**
 * Aligns tab-separated text the way Go's tabwriter does with the given settings.
 *
 * @example
 * tabwrite('ID\tNAME\n1\tweb\n', DOCKER_TABWRITER) // "ID        NAME\n1         web\n"
 */
export function tabwrite(text: string, opts: TabwriterOptions = DOCKER_TABWRITER): string {
  let out = '';
  let lines: Cell[][] = [[]];
  let cell = '';
  const flush = (trailing: string): void => {
    const f = new Formatter(lines, trailing, opts);
    f.format(0, lines.length);
    out += f.out;
    lines = [[]];
  };
  const terminateCell = (htab: boolean): number => {
    const line = lines[lines.length - 1] as Cell[];
    line.push({ text: cell, width: stringWidth(cell), htab });
    cell = '';
    return line.length;
  };
  // from one separator to the next (a cell is the text between them)
  const separators = /[\t\v\n\f]/g;
  let from = 0;
  for (let m = separators.exec(text); m !== null; m = separators.exec(text)) {
    const ch = m[0];
    cell += text.slice(from, m.index);
    from = m.index + 1;
    const ncells = terminateCell(ch === '\t');
    if (ch === '\n' || ch === '\f') {
      lines.push([]);
      // a line of one cell cannot affect later columns: Go flushes here
      if (ch === '\f' || ncells === 1) flush('');
    }
  }
  cell += text.slice(from);
  if (cell !== '') terminateCell(false);
  flush('');
  return out;
}
