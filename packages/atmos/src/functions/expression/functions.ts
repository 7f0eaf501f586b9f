/**
 * The function library of `${{ … }}` expressions, with Terraform's semantics where Terraform
 * has the function. `output(...)` is syntax, not a library function (see parser.ts).
 */
import { AtmosUserError } from '../../errors/user-error';
import { cidrhost, cidrnetmask, cidrsubnet, cidrsubnets, type NumberLike } from '../cidr';
import { ExpressionError } from './errors';
import { format } from './format';
import { deepMerge, hasKey, isMap, jsonEncode, parseNumber, setKey, toNum, toStr, typeName, type ValueMap } from './values';

/** What a function may ask of its caller. */
export interface FunctionContext {
  processEnv(name: string): string | undefined;
}

export interface FunctionSpec {
  /** Required parameters. */
  params: string[];
  /** Optional parameters after the required ones. */
  optional?: string[];
  /** Name of a trailing variadic parameter. */
  variadic?: string;
  impl(args: unknown[], ctx: FunctionContext): unknown;
}

function numberLike(value: unknown, what: string): NumberLike {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value === null || value === undefined) throw new ExpressionError(`${what} must not be null`);
  throw new ExpressionError(`${what}: a number is required, got a ${typeName(value)}`);
}

function mapArg(value: unknown, what: string): ValueMap {
  if (isMap(value)) return value;
  throw new ExpressionError(`${what} must be a map, got a ${typeName(value)}`);
}

function listArg(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new ExpressionError(`${what} must be a list, got a ${typeName(value)}`);
}

function maps(args: unknown[]): ValueMap[] {
  const out: ValueMap[] = [];
  args.forEach((arg, i) => {
    if (arg === null || arg === undefined) return; // Terraform skips null arguments
    out.push(mapArg(arg, `argument ${i + 1}`));
  });
  return out;
}

function regexFrom(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'gu');
  } catch (error) {
    throw new ExpressionError(`invalid regular expression /${pattern}/: ${(error as Error).message}`);
  }
}

function nonEmptyNumbers(args: unknown[]): number[] {
  if (args.length === 0) throw new ExpressionError('must pass at least one number');
  return args.map((arg, i) => toNum(arg, `argument ${i + 1}`));
}

/**
 * Go's strings.ToUpper/ToLower: one character at a time, simple case mappings only (so
 * upper("straße") is "STRAßE", as in Terraform, not "STRASSE").
 */
function mapCase(text: string, direction: 'upper' | 'lower'): string {
  let out = '';
  for (const ch of text) {
    const mapped = direction === 'upper' ? ch.toUpperCase() : ch.toLowerCase();
    const points = Array.from(mapped);
    out += points.length === 1 ? mapped : direction === 'upper' ? ch : points[0];
  }
  return out;
}

