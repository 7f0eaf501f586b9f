/**
 * Synchronous evaluation of `${{ … }}` expressions against an `ExpressionContext`. Nothing here
 * does I/O: callers prefetch component outputs and SSM parameters (see scanReferences) and
 * answer `output()` / `ssm()` from memory.
 *
 * `ctx.vars`, `ctx.settings` and `ctx.env` are the component instance's sections as written
 * (merged, not yet evaluated): a reference such as `vars.cluster_name` whose value itself holds
 * an expression is evaluated on demand, once per evaluation, and reference cycles are
 * reported. Component outputs and SSM values are data and are never evaluated.
 */
import { AtmosUserError, type SourceLocation } from '../../errors/user-error';
import type { Node, PathSegment } from './ast';
import { ExpressionError } from './errors';
import { callFunction } from './functions';
import { parseExpression } from './parser';
import { isWholeExpression, parseTemplate, templateKind } from './template-string';
import { formatPath, hasKey, isMap, numberToString, parseNumber, setKey, toNum, toStr, typeName, type ValueMap } from './values';

export interface ExpressionContext {
  vars: Record<string, unknown>;
  settings: Record<string, unknown>;
  env: Record<string, unknown>;
  /** Outputs of a component: stack undefined = same stack. Returns the outputs map (may be async-loaded beforehand). */
  output(component: string, stack: string | undefined): Record<string, unknown>;
  /** Process environment variable lookup. */
  processEnv(name: string): string | undefined;
  ssm(path: string): string;
}

/** Where a value comes from: one location, or a lookup by the value's path (e.g. ['vars', 'tags', 'Name']). */
export type SourceOption = SourceLocation | ((path: PathSegment[]) => SourceLocation | undefined);

const MAX_CACHE = 2000;
const cache = new Map<string, Node>();

/** Parses an expression source (the text between `${{` and `}}`), with a small cache. */
export function parseCached(source: string): Node {
  let node = cache.get(source);
  if (node === undefined) {
    node = parseExpression(source);
    if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
    cache.set(source, node);
  }
  return node;
}

/** Errors that already name their expression and value path (nested evaluation). */
const contextualized = new WeakSet<Error>();

function locate(source: SourceOption | undefined, path: PathSegment[]): SourceLocation | undefined {
  if (source === undefined) return undefined;
  return typeof source === 'function' ? source(path) : source;
}

