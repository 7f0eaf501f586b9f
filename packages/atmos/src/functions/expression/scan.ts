/**
 * Static scan of `${{ … }}` expressions, for the dependency graph and for prefetching: what a
 * value refers to, found without evaluating anything.
 */
import type { SourceLocation } from '../../errors/user-error';
import { AtmosUserError } from '../../errors/user-error';
import type { Node, PathSegment } from './ast';
import { ExpressionError } from './errors';
import { parseCached, type SourceOption } from './evaluate';
import { parseTemplate, templateKind } from './template-string';
import { formatPath, isMap } from './values';

export type Reference =
  /** `output.vpc.vpc_id` (stack absent: the same stack) or `output("dns", "shared-use1").zone_id`. */
  | { kind: 'output'; component: string; stack?: string; dynamic?: true; path: PathSegment[] }
  /** `ssm:/platform/dev/rds/password` */
  | { kind: 'ssm'; path: string }
  /** A process environment variable: `env:TEAM` or `env("TEAM", ...)`. */
  | { kind: 'env'; name: string }
  /** `vars.x.y`, `settings.x`, `env.X` (the instance's env section). */
  | { kind: 'var' | 'setting' | 'env_section'; path: PathSegment[] };

const ROOT_KINDS = { vars: 'var', settings: 'setting', env: 'env_section' } as const;

/**
 * Every reference in the `${{ }}` expressions of a JSON-like value, in order of appearance,
 * without duplicates. Paths stop at the first index that is not a literal (`vars.a[vars.i]`
 * gives `vars.a` and `vars.i`). A stack argument that is not a literal string is reported as
 * `stack: undefined, dynamic: true`. Syntax errors throw `AtmosUserError`s.
 */
export function scanReferences(value: unknown, source?: SourceOption): Reference[] {
  const found = new Map<string, Reference>();
  const add = (ref: Reference): void => {
    const key = JSON.stringify(ref);
    if (!found.has(key)) found.set(key, ref);
  };
  walkValue(value, [], (text, path) => {
    let expression: string | undefined;
    try {
      for (const part of parseTemplate(text)) {
        if (part.kind !== 'expression') continue;
        expression = part.source;
        walkNode(parseCached(part.source), add);
      }
    } catch (error) {
      if (error instanceof ExpressionError) {
        const where = path.length > 0 ? `${formatPath(path)}: ` : '';
        const what = expression !== undefined ? `in \${{ ${expression.trim()} }}: ` : '';
        throw new AtmosUserError('FUNCTION_ERROR', `${where}${what}${error.message}`, locate(source, path), error.hint);
      }
      throw error;
    }
  });
  return [...found.values()];
}

function locate(source: SourceOption | undefined, path: PathSegment[]): SourceLocation | undefined {
  if (source === undefined) return undefined;
  return typeof source === 'function' ? source(path) : source;
}

function walkValue(value: unknown, path: PathSegment[], visit: (text: string, path: PathSegment[]) => void): void {
  if (typeof value === 'string') {
    if (templateKind(value) === 'expression') visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walkValue(item, [...path, i], visit));
  } else if (isMap(value)) {
    for (const key of Object.keys(value)) walkValue(value[key], [...path, key], visit);
  }
}

function walkNode(node: Node, add: (ref: Reference) => void): void {
  switch (node.type) {
    case 'literal':
      return;
    case 'list':
      node.items.forEach((item) => walkNode(item, add));
      return;
    case 'map':
      for (const entry of node.entries) {
        if (typeof entry.key !== 'string') walkNode(entry.key, add);
        walkNode(entry.value, add);
      }
      return;
    case 'negate':
      walkNode(node.operand, add);
      return;
    case 'call': {
      const [first] = node.args;
      if (node.name === 'env' && first !== undefined && first.type === 'literal' && typeof first.value === 'string') {
        add({ kind: 'env', name: first.value });
      }
      node.args.forEach((arg) => walkNode(arg, add));
      return;
    }
    case 'env_shorthand':
      add({ kind: 'env', name: node.name });
      return;
    case 'ssm_shorthand':
      add({ kind: 'ssm', path: node.path });
      return;
    case 'root':
    case 'output':
    case 'getattr':
    case 'index':
      walkChain(node, add);
      return;
  }
}

function walkChain(last: Node, add: (ref: Reference) => void): void {
  const ops: Node[] = [];
  let base = last;
  while (base.type === 'getattr' || base.type === 'index') {
    ops.unshift(base);
    base = base.object;
  }
  const path: PathSegment[] = [];
  const dynamicKeys: Node[] = [];
  let staticPath = true;
  for (const op of ops) {
    if (op.type === 'getattr') {
      if (staticPath) path.push(op.name);
    } else if (op.type === 'index') {
      const key = op.key;
      if (staticPath && key.type === 'literal' && (typeof key.value === 'string' || typeof key.value === 'number')) {
        path.push(key.value);
      } else {
        staticPath = false;
        dynamicKeys.push(key);
      }
    }
  }
  if (base.type === 'root') {
    add({ kind: ROOT_KINDS[base.name], path });
  } else if (base.type === 'output') {
    const stack = base.stack;
    if (stack === undefined) {
      add({ kind: 'output', component: base.component, path });
    } else if (stack.type === 'literal' && typeof stack.value === 'string') {
      add({ kind: 'output', component: base.component, stack: stack.value, path });
    } else {
      add({ kind: 'output', component: base.component, stack: undefined, dynamic: true, path });
      walkNode(stack, add);
    }
  } else {
    walkNode(base, add);
  }
  dynamicKeys.forEach((key) => walkNode(key, add));
}