const table: Record<string, FunctionSpec> = {
  cidrsubnet: {
    params: ['prefix', 'newbits', 'netnum'],
    impl: ([prefix, newbits, netnum]) =>
      cidrsubnet(toStr(prefix, 'prefix'), numberLike(newbits, 'newbits'), numberLike(netnum, 'netnum')),
  },
  cidrhost: {
    params: ['prefix', 'hostnum'],
    impl: ([prefix, hostnum]) => cidrhost(toStr(prefix, 'prefix'), numberLike(hostnum, 'hostnum')),
  },
  cidrnetmask: {
    params: ['prefix'],
    impl: ([prefix]) => cidrnetmask(toStr(prefix, 'prefix')),
  },
  cidrsubnets: {
    params: ['prefix'],
    variadic: 'newbits',
    impl: ([prefix, ...newbits]) =>
      cidrsubnets(toStr(prefix, 'prefix'), ...newbits.map((n, i) => numberLike(n, `newbits ${i + 1}`))),
  },
  deep_merge: {
    params: [],
    variadic: 'maps',
    impl: (args) => deepMerge(...maps(args)),
  },
  merge: {
    params: [],
    variadic: 'maps',
    impl: (args) => {
      const out: ValueMap = {};
      for (const map of maps(args)) for (const key of Object.keys(map)) setKey(out, key, map[key]);
      return out;
    },
  },
  concat: {
    params: [],
    variadic: 'lists',
    impl: (args) => args.flatMap((arg, i) => listArg(arg, `argument ${i + 1}`)),
  },
  coalesce: {
    params: [],
    variadic: 'values',
    impl: (args) => {
      for (const arg of args) if (arg !== null && arg !== undefined && arg !== '') return arg;
      throw new ExpressionError('no non-null, non-empty-string arguments');
    },
  },
  lookup: {
    params: ['map', 'key'],
    optional: ['default'],
    impl: (args) => {
      const map = mapArg(args[0], 'map');
      const key = toStr(args[1], 'key');
      if (hasKey(map, key)) return map[key];
      if (args.length > 2) return args[2];
      throw new ExpressionError(`the given map has no key ${JSON.stringify(key)}`, undefined, 'pass a default: lookup(map, key, default)');
    },
  },
  format: {
    params: ['format'],
    variadic: 'args',
    impl: ([spec, ...args]) => format(toStr(spec, 'format'), args),
  },
  join: {
    params: ['separator'],
    variadic: 'lists',
    impl: ([separator, ...lists]) => {
      const sep = toStr(separator, 'separator');
      if (lists.length === 0) throw new ExpressionError('at least one list is required');
      const items = lists.flatMap((list, i) => listArg(list, `argument ${i + 2}`));
      return items
        .map((item, i) => {
          if (item === null || item === undefined) throw new ExpressionError(`element ${i} is null; cannot concatenate null values`);
          return toStr(item, `element ${i}`);
        })
        .join(sep);
    },
  },
  split: {
    params: ['separator', 'string'],
    impl: ([separator, str]) => {
      const sep = toStr(separator, 'separator');
      const text = toStr(str, 'string');
      return sep === '' ? Array.from(text) : text.split(sep);
    },
  },
  lower: { params: ['string'], impl: ([s]) => mapCase(toStr(s, 'string'), 'lower') },
  upper: { params: ['string'], impl: ([s]) => mapCase(toStr(s, 'string'), 'upper') },
  replace: {
    params: ['string', 'substring', 'replacement'],
    impl: ([s, substr, replacement]) => {
      const text = toStr(s, 'string');
      const search = toStr(substr, 'substring');
      const repl = toStr(replacement, 'replacement');
      if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) {
        // Terraform: a /regex/ substring; $1 and ${1} refer to capture groups.
        return text.replace(regexFrom(search.slice(1, -1)), repl.replace(/\$\{(\d+)\}/g, '$$$1'));
      }
      // Go's strings.Replace: an empty substring matches before every character and at the end.
      if (search === '') return repl + Array.from(text).map((ch) => ch + repl).join('');
      return text.split(search).join(repl);
    },
  },
  min: { params: [], variadic: 'numbers', impl: (args) => Math.min(...nonEmptyNumbers(args)) },
  max: { params: [], variadic: 'numbers', impl: (args) => Math.max(...nonEmptyNumbers(args)) },
  abs: { params: ['number'], impl: ([n]) => Math.abs(toNum(n, 'number')) },
  ceil: { params: ['number'], impl: ([n]) => Math.ceil(toNum(n, 'number')) },
  floor: { params: ['number'], impl: ([n]) => Math.floor(toNum(n, 'number')) },
  length: {
    params: ['value'],
    impl: ([value]) => {
      if (typeof value === 'string') return Array.from(value).length;
      if (Array.isArray(value)) return value.length;
      if (isMap(value)) return Object.keys(value).length;
      throw new ExpressionError(`value must be a string, list or map, got a ${typeName(value)}`);
    },
  },
  tostring: {
    params: ['value'],
    impl: ([value]) => {
      if (value === null || value === undefined) return null;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return toStr(value, 'value');
      throw new ExpressionError(`cannot convert a ${typeName(value)} to a string`, undefined, 'use jsonencode(...) or join(...)');
    },
  },
  tonumber: {
    params: ['value'],
    impl: ([value]) => {
      if (value === null || value === undefined) return null;
      if (typeof value === 'number') return value;
      if (typeof value === 'string') {
        const n = parseNumber(value);
        if (n === undefined) {
          throw new ExpressionError(`cannot convert ${JSON.stringify(value)} to a number; the string must be a decimal number`);
        }
        return n;
      }
      throw new ExpressionError(`cannot convert a ${typeName(value)} to a number`);
    },
  },
  jsonencode: { params: ['value'], impl: ([value]) => jsonEncode(value) },
  jsondecode: {
    params: ['string'],
    impl: ([s]) => {
      const text = toStr(s, 'string');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new ExpressionError(`invalid JSON: ${(error as Error).message}`);
      }
    },
  },
  env: {
    params: ['name'],
    optional: ['default'],
    impl: (args, ctx) => {
      const value = ctx.processEnv(toStr(args[0], 'name'));
      if (value !== undefined) return value;
      return args.length > 1 ? args[1] : null;
    },
  },
};

