/**
 * docker's `--format` handling for list commands (cli/command/formatter/formatter.go): `table`
 * templates get a header row rendered from the same template and columns aligned by tabwriter;
 * `json` prints each row as one JSON line; any other template prints one line per row.
 */
import { BerthError } from '../errors/index.js';
import { DOCKER_HEADER_FUNCTIONS } from './go-template/docker-funcs.js';
import type { FunctionMap } from './go-template/functions.js';
import { goStruct } from './go-template/go-values.js';
import { parseGoTemplate, type GoTemplate } from './go-template/template.js';
import { DOCKER_TABWRITER, tabwrite, type TabwriterOptions } from './tabwriter.js';

export interface FormatRowsOptions {
  /** the user's --format; undefined, "" and "table" mean `defaultTable` */
  format: string | undefined;
  /** e.g. "table {{.ID}}\t{{.Image}}\t{{.Names}}" */
  defaultTable: string;
  rows: readonly object[];
  /** column header per field, e.g. { ID: 'CONTAINER ID', Names: 'NAMES' } */
  headers: Readonly<Record<string, string>>;
  /** -q: print `quietFormat` per row, whatever the format */
  quiet?: boolean;
  /** defaults to "{{.ID}}" */
  quietFormat?: string;
  /**
   * Go type name of a row, for errors on unknown fields (docker ps says
   * `can't evaluate field Foo in type *formatter.ContainerContext`); defaults to "row"
   */
  rowType?: string;
  /** extra template functions */
  functions?: FunctionMap;
}

const TABLE_KEY = 'table';
const JSON_KEY = 'json';

/** Chooses the template docker would run for these flags. */
export function effectiveFormat(opts: Pick<FormatRowsOptions, 'format' | 'defaultTable' | 'quiet' | 'quietFormat'>): string {
  if (opts.quiet) return opts.quietFormat ?? '{{.ID}}';
  if (opts.format === undefined || opts.format === '' || opts.format === TABLE_KEY) return opts.defaultTable;
  return opts.format;
}

export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_KEY);
}

/**
 * Format.templateString: `json` alone is `{{json .}}`; a `table` prefix and surrounding spaces
 * are dropped; the two-character sequences `\t` and `\n` become a tab and a newline.
 */
export function templateString(format: string): string {
  if (format === TABLE_KEY) return '';
  if (format === JSON_KEY) return '{{json .}}';
  let out = isTableFormat(format) ? format.slice(TABLE_KEY.length) : format;
  out = out.replace(/^ +| +$/g, '');
  return out.replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n'));
}

function parsingError(e: unknown): BerthError {
  const message = e instanceof Error ? e.message : String(e);
  return new BerthError('InvalidArgument', `template parsing error: ${message}`, { cause: e });
}

/** docker's SubHeaderContext.Label: the last dotted part, '-' and '_' as spaces. */
function headerLabel(name: unknown): string {
  const parts = String(name).split('.');
  return (parts[parts.length - 1] as string).replace(/[-_]/g, ' ');
}

/**
 * The value the header row is rendered from: the headers map, with a column named after the
 * field (upper-cased) for fields the map lacks, and docker's `Label` method.
 */
function headerContext(tmpl: GoTemplate, headers: Readonly<Record<string, string>>): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  for (const field of tmpl.fieldNames()) ctx[field] = field.toUpperCase();
  Object.assign(ctx, headers);
  ctx['Label'] = headerLabel;
  return ctx;
}

/**
 * Renders rows the way docker's list commands do, including the final newline of each line.
 *
 * @example
 * formatRows({
 *   format: 'table {{.ID}}\t{{.Names}}', defaultTable: '', headers: { ID: 'CONTAINER ID', Names: 'NAMES' },
 *   rows: [{ ID: 'abc', Names: 'web' }],
 * }) // "CONTAINER ID   NAMES\nabc            web\n"
 */
export function formatRows(opts: FormatRowsOptions): string {
  const format = effectiveFormat(opts);
  let tmpl: GoTemplate;
  try {
    tmpl = parseGoTemplate(templateString(format), opts.functions ? { functions: opts.functions } : {});
  } catch (e) {
    throw parsingError(e);
  }
  let body = '';
  const plain = plainFields(templateString(format));
  for (const row of opts.rows) {
    const fast = plain ? substitute(plain, row) : undefined;
    if (fast !== undefined) {
      body += `${fast}\n`;
      continue;
    }
    const result = tmpl.execute(goStruct(withLabelMethod(row), opts.rowType ?? 'row'));
    if (result.error) throw parsingError(result.error);
    body += `${result.output}\n`;
  }
  if (!isTableFormat(format)) return body;
  // docker ignores a header error and keeps what was written before it
  const header = tmpl.execute(headerContext(tmpl, opts.headers), { functions: DOCKER_HEADER_FUNCTIONS }).output;
  return tabwrite(`${header}\n${body}`, DOCKER_TABWRITER);
}

/**
 * A template of text and `{{.Field}}` actions only (docker's default tables): its pieces, the
 * fields at odd positions. Such a template prints a string field as it is, so a row whose fields
 * are all strings is rendered by substitution, without running the template engine (`ps` with
 * 100 containers spent ~5 ms of its CPU there).
 */
function plainFields(template: string): string[] | undefined {
  if (!/^(?:[^{}]|\{\{\.[A-Za-z_][A-Za-z0-9_]*\}\})*$/.test(template)) return undefined;
  return template.split(/\{\{\.([A-Za-z_][A-Za-z0-9_]*)\}\}/);
}

/** The row rendered through a plain template, or undefined when a field is absent or not a string. */
function substitute(pieces: readonly string[], row: object): string | undefined {
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    if (i % 2 === 0) {
      out += piece;
      continue;
    }
    const value: unknown = Object.hasOwn(row, piece) ? (row as Record<string, unknown>)[piece] : undefined;
    if (typeof value !== 'string') return undefined;
    out += value;
  }
  return out;
}

/**
 * A plain table of cells, as `docker top` prints one (tabwriter minwidth 20, padding 3): each row
 * joined with tabs, one line per row.
 *
 * @example
 * formatTable([['UID', 'PID'], ['root', '1']]) // "UID                  PID\nroot                 1\n"
 */
export function formatTable(rows: ReadonlyArray<readonly string[]>, options: Partial<TabwriterOptions> = {}): string {
  const text = rows.map((r) => `${r.join('\t')}\n`).join('');
  return tabwrite(text, { minWidth: 20, padding: 3, padChar: ' ', ...options });
}

/**
 * docker's `{{.Label "key"}}` of ps, volume and network rows: one label of the row's Labels
 * (`k=v,k2=v2`, or a map), '' when absent. Not enumerable, so `json` output leaves it out.
 */
function withLabelMethod<T extends object>(row: T): T {
  const labels = (row as { Labels?: unknown }).Labels;
  if (labels === undefined || Object.hasOwn(row, 'Label')) return row;
  const lookup = (key: string): string => {
    if (typeof labels === 'object' && labels !== null) return String((labels as Record<string, unknown>)[key] ?? '');
    for (const pair of String(labels).split(',')) {
      const i = pair.indexOf('=');
      if ((i < 0 ? pair : pair.slice(0, i)) === key) return i < 0 ? '' : pair.slice(i + 1);
    }
    return '';
  };
  return Object.defineProperty({ ...row }, 'Label', { value: lookup, enumerable: false });
}
