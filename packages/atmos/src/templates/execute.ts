/**
 * Runs a parse tree against data, with Go text/template semantics.
 *
 * Nil comes in two flavours, as in Go: `undefined` is "no value" (a missing map key, or nil
 * data) and follows the missingkey option, while `null` is a value that is nil (a YAML `key:`
 * with nothing after it); walking a field through it fails, like Go's "nil pointer evaluating
 * interface {}.x". A pipeline's result is normalised to `undefined`, as Go unwraps interfaces
 * at the end of a pipeline.
 *
 * Execution is a straightforward tree walk; control flow (break/continue) is returned as a
 * signal rather than thrown, so the common path never allocates or unwinds.
 */
import type {
  ArgNode,
  ChainNode,
  CommandNode,
  IdentifierNode,
  ListNode,
  PipeNode,
  RangeNode,
  TemplateCallNode,
  Tree,
  VariableNode,
} from './ast';
import { PositionedError } from './errors';
import { formatValue } from './format';
import {
  ArgumentError,
  BUILTIN_AND,
  BUILTIN_OR,
  TemplateFailure,
  type CallContext,
  type TemplateFunction,
} from './functions';
import { goTypeName, isInt, isPlainObject, mapLookup, MISSING, sortedKeys, truth } from './values';

export interface ExecOptions {
  missingKey: 'error' | 'default' | 'zero';
  functions: Record<string, TemplateFunction> | undefined;
  env: Record<string, string | undefined>;
  repoRoot?: string;
  onRead?: (file: string) => void;
  onVolatile?: (namespace: string) => void;
}

/** What walking a list tells the enclosing range. */
const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
type Signal = typeof NORMAL | typeof BREAK | typeof CONTINUE;

/** Nested {{template}} calls allowed; far below what would overflow the JS stack. */
const MAX_TEMPLATE_DEPTH = 1000;

const hasOwn = Object.prototype.hasOwnProperty;

interface Located {
  pos: number;
  end?: number;
}

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export function execute(tree: Tree, data: unknown, options: ExecOptions): string {
  const state = new State(tree, options);
  const root = data === null ? undefined : data;
  state.push('$', root);
  state.walk(tree.root, root);
  return state.out;
}

class State {
  out = '';
  private names: string[] = [];
  private values: unknown[] = [];
  private depth = 0;
  private readonly ctx: CallContext;

  constructor(
    private readonly tree: Tree,
    private readonly opts: ExecOptions,
  ) {
    this.ctx = { env: opts.env, repoRoot: opts.repoRoot, onRead: opts.onRead, onVolatile: opts.onVolatile };
  }

  // -------------------------------------------------------------------------------------
  // Variables: a stack of (name, value); control structures pop what they pushed.

  push(name: string, value: unknown): void {
    this.names.push(name);
    this.values.push(value);
  }

  private pop(mark: number): void {
    this.names.length = mark;
    this.values.length = mark;
  }

  private setVar(name: string, value: unknown, node: Located): void {
    const i = this.names.lastIndexOf(name);
    if (i < 0) throw this.fail(node, `undefined variable: ${name}`);
    this.values[i] = value;
  }

  /** Sets the n-th variable from the top (1 is the last pushed). */
  private setTopVar(n: number, value: unknown): void {
    this.values[this.values.length - n] = value;
  }

  private varValue(node: VariableNode): unknown {
    const i = this.names.lastIndexOf(node.name);
    if (i < 0) throw this.fail(node, `undefined variable: ${node.name}`);
    return this.values[i];
  }

  // -------------------------------------------------------------------------------------
  // Errors

  private fail(node: Located, message: string, cause?: unknown): PositionedError {
    let detail = message;
    if (node.end !== undefined) {
      let text = this.tree.source.slice(node.pos, node.end).replace(/\s+/g, ' ').trim();
      if (text.length > 60) text = text.slice(0, 57) + '...';
      detail = `at <${text}>: ${message}`;
    }
    return new PositionedError(node.pos, detail, cause === undefined ? undefined : { cause });
  }

