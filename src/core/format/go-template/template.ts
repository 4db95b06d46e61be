/**
 * Go text/template as `docker ... --format` users write it: parse once, render many rows.
 * Errors are BerthError InvalidArgument carrying Go's own one-line message, e.g.
 * `template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type row`.
 */
import { BerthError } from '../../errors/index.js';
import { GO_BUILTINS } from './builtins.js';
import { DOCKER_FUNCTIONS } from './docker-funcs.js';
import { executeTemplate, isStackOverflow, type MissingKey } from './exec.js';
import type { FunctionMap } from './functions.js';
import type { Node } from './nodes.js';
import { parseTrees, TemplateParseError, type Tree } from './parser.js';

export interface TemplateOptions {
  /** extra functions, or replacements for docker's (json, join, ...) */
  functions?: FunctionMap;
  /** Go's missingkey option; 'error' makes a missing map key fail like a missing struct field */
  missingKey?: MissingKey;
}

export interface ExecuteOverrides {
  /** functions replacing those the template was parsed with (docker's header functions) */
  functions?: FunctionMap;
  missingKey?: MissingKey;
}

/** The result of a render that may fail part-way: Go has written `output` before `error`. */
export interface TemplateResult {
  output: string;
  error?: BerthError;
}

/** Names of fields a template reads (`.ID`, `.Config.Labels` gives `Config`), in order of use. */
function collectFields(node: Node, out: Set<string>): void {
  switch (node.type) {
    case 'field':
      out.add(node.ident[0] as string);
      return;
    case 'list':
      node.nodes.forEach((n) => collectFields(n, out));
      return;
    case 'action':
      collectFields(node.pipe, out);
      return;
    case 'pipe':
      node.cmds.forEach((c) => collectFields(c, out));
      return;
    case 'command':
      node.args.forEach((a) => collectFields(a, out));
      return;
    case 'chain':
      collectFields(node.node, out);
      return;
    case 'if':
    case 'range':
    case 'with':
      collectFields(node.pipe, out);
      collectFields(node.list, out);
      if (node.elseList) collectFields(node.elseList, out);
      return;
    case 'template':
      if (node.pipe) collectFields(node.pipe, out);
      return;
    default:
      return;
  }
}

/** A parsed template; immutable, safe to render concurrently. */
export class GoTemplate {
  private readonly functions: FunctionMap;
  private readonly missingKey: MissingKey;

  constructor(
    readonly source: string,
    private readonly trees: ReadonlyMap<string, Tree>,
    options: TemplateOptions,
  ) {
    this.functions = { ...GO_BUILTINS, ...DOCKER_FUNCTIONS, ...options.functions };
    this.missingKey = options.missingKey ?? 'default';
  }

  /** Renders `data`; throws BerthError InvalidArgument with Go's message on an execution error. */
  render(data: unknown): string {
    const result = this.execute(data);
    if (result.error) throw result.error;
    return result.output;
  }

  /** Renders `data`, keeping what was written before an error, as Go's Execute does. */
  execute(data: unknown, overrides: ExecuteOverrides = {}): TemplateResult {
    const { output, error } = executeTemplate(
      {
        name: '',
        text: this.source,
        trees: this.trees,
        functions: { ...this.functions, ...overrides.functions },
        missingKey: overrides.missingKey ?? this.missingKey,
      },
      data,
    );
    return error ? { output, error: new BerthError('InvalidArgument', error.message) } : { output };
  }

  /** Top-level field names the template reads, e.g. ["ID", "Image"] for `{{.ID}}\t{{.Image}}`. */
  fieldNames(): string[] {
    const out = new Set<string>();
    for (const tree of this.trees.values()) collectFields(tree.root, out);
    return Array.from(out);
  }
}

/**
 * Parses a template; throws BerthError InvalidArgument with Go's parse error message,
 * e.g. `template: :1: unexpected "}" in operand`.
 */
export function parseGoTemplate(template: string, options: TemplateOptions = {}): GoTemplate {
  const names = new Set([...Object.keys(GO_BUILTINS), ...Object.keys(DOCKER_FUNCTIONS), ...Object.keys(options.functions ?? {})]);
  try {
    return new GoTemplate(template, parseTrees(template, { name: '', functions: names }), options);
  } catch (e) {
    if (e instanceof TemplateParseError) throw new BerthError('InvalidArgument', e.message);
    if (isStackOverflow(e)) throw new BerthError('InvalidArgument', 'template: :1: nesting too deep to parse');
    throw e;
  }
}

/**
 * Compiles a template once for rendering many rows.
 *
 * @example
 * const row = compileTemplate('{{.Names}}: {{.State.Status}}');
 * row({ Names: 'web', State: { Status: 'running' } }) // "web: running"
 */
export function compileTemplate(template: string, options: TemplateOptions = {}): (data: unknown) => string {
  const parsed = parseGoTemplate(template, options);
  return (data) => parsed.render(data);
}

/**
 * Renders one value through a template.
 *
 * @example
 * renderTemplate('{{range $k, $v := .}}{{$k}}={{$v}} {{end}}', { b: 2, a: 1 }) // "a=1 b=2 "
 */
export function renderTemplate(template: string, data: unknown, options: TemplateOptions = {}): string {
  return parseGoTemplate(template, options).render(data);
}