function abbreviate(expression: string): string {
  const text = expression.trim().replace(/\s+/g, ' ');
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function withContext(error: unknown, path: PathSegment[], expression: string | undefined, source: SourceOption | undefined): unknown {
  if (!(error instanceof Error) || contextualized.has(error)) return error;
  if (!(error instanceof ExpressionError) && !(error instanceof AtmosUserError)) return error; // a bug: keep its stack
  const where = path.length > 0 ? `${formatPath(path)}: ` : '';
  const what = expression !== undefined ? `in \${{ ${abbreviate(expression)} }}: ` : '';
  const location = (error instanceof AtmosUserError ? error.location : undefined) ?? locate(source, path);
  const code = error instanceof AtmosUserError ? error.code : 'FUNCTION_ERROR';
  const wrapped = new AtmosUserError(code, `${where}${what}${error.message}`, location, error.hint);
  contextualized.add(wrapped);
  return wrapped;
}

interface Chain {
  /** Text naming the value for messages (`vars.tags`, `output.vpc`, `value`). */
  label: string;
  segments: PathSegment[];
}

function describe(chain: Chain): string {
  let out = chain.label;
  for (const segment of chain.segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function keyList(map: ValueMap): string {
  const keys = Object.keys(map);
  if (keys.length === 0) return 'it is empty';
  const shown = keys.slice(0, 20).join(', ');
  return `available: ${shown}${keys.length > 20 ? `, … (${keys.length} in all)` : ''}`;
}

export class Evaluator {
  private readonly active: string[] = [];
  private readonly memo = new Map<string, unknown>();

  constructor(
    private readonly ctx: ExpressionContext,
    private readonly source?: SourceOption,
  ) {}

  /** Evaluates every string in a JSON-like value; returns a new value. */
  value(value: unknown, path: PathSegment[]): unknown {
    if (typeof value === 'string') return this.text(value, path);
    if (Array.isArray(value)) return value.map((item, i) => this.value(item, [...path, i]));
    if (isMap(value) && Object.getPrototypeOf(value) !== null && value.constructor !== Object) return value;
    if (isMap(value)) {
      const out: ValueMap = {};
      for (const key of Object.keys(value)) setKey(out, key, this.value(value[key], [...path, key]));
      return out;
    }
    return value;
  }

  /** Evaluates one string: a whole expression keeps its type, otherwise the parts interpolate. */
  text(text: string, path: PathSegment[]): unknown {
    if (templateKind(text) === 'none') return text;
    const label = path.length > 0 ? formatPath(path) : undefined;
    if (label !== undefined) this.enter(label);
    let expression: string | undefined;
    try {
      const parts = parseTemplate(text);
      if (isWholeExpression(parts)) {
        const part = parts[0] as { source: string };
        expression = part.source;
        return this.expression(part.source);
      }
      let out = '';
      for (const part of parts) {
        if (part.kind === 'text') {
          out += part.text;
          continue;
        }
        expression = part.source;
        out += interpolate(this.expression(part.source));
      }
      return out;
    } catch (error) {
      throw withContext(error, path, expression, this.source);
    } finally {
      if (label !== undefined) this.active.pop();
    }
  }

  /** Evaluates the source of one expression (the text between `${{` and `}}`). */
  expression(source: string): unknown {
    return this.node(parseCached(source));
  }

  private enter(label: string): void {
    const at = this.active.indexOf(label);
    if (at >= 0) {
      const cycle = [...this.active.slice(at), label].join(' → ');
      throw new ExpressionError(`circular reference: ${cycle}`, undefined, 'break the cycle: a value cannot depend on itself');
    }
    this.active.push(label);
  }

  private node(node: Node): unknown {
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'list':
        return node.items.map((item) => this.node(item));
      case 'map': {
        const out: ValueMap = {};
        for (const entry of node.entries) {
          const key = typeof entry.key === 'string' ? entry.key : toStr(this.node(entry.key), 'a map key');
          if (hasKey(out, key)) throw new ExpressionError(`duplicate map key ${JSON.stringify(key)}`, entry.pos);
          setKey(out, key, this.node(entry.value));
        }
        return out;
      }
      case 'negate':
        return -toNum(this.node(node.operand), 'the operand of "-"');
      case 'call': {
        const args = node.args.map((arg) => this.node(arg));
        if (node.expandLast) {
          const last = args.pop();
          if (!Array.isArray(last)) {
            throw new ExpressionError(`the argument before "..." must be a list, got a ${typeName(last)}`, node.pos);
          }
          args.push(...last);
        }
        return callFunction(node.name, args, this.ctx, node.pos);
      }
      case 'env_shorthand':
        return this.ctx.processEnv(node.name) ?? null;
      case 'ssm_shorthand':
        return this.ctx.ssm(node.path);
      case 'root':
      case 'output':
      case 'getattr':
      case 'index':
        return this.chain(node);
    }
  }

  /** `base.a[0]["b"]`: references into sections resolve nested expressions as they go. */
  private chain(last: Node): unknown {
    const ops: Node[] = [];
    let base = last;
    while (base.type === 'getattr' || base.type === 'index') {
      ops.unshift(base);
      base = base.object;
    }
    let value: unknown;
    let lazy = false;
    let chain: Chain;
    if (base.type === 'root') {
      value = this.ctx[base.name] ?? {};
      lazy = true;
      chain = { label: base.name, segments: [] };
    } else if (base.type === 'output') {
      const [outputs, label] = this.outputs(base);
      value = outputs;
      chain = { label, segments: [] };
    } else {
      value = this.node(base);
      chain = { label: base.type === 'call' ? `${base.name}(...)` : 'the value', segments: [] };
    }
    for (const op of ops) {
      if (lazy) value = this.resolve(value, chain);
      const key = op.type === 'getattr' ? op.name : this.node((op as { key: Node }).key);
      const [next, segment] = this.step(value, key, chain, base.type === 'output' && chain.segments.length === 0, op.pos);
      value = next;
      chain.segments.push(segment);
    }
    return lazy ? this.resolveDeep(value, chain) : value;
  }

  private outputs(node: Extract<Node, { type: 'output' }>): [ValueMap, string] {
    let stack: string | undefined;
    if (node.stack !== undefined) {
      const value = this.node(node.stack);
      if (value !== null) {
        if (typeof value !== 'string' || value === '') {
          throw new ExpressionError(
            `the stack in output("${node.component}", ...) must be a stack name, got ${typeof value === 'string' ? 'an empty string' : `a ${typeName(value)}`}`,
            node.stack.pos,
          );
        }
        stack = value;
      }
    }
    const outputs = this.ctx.output(node.component, stack);
    const label = stack === undefined ? `output.${node.component}` : `output(${JSON.stringify(node.component)}, ${JSON.stringify(stack)})`;
    if (!isMap(outputs)) {
      throw new ExpressionError(`the outputs of component "${node.component}" are not a map (got a ${typeName(outputs)})`, node.pos);
    }
    return [outputs, label];
  }

  private step(value: unknown, key: unknown, chain: Chain, outputName: boolean, pos: number): [unknown, PathSegment] {
    const where = describe(chain);
    if (isMap(value)) {
      if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
        throw new ExpressionError(`a key of ${where} must be a string, got a ${typeName(key)}`, pos);
      }
      const name = toStr(key, 'key');
      if (!hasKey(value, name)) {
        if (outputName) {
          throw new ExpressionError(`${where} has no output ${JSON.stringify(name)}`, pos, `outputs of the component: ${keyList(value)}`);
        }
        throw new ExpressionError(`${where} has no key ${JSON.stringify(name)}`, pos, keyList(value));
      }
      return [value[name], name];
    }
    if (Array.isArray(value)) {
      const index = typeof key === 'number' ? key : typeof key === 'string' ? parseNumber(key) : undefined;
      if (index === undefined || !Number.isInteger(index)) {
        const hint = typeof key === 'string' ? `use a number: ${where}[0]` : undefined;
        throw new ExpressionError(`${where} is a list; cannot read ${JSON.stringify(key) ?? String(key)} of it`, pos, hint);
      }
      if (index < 0 || index >= value.length) {
        throw new ExpressionError(`index ${index} is out of range for ${where} (length ${value.length})`, pos);
      }
      return [value[index], index];
    }
    const keyText = typeof key === 'string' ? JSON.stringify(key) : numberOrText(key);
    throw new ExpressionError(`cannot read ${keyText}: ${where} is ${value === null || value === undefined ? 'null' : `a ${typeName(value)}`}`, pos);
  }

  /** A section value that is itself a template is evaluated (once) before use. */
  private resolve(value: unknown, chain: Chain): unknown {
    if (typeof value !== 'string' || templateKind(value) === 'none') return value;
    const label = describe(chain);
    if (this.memo.has(label)) return this.memo.get(label);
    const result = this.text(value, [chain.label, ...chain.segments]);
    this.memo.set(label, result);
    return result;
  }

  private resolveDeep(value: unknown, chain: Chain): unknown {
    if (typeof value === 'string') return this.resolve(value, chain);
    if (!needsEvaluation(value)) return value;
    const at = (segment: PathSegment): Chain => ({ label: chain.label, segments: [...chain.segments, segment] });
    if (Array.isArray(value)) return value.map((item, i) => this.resolveDeep(item, at(i)));
    if (isMap(value)) {
      const out: ValueMap = {};
      for (const key of Object.keys(value)) setKey(out, key, this.resolveDeep(value[key], at(key)));
      return out;
    }
    return value;
  }
}

function numberOrText(key: unknown): string {
  return typeof key === 'number' ? numberToString(key) : typeName(key);
}

/** Conversion of an expression's value inside a longer string (Terraform's string conversion). */
function interpolate(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) {
    throw new ExpressionError(
      'cannot insert null into a string',
      undefined,
      'give a default, e.g. env("NAME", "default") or coalesce(value, "default")',
    );
  }
  throw new ExpressionError(
    `cannot insert a ${typeName(value)} into a string`,
    undefined,
    'a value that is exactly one ${{ … }} keeps its type; inside a longer string use jsonencode(...) or join(",", ...)',
  );
}