  // -------------------------------------------------------------------------------------
  // Statements

  walk(list: ListNode, dot: unknown): Signal {
    for (let i = 0; i < list.length; i++) {
      const node = list[i]!;
      switch (node.kind) {
        case 'text':
          this.out += node.text;
          break;
        case 'action': {
          const value = this.evalPipeline(dot, node.pipe);
          if (node.pipe.decl.length === 0) this.out += this.printable(node.pipe, value);
          break;
        }
        case 'if':
        case 'with': {
          const mark = this.names.length;
          const value = this.evalPipeline(dot, node.pipe);
          let signal: Signal = NORMAL;
          if (truth(value)) signal = this.walk(node.list, node.kind === 'with' ? value : dot);
          else if (node.elseList) signal = this.walk(node.elseList, dot);
          this.pop(mark);
          if (signal !== NORMAL) return signal;
          break;
        }
        case 'range': {
          const signal = this.walkRange(node, dot);
          if (signal !== NORMAL) return signal;
          break;
        }
        case 'break':
          return BREAK;
        case 'continue':
          return CONTINUE;
        case 'template':
          this.walkTemplate(node, dot);
          break;
      }
    }
    return NORMAL;
  }

  /** How an action prints its value: strings as they are, nil as Go's "<no value>". */
  private printable(node: PipeNode, value: unknown): string {
    if (typeof value === 'string') return value;
    if (value === undefined || value === null) return this.opts.missingKey === 'zero' ? '' : '<no value>';
    if (typeof value === 'function') throw this.fail(node, `can't print value of type func`);
    return formatValue(value);
  }

  private walkRange(node: RangeNode, dot: unknown): Signal {
    const mark = this.names.length;
    const value = this.evalPipeline(dot, node.pipe);
    const { decl, isAssign } = node.pipe;
    let iterated = false;
    const iteration = (key: unknown, elem: unknown): Signal => {
      iterated = true;
      if (decl.length > 0) {
        if (isAssign) {
          if (decl.length > 1) {
            this.setVar(decl[0]!, key, node.pipe);
            this.setVar(decl[1]!, elem, node.pipe);
          } else this.setVar(decl[0]!, elem, node.pipe);
        } else {
          // The pipeline pushed the variables; the last one gets the element, the first the key.
          this.setTopVar(1, elem);
          if (decl.length > 1) this.setTopVar(2, key);
        }
      }
      const inner = this.names.length;
      const signal = this.walk(node.list, elem);
      this.pop(inner);
      return signal;
    };

    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (iteration(i, value[i]) === BREAK) break;
    } else if (value instanceof Map || isPlainObject(value)) {
      for (const key of sortedKeys(value)) {
        // A key deleted by the body (unset) yields nil, as Go's MapIndex does.
        const elem = mapLookup(value, key);
        if (iteration(key, elem === MISSING ? undefined : elem) === BREAK) break;
      }
    } else if (isInt(value)) {
      if (decl.length > 1) throw this.fail(node.pipe, `can't use ${value} to iterate over more than one variable`);
      for (let i = 0; i < value; i++) if (iteration(i, i) === BREAK) break;
    } else if (value !== undefined && value !== null) {
      throw this.fail(node.pipe, `range can't iterate over ${formatValue(value)}`);
    }

