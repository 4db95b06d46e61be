/**
 * Executes a parsed template (Go's exec.go): walks the tree, evaluates pipelines against the
 * data, and reports errors with Go's `executing "" at <node>` context.
 */
import { paramTypeName, type FunctionMap, type ParamType, type TemplateFunction } from './functions.js';
import { formatValue } from './go-print.js';
import { goQuote } from './go-quote.js';
import { goTypeName, isTrue, kindOf, mapGet, mapHas, sortedMapEntries } from './go-values.js';
import type {
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import { nodeString } from './nodes.js';
import type { Tree } from './parser.js';

/** Go's Option("missingkey=..."): what a missing map key yields. */
export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

export interface ExecOptions {
  name: string;
  text: string;
  trees: ReadonlyMap<string, Tree>;
  functions: FunctionMap;
  missingKey: MissingKey;
}

/** An execution error; `message` is Go's complete text. */
export class TemplateExecError extends Error {}

const MISSING = Symbol('missing');
type Final = unknown | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

/** Template recursion limit; Go allows 100000, JavaScript's stack far fewer. */
export const MAX_EXEC_DEPTH = 1000;

const BUILTIN_PROTOTYPES = new Set<unknown>([Object.prototype, Array.prototype, Map.prototype, Date.prototype, Function.prototype, null]);

/** A field or method of an object: own properties, and those of user classes (not built-ins). */
function lookupProperty(obj: object, name: string): { found: boolean; value: unknown } {
  if (Object.hasOwn(obj, name)) return { found: true, value: (obj as Record<string, unknown>)[name] };
  let proto: unknown = Object.getPrototypeOf(obj);
  while (!BUILTIN_PROTOTYPES.has(proto)) {
    if (Object.hasOwn(proto as object, name)) return { found: true, value: (obj as Record<string, unknown>)[name] };
    proto = Object.getPrototypeOf(proto);
  }
  return { found: false, value: undefined };
}

function toGoInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

interface Variable {
  name: string;
  value: unknown;
}

class State {
  node: Node | undefined;
  vars: Variable[];
  /** dot is an element of a slice or map, which Go types as interface {} in messages */
  dotIsInterface = false;
  readonly out: string[] = [];

  constructor(
    private readonly opts: ExecOptions,
    dot: unknown,
    private depth = 0,
  ) {
    this.vars = [{ name: '$', value: dot }];
  }

  // errors ----------------------------------------------------------------------------------

  errorf(message: string): never {
    const name = this.opts.name;
    if (this.node === undefined) throw new TemplateExecError(`template: ${name}: ${message}`);
    const text = this.opts.text.slice(0, this.node.pos);
    const lineStart = text.lastIndexOf('\n') + 1;
    const line = 1 + text.split('\n').length - 1;
    const col = Buffer.byteLength(text.slice(lineStart), 'utf8');
    throw new TemplateExecError(`template: ${name}:${line}:${col}: executing ${goQuote(name)} at <${nodeString(this.node)}>: ${message}`);
  }

  at(node: Node): void {
    this.node = node;
  }

  // variables -------------------------------------------------------------------------------

  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    this.vars.length = mark;
  }

  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: unknown): void {
    (this.vars[this.vars.length - n] as Variable).value = value;
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // walking ---------------------------------------------------------------------------------

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) {
        if (node.type === 'with') this.withDot(false, () => this.walk(val, node.list));
        else this.walk(dot, node.list);
      } else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: unknown, r: BranchNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const oneIteration = (index: unknown, elem: unknown): void => {
        if (r.pipe.decl.length > 0) this.setTopVar(1, elem);
        if (r.pipe.decl.length > 1) this.setTopVar(2, index);
        try {
          this.withDot(index !== undefined, () => this.walk(elem, r.list));
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      try {
        switch (kindOf(val)) {
          case 'slice':
            (val as unknown[]).forEach((elem, i) => {
              ran = true;
              oneIteration(i, elem);
            });
            break;
          case 'map':
            for (const [k, v] of sortedMapEntries(val as object)) {
              ran = true;
              oneIteration(k, v);
            }
            break;
          case 'int': {
            // Go >= 1.22 ranges over an integer: 0..n-1 as the element
            if (r.pipe.decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
            const n = Number(val);
            for (let i = 0; i < n; i++) {
              ran = true;
              oneIteration(undefined, i);
            }
            break;
          }
          case 'invalid':
          case 'nil':
            break;
          default:
            this.errorf(`range can't iterate over ${formatValue(val)}`);
        }
      } catch (e) {
        if (e !== BREAK) throw e;
        return;
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private withDot(isInterface: boolean, fn: () => void): void {
    const saved = this.dotIsInterface;
    this.dotIsInterface = isInterface;
    try {
      fn();
    } finally {
      this.dotIsInterface = saved;
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const tree = this.opts.trees.get(t.name);
    if (tree === undefined) return this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe === undefined ? undefined : this.evalPipeline(dot, t.pipe);
    const inner = new State(this.opts, newDot, this.depth + 1);
    try {
      inner.walk(newDot, tree.root);
    } finally {
      this.out.push(...inner.out);
    }
  }

  private printValue(node: Node, v: unknown): void {
    this.at(node);
    if (v === undefined) {
      this.out.push('<no value>');
      return;
    }
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(v)}`);
    this.out.push(formatValue(v));
  }

  // evaluation ------------------------------------------------------------------------------

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // an interface{} holding nil is no value at all once it is a pipeline's result
      if (value === null) value = undefined;
    }
    for (const variable of pipe.decl) {
      const name = variable.ident[0] as string;
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as ArgNode)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0] as ArgNode;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): unknown {
    this.at(n);
    const v = n.value;
    const isHexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (v.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return v.float;
    if (v.isInt) return toGoInt(v.int);
    if (v.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final, this.dotIsInterface);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, variable: VariableNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0] as string);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: Node,
    ident: readonly string[],
    args: readonly ArgNode[],
    final: Final,
    receiverIsInterface = false,
  ): unknown {
    let cur = receiver;
    let iface = receiverIsInterface;
    for (let i = 0; i < ident.length - 1; i++) {
      const next = this.evalField(dot, ident[i] as string, node, [], MISSING, cur, iface);
      // a map's elements are interface{} values; a struct's fields keep their own type
      iface = kindOf(cur) === 'map';
      cur = next;
    }
    return this.evalField(dot, ident[ident.length - 1] as string, node, args, final, cur, iface);
  }

  private evalFunction(dot: unknown, node: IdentifierNode, cmd: Node, args: readonly ArgNode[], final: Final): unknown {
    this.at(node);
    const name = node.ident;
    const fn = this.opts.functions[name];
    if (fn === undefined) this.errorf(`${goQuote(name)} is not a defined function`);
    if (name === 'and' || name === 'or') return this.evalAndOr(dot, name, cmd, args, final);
    return this.evalCall(dot, fn, cmd, name, args, final);
  }

  private evalField(
    dot: unknown,
    fieldName: string,
    node: Node,
    args: readonly ArgNode[],
    final: Final,
    receiver: unknown,
    receiverIsInterface: boolean,
  ): unknown {
    if (receiver === undefined) {
      if (this.opts.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
      return undefined;
    }
    const typ = receiverIsInterface ? 'interface {}' : goTypeName(receiver);
    if (receiver === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    const kind = kindOf(receiver);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (kind === 'struct' || (kind === 'map' && !(receiver instanceof Map))) {
      const { found, value } = lookupProperty(receiver as object, fieldName);
      if (found && typeof value === 'function') {
        return this.evalCall(dot, methodOf(receiver as object, value), node, fieldName, args, final);
      }
      if (kind === 'struct') {
        if (found) {
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return value;
        }
        this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
      }
    }
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const m = receiver as object;
      if (mapHas(m, fieldName)) return mapGet(m, fieldName);
      switch (this.opts.missingKey) {
        case 'zero':
          return null;
        case 'error':
          this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
        default:
          return undefined;
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  /** `and`/`or` evaluate their arguments lazily and return the deciding value itself. */
  private evalAndOr(dot: unknown, name: 'and' | 'or', node: Node, args: readonly ArgNode[], final: Final): unknown {
    const rest = args.slice(1);
    const numIn = rest.length + (final !== MISSING ? 1 : 0);
    if (numIn < 1) this.errorf(`wrong number of args for ${name}: want at least 1 got ${rest.length}`);
    let v: unknown;
    for (const arg of rest) {
      v = this.evalArg(dot, 'value', arg);
      if (isTrue(v) === (name === 'or')) return v;
    }
    if (final !== MISSING) v = final;
    this.at(node);
    return v;
  }

  private evalCall(dot: unknown, fn: TemplateFunction, node: Node, name: string, nodes: readonly ArgNode[], final: Final): unknown {
    const args = nodes.slice(1);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const fixed = fn.params;
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fixed.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${fixed.length} got ${args.length}`);
    } else if (numIn !== fixed.length) {
      this.errorf(`wrong number of args for ${name}: want ${fixed.length} got ${numIn}`);
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fixed[i], args[i] as ArgNode));
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i] as ArgNode));
    }
    if (final !== MISSING) {
      let t: ParamType | undefined = fixed[fixed.length - 1];
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? fixed[numIn - 1] : fn.variadic;
      argv.push(this.validateType(final, t));
    }
    try {
      return (fn.fn as (...a: unknown[]) => unknown)(...argv);
    } catch (e) {
      if (e instanceof TemplateExecError || isStackOverflow(e)) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private validateType(value: unknown, typ: ParamType | undefined): unknown {
    if (typ === undefined) return value;
    if (value === undefined) {
      if (typ === 'any') return null;
      if (typ === 'value') return undefined;
      this.errorf(`invalid value; expected ${paramTypeName(typ)}`);
    }
    const kind = kindOf(value);
    const ok =
      typ === 'any' ||
      typ === 'value' ||
      (typ === 'string' && kind === 'string') ||
      (typ === 'bool' && kind === 'bool') ||
      (typ === 'int' && kind === 'int') ||
      (typ === 'float' && (kind === 'float' || kind === 'int'));
    if (!ok) this.errorf(`wrong type for value; expected ${paramTypeName(typ)}; got ${goTypeName(value)}`);
    return typ === 'int' && typeof value === 'bigint' ? toGoInt(value) : value;
  }

  private evalArg(dot: unknown, typ: ParamType | undefined, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'any' || typ === 'value') return typ === 'any' ? null : undefined;
        this.errorf(`cannot assign nil to ${paramTypeName(typ ?? 'any')}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, [n], MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float':
        if (n.type === 'number' && n.value.isFloat) return n.value.float;
        this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (n.type === 'number' && n.value.isInt) return toGoInt(n.value.int);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      default:
        switch (n.type) {
          case 'bool':
            return n.value;
          case 'number':
            return this.idealConstant(n);
          case 'string':
            return n.text;
        }
    }
  }
}

/** Deeply nested or recursive templates exhaust JavaScript's stack before Go's limits. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** A JS function reached as a field is a Go method: variadic over interface{}, bound to its object. */
function methodOf(receiver: object, fn: unknown): TemplateFunction {
  const f = fn as (...a: unknown[]) => unknown;
  return { params: [], variadic: 'any', fn: ((...args: unknown[]) => f.apply(receiver, args)) as (...a: never[]) => unknown };
}

/**
 * Runs the tree named `opts.name` on `data`. Returns the output, or the output written before an
 * error together with that error (docker keeps a header row's partial output).
 */
export function executeTemplate(opts: ExecOptions, data: unknown): { output: string; error?: Error } {
  const tree = opts.trees.get(opts.name);
  // reflect.ValueOf(nil) is the invalid value, not a nil interface
  if (data === null) data = undefined;
  const state = new State(opts, data);
  try {
    if (tree === undefined) return state.errorf(`${goQuote(opts.name)} is an incomplete or empty template`);
    state.walk(data, tree.root);
    return { output: state.out.join('') };
  } catch (e) {
    if (e instanceof TemplateExecError) return { output: state.out.join(''), error: e };
    if (isStackOverflow(e)) {
      return { output: state.out.join(''), error: new TemplateExecError(`template: ${opts.name}: nesting too deep to execute`) };
    }
    throw e;
  }
}