/** True when a value holds an expression or a `$${{` escape anywhere (i.e. evaluation changes it). */
export function needsEvaluation(value: unknown): boolean {
  if (typeof value === 'string') return templateKind(value) !== 'none';
  if (Array.isArray(value)) return value.some(needsEvaluation);
  if (isMap(value)) return Object.keys(value).some((key) => needsEvaluation(value[key]));
  return false;
}

/** True when a value holds at least one `${{ … }}` expression anywhere. */
export function hasExpression(value: unknown): boolean {
  if (typeof value === 'string') return templateKind(value) === 'expression';
  if (Array.isArray(value)) return value.some(hasExpression);
  if (isMap(value)) return Object.keys(value).some((key) => hasExpression(value[key]));
  return false;
}

/**
 * Evaluates every string in a JSON-like value (maps and lists are walked, keys are not
 * evaluated) and returns a new value. `basePath` names the value for messages and for a
 * `source` lookup, e.g. ['vars'] when evaluating the vars section.
 */
export function evaluateValue(value: unknown, ctx: ExpressionContext, source?: SourceOption, basePath: PathSegment[] = []): unknown {
  return new Evaluator(ctx, source).value(value, basePath);
}

/** Evaluates one string: exactly one whole expression keeps its type; otherwise a string. */
export function evaluateString(text: string, ctx: ExpressionContext, source?: SourceOption, path: PathSegment[] = []): unknown {
  return new Evaluator(ctx, source).text(text, path);
}

/** Evaluates an expression source without the `${{ }}` around it, e.g. `cidrsubnet(vars.cidr, 4, 1)`. */
export function evaluateExpression(expression: string, ctx: ExpressionContext, source?: SourceOption): unknown {
  try {
    return new Evaluator(ctx, source).expression(expression);
  } catch (error) {
    throw withContext(error, [], expression, source);
  }
}