    let signal: Signal = NORMAL;
    if (!iterated && node.elseList) signal = this.walk(node.elseList, dot);
    this.pop(mark);
    return signal;
  }

  private walkTemplate(node: TemplateCallNode, dot: unknown): void {
    const list = this.tree.defines.get(node.name);
    if (!list) throw this.fail(node, `no such template "${node.name}"`);
    const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    if (this.depth >= MAX_TEMPLATE_DEPTH) {
      throw this.fail(node, `exceeded maximum template depth (${MAX_TEMPLATE_DEPTH}) calling "${node.name}"`);
    }
    // A called template sees only `$`, set to its dot.
    const names = this.names;
    const values = this.values;
    this.names = ['$'];
    this.values = [newDot];
    this.depth++;
    this.walk(list, newDot);
    this.depth--;
    this.names = names;
    this.values = values;
  }

  // -------------------------------------------------------------------------------------
  // Pipelines and commands

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: unknown = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) value = this.evalCommand(dot, cmds[i]!, value);
    if (value === null) value = undefined;
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value, pipe);
      else this.push(name, value);
    }
    return value;
  }

  /** `final` is the value piped in from the previous command, or MISSING. */
  private evalCommand(dot: unknown, cmd: CommandNode, final: unknown): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.names, cmd, final);
      case 'chain':
        return this.evalChain(dot, first, cmd, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, final);
      case 'variable':
        return this.evalVariable(dot, first, cmd, final);
      case 'pipe':
        this.notAFunction(cmd, final);
        return this.evalPipeline(dot, first);
      case 'nil':
        throw this.fail(first, 'nil is not a command');
      case 'dot':
        this.notAFunction(cmd, final);
        return dot;
      default:
        this.notAFunction(cmd, final);
        return first.value;
    }
  }

  private notAFunction(cmd: CommandNode | null, final: unknown): void {
    if ((cmd !== null && cmd.args.length > 1) || final !== MISSING) {
      const first = cmd?.args[0];
      const what = first ? this.tree.source.slice(first.pos, first.end) : 'value';
      throw this.fail(cmd ?? { pos: 0 }, `can't give argument to non-function ${what}`);
    }
  }

  /** An argument of a command: evaluated without arguments of its own. */
  private evalArg(dot: unknown, node: ArgNode): unknown {
    switch (node.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldChain(dot, dot, node, node.names, null, MISSING);
      case 'variable':
        return this.evalVariable(dot, node, null, MISSING);
      case 'pipe':
        return this.evalPipeline(dot, node);
      case 'identifier':
        return this.evalFunction(dot, node, null, MISSING);
      case 'chain':
        return this.evalChain(dot, node, null, MISSING);
      default:
        return node.value;
    }
  }

  /** The arguments after the first word of `cmd`, plus the piped value. */
  private evalArgs(dot: unknown, cmd: CommandNode | null, final: unknown): unknown[] {
    const argv: unknown[] = [];
    if (cmd !== null) for (let i = 1; i < cmd.args.length; i++) argv.push(this.evalArg(dot, cmd.args[i]!));
    if (final !== MISSING) argv.push(final);
    return argv;
  }

  private evalVariable(dot: unknown, node: VariableNode, cmd: CommandNode | null, final: unknown): unknown {
    const value = this.varValue(node);
    if (node.names.length === 0) {
      this.notAFunction(cmd, final);
      return value;
    }
    return this.evalFieldChain(dot, value, node, node.names, cmd, final);
  }

  private evalChain(dot: unknown, chain: ChainNode, cmd: CommandNode | null, final: unknown): unknown {
    if (chain.node.kind === 'nil') throw this.fail(chain, 'indirection through explicit nil');
    const receiver = this.evalArg(dot, chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.names, cmd, final);
  }

  /** `.a.b.c args`: only the last field receives the arguments. */
  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: ArgNode,
    names: readonly string[],
    cmd: CommandNode | null,
    final: unknown,
  ): unknown {
    const last = names.length - 1;
    for (let i = 0; i < last; i++) receiver = this.evalField(dot, names[i]!, node, null, MISSING, receiver);
    return this.evalField(dot, names[last]!, node, cmd, final, receiver);
  }

  private evalField(
    dot: unknown,
    name: string,
    node: ArgNode,
    cmd: CommandNode | null,
    final: unknown,
    receiver: unknown,
  ): unknown {
    if (receiver === undefined) {
      if (this.opts.missingKey === 'error') throw this.fail(node, `nil data; no entry for key "${name}"`);
      return undefined;
    }
    if (receiver === null) throw this.fail(node, `nil pointer evaluating interface {}.${name}`);
    const hasArgs = (cmd !== null && cmd.args.length > 1) || final !== MISSING;

    if (receiver instanceof Map || isPlainObject(receiver)) {
      const value = mapLookup(receiver, name);
      if (typeof value === 'function') return this.callMethod(dot, node, name, value, receiver, cmd, final);
      if (hasArgs) throw this.fail(node, `${name} is not a method but has arguments`);
      if (value !== MISSING) return value;
      if (this.opts.missingKey === 'error') throw this.fail(node, `map has no entry for key "${name}"`);
      return undefined;
    }

    if (typeof receiver === 'object' && !Array.isArray(receiver)) {
      // A struct-like object: properties (own or inherited, but not Object's) are fields and
      // function properties are methods.
      const value = (receiver as Record<string, unknown>)[name];
      if (value !== undefined && value !== (Object.prototype as Record<string, unknown>)[name]) {
        if (typeof value === 'function') return this.callMethod(dot, node, name, value, receiver, cmd, final);
        if (hasArgs) throw this.fail(node, `${name} is not a method but has arguments`);
        return value;
      }
      if (value === undefined && hasOwn.call(receiver, name)) return undefined;
    }
    throw this.fail(node, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private callMethod(
    dot: unknown,
    node: ArgNode,
    name: string,
    method: unknown,
    receiver: unknown,
    cmd: CommandNode | null,
    final: unknown,
  ): unknown {
    const argv = this.evalArgs(dot, cmd, final);
    return this.invoke(cmd ?? node, name, method as TemplateFunction, receiver, argv);
  }

  private lookupFunction(ident: IdentifierNode): TemplateFunction {
    const user = this.opts.functions;
    if (user !== undefined && hasOwn.call(user, ident.name)) {
      const f = user[ident.name];
      if (typeof f === 'function') return f;
    }
    if (ident.builtin) return ident.builtin;
    throw this.fail(ident, `"${ident.name}" is not a defined function`);
  }

  private evalFunction(dot: unknown, ident: IdentifierNode, cmd: CommandNode | null, final: unknown): unknown {
    const f = this.lookupFunction(ident);
    if (f === BUILTIN_AND || f === BUILTIN_OR) return this.evalAndOr(dot, ident, f === BUILTIN_OR, cmd, final);
    return this.invoke(cmd ?? ident, ident.name, f, this.ctx, this.evalArgs(dot, cmd, final));
  }

  /** and/or evaluate arguments only until the result is known, and return the deciding value. */
  private evalAndOr(dot: unknown, ident: IdentifierNode, isOr: boolean, cmd: CommandNode | null, final: unknown): unknown {
    const args = cmd?.args ?? [];
    if (args.length <= 1 && final === MISSING) {
      throw this.fail(cmd ?? ident, `wrong number of args for ${ident.name}: want at least 1 got 0`);
    }
    let value: unknown;
    for (let i = 1; i < args.length; i++) {
      value = this.evalArg(dot, args[i]!);
      if (truth(value) === isOr) return value;
    }
    return final === MISSING ? value : final;
  }

  private invoke(node: Located, name: string, f: TemplateFunction, thisArg: unknown, argv: unknown[]): unknown {
    let result: unknown;
    try {
      result = f.apply(thisArg, argv);
    } catch (error) {
      throw this.callError(node, name, error);
    }
    if (isThenable(result)) {
      throw this.fail(node, `${name} returned a Promise; template functions must be synchronous`);
    }
    return result;
  }

  private callError(node: Located, name: string, error: unknown): PositionedError {
    if (error instanceof PositionedError) return error;
    if (error instanceof ArgumentError) return this.fail(node, error.describe(name));
    if (error instanceof TemplateFailure) return this.fail(node, `error calling ${name}: ${error.message}`);
    const message = error instanceof Error ? error.message : String(error);
    return this.fail(node, `error calling ${name}: ${message}`, error);
  }
}
