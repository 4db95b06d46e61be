/**
 * docker's shortening of IDs and commands for tables (cli/command/formatter/displayutils.go,
 * container.go; moby's stringid.TruncateID and the daemon's Command string).
 */
import { charWidth } from './display-width.js';
import { goQuote } from './go-template/go-quote.js';

export { formatPorts } from './ports.js';
export type { PortEntry } from './ports.js';

const SHORT_ID_LENGTH = 12;

/**
 * stringid.TruncateID: drops an `algo:` prefix, keeps 12 characters.
 *
 * @example
 * shortId('sha256:90435eec5c4e124e741ef731e118be2fc799a68aba0466ec17717f24ce2ae6a2') // "90435eec5c4e"
 */
export function shortId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon >= 0 ? id.slice(colon + 1) : id;
  return bare.length > SHORT_ID_LENGTH ? bare.slice(0, SHORT_ID_LENGTH) : bare;
}

/**
 * docker's Ellipsis: fits `s` into `maxWidth` terminal columns, ending in `…` when cut. Wide
 * (CJK, emoji) characters count 2. Width 1 keeps the first character alone, width 0 gives "".
 *
 * @example
 * ellipsis('sleep infinity', 8) // "sleep i…"
 */
export function ellipsis(s: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const chars = Array.from(s);
  if (maxWidth === 1) return chars[0] ?? '';
  // below U+1100 (nearly every command) each UTF-16 unit is a character of one column
  if (allNarrow(s)) return s.length <= maxWidth ? s : `${s.slice(0, maxWidth - 1)}…`;
  let total = 0;
  const ends = chars.map((ch) => (total += charWidth(ch)));
  if (total <= maxWidth) return s;
  // the first character that ends past maxWidth-1 columns leaves room for the ellipsis
  for (let i = 0; i + 1 < ends.length; i++) {
    if ((ends[i] as number) <= maxWidth - 1 && (ends[i + 1] as number) > maxWidth - 1) {
      return `${chars.slice(0, i + 1).join('')}…`;
    }
  }
  return s;
}

/** Whether every character is below U+1100, where x/text/width's wide ranges begin. */
function allNarrow(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x1100) return false;
  return true;
}

/**
 * The COMMAND column of docker ps: the command cut to `width` columns (20; null for --no-trunc)
 * and then Go-quoted, so quotes are not counted.
 *
 * @example
 * truncateCommand("sh -c 'sleep 1000'")               // "\"sh -c 'sleep 1000'\""
 * truncateCommand('/docker-entrypoint.sh nginx -g x') // "\"/docker-entrypoint.…\""
 */
export function truncateCommand(command: string, width: number | null = 20): string {
  return goQuote(width === null ? command : ellipsis(command, width));
}

/**
 * The command line as the daemon reports it in the container list: the path, then the arguments,
 * those containing a space wrapped in single quotes.
 *
 * @example
 * commandLine('sh', ['-c', 'sleep 1000']) // "sh -c 'sleep 1000'"
 */
export function commandLine(path: string, args: readonly string[]): string {
  if (args.length === 0) return path;
  return `${path} ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`;
}