/** Functions by name (a Map, so names like `constructor` are not found by accident). */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(Object.entries(table));

export function functionNames(): string[] {
  return [...FUNCTIONS.keys(), 'output'].sort();
}

function plural(n: number): string {
  return `${n} argument${n === 1 ? '' : 's'}`;
}

/** "3 arguments (prefix, newbits, netnum)", "2 or 3 arguments (map, key, [default])", … */
export function describeArity(spec: FunctionSpec): string {
  const names = [...spec.params, ...(spec.optional ?? []).map((p) => `[${p}]`), ...(spec.variadic ? [`${spec.variadic}...`] : [])];
  const min = spec.params.length;
  const max = min + (spec.optional?.length ?? 0);
  let count: string;
  if (spec.variadic) count = min === 0 ? 'any number of arguments' : `at least ${plural(min)}`;
  else if (min === max) count = plural(min);
  else if (max === min + 1) count = `${min} or ${plural(max)}`;
  else count = `${min} to ${plural(max)}`;
  return names.length > 0 ? `${count} (${names.join(', ')})` : count;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * Throws for an unknown function or a wrong number of arguments. With `expanded` (a call
 * ending in `list...`), `count` is the number of other arguments and only the maximum is checked.
 */
export function checkCall(name: string, count: number, pos?: number, expanded = false): FunctionSpec {
  const spec = FUNCTIONS.get(name);
  if (spec === undefined) {
    const names = functionNames();
    const close = names.filter((n) => editDistance(n, name) <= 2).sort((a, b) => editDistance(a, name) - editDistance(b, name));
    const hint = close.length > 0 ? `did you mean ${close[0]}(...)? ` : '';
    throw new ExpressionError(`unknown function "${name}"`, pos, `${hint}available functions: ${names.join(', ')}`);
  }
  const min = spec.params.length;
  const max = spec.variadic ? Infinity : min + (spec.optional?.length ?? 0);
  if ((!expanded && count < min) || count > max) {
    throw new ExpressionError(`function "${name}" expects ${describeArity(spec)}, got ${expanded ? 'at least ' : ''}${count}`, pos);
  }
  return spec;
}

/** Calls a library function; its failures read `Call to function "name" failed: …`. */
export function callFunction(name: string, args: unknown[], ctx: FunctionContext, pos?: number): unknown {
  const spec = checkCall(name, args.length, pos);
  try {
    return spec.impl(args, ctx);
  } catch (error) {
    if (error instanceof ExpressionError || error instanceof AtmosUserError) {
      throw new ExpressionError(`Call to function "${name}" failed: ${error.message}`, pos, error.hint);
    }
    throw error;
  }
}

