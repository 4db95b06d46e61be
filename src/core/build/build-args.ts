import { formatPlatform } from '../images/platform.js';
import type { Platform } from '../oci/types.js';

/** Args docker passes to RUN without an ARG line (proxy settings), when --build-arg gives them. */
export const PREDEFINED_ARGS: ReadonlySet<string> = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]);

/** BuildKit's automatic platform args, in the global scope (a stage reads them with `ARG NAME`). */
export function platformArgs(target: Platform, build: Platform): Map<string, string> {
  const m = new Map<string, string>();
  for (const [prefix, p] of [
    ['TARGET', target],
    ['BUILD', build],
  ] as const) {
    m.set(`${prefix}PLATFORM`, formatPlatform(p));
    m.set(`${prefix}OS`, p.os);
    m.set(`${prefix}ARCH`, p.architecture);
    m.set(`${prefix}VARIANT`, p.variant ?? '');
  }
  return m;
}

/**
 * ARG scoping as docker defines it: an ARG before the first FROM is global and only FROM lines
 * see it, unless a stage re-declares it with `ARG NAME` (then it gets the global value); an ARG
 * in a stage is visible from its line to the end of that stage; `--build-arg` overrides the
 * default. ENV of the same name wins over an ARG when expanding.
 */
export class ArgScope {
  /** declared names and their values (undefined: declared without value and not given) */
  private readonly values = new Map<string, string | undefined>();

  constructor(
    private readonly buildArgs: ReadonlyMap<string, string>,
    private readonly globals: ReadonlyMap<string, string | undefined>,
    private readonly consumed: Set<string>,
  ) {}

  /** `ARG name[=default]`, default already expanded by the caller */
  declare(name: string, expandedDefault: string | undefined): void {
    this.consumed.add(name);
    const given = this.buildArgs.get(name);
    if (given !== undefined) this.values.set(name, given);
    else if (expandedDefault !== undefined) this.values.set(name, expandedDefault);
    else this.values.set(name, this.globals.get(name));
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /**
   * NAME=value pairs RUN sees in its environment (declared args with a value, plus predefined
   * proxy args given on the command line), sorted: also part of RUN's cache key.
   */
  runEnv(envNames: ReadonlySet<string>): string[] {
    const out = new Map<string, string>();
    for (const [k, v] of this.values) if (v !== undefined && !envNames.has(k)) out.set(k, v);
    for (const [k, v] of this.buildArgs) {
      if (PREDEFINED_ARGS.has(k) && !out.has(k) && !envNames.has(k)) {
        this.consumed.add(k);
        out.set(k, v);
      }
    }
    return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  }
}
