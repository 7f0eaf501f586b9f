/**
 * The functions Go's text/template predefines: and, or, not, len, index, slice, print, printf,
 * println, eq, ne, lt, le, gt, ge, html, js, urlquery, call.
 * `and` and `or` are also special-cased by the executor so their arguments are evaluated lazily.
 */
import { sprint, sprintf, sprintln } from '../format';
import {
  byteAt,
  byteLength,
  byteSlice,
  goTypeName,
  isGoMap,
  isInt,
  isNil,
  isPlainObject,
  mapLookup,
  mapSize,
  MISSING,
  truth,
} from '../values';
import { fn, variadic, type TemplateFunction } from './signature';

/** Returns the first falsy argument, or the last one. */
export const and = variadic(['any'], 'any', (...args: unknown[]) => {
  for (const a of args) if (!truth(a)) return a;
  return args[args.length - 1];
});

/** Returns the first truthy argument, or the last one. */
export const or = variadic(['any'], 'any', (...args: unknown[]) => {
  for (const a of args) if (truth(a)) return a;
  return args[args.length - 1];
});

function length(item: unknown): number {
  if (isNil(item)) throw new Error('len of nil pointer');
  if (typeof item === 'string') return byteLength(item);
  if (Array.isArray(item)) return item.length;
  if (isGoMap(item)) return mapSize(item);
  throw new Error(`len of type ${goTypeName(item)}`);
}

function checkIndex(key: unknown, limit: number, inclusive: boolean): number {
  if (!isInt(key)) throw new Error(`cannot index slice/array with type ${goTypeName(key)}`);
  if (key < 0 || key > limit || (!inclusive && key === limit)) throw new Error(`index out of range: ${key}`);
  return key;
}

/** index x 1 2 3 is x[1][2][3]; a missing map key gives nil, not an error (as in Go). */
function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const key of keys) {
    if (isNil(v)) throw new Error('index of untyped nil');
    if (Array.isArray(v)) v = v[checkIndex(key, v.length, false)];
    else if (typeof v === 'string') v = byteAt(v, checkIndex(key, byteLength(v), false));
    else if (isGoMap(v)) {
      if (isPlainObject(v) && typeof key !== 'string') {
        throw new Error(`value has type ${goTypeName(key)}; should be string`);
      }
      const found = mapLookup(v, key);
      v = found === MISSING ? null : found;
    } else throw new Error(`can't index item of type ${goTypeName(v)}`);
  }
  return v;
}

/** slice x 1 2 is x[1:2]; strings are sliced by bytes as in Go. */
function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = byteLength(item);
  } else if (Array.isArray(item)) len = item.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = checkIndex(x, len, true)));
  const [i, j, k] = idx as [number, number, number];
  if (i > j) throw new Error(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) throw new Error(`invalid slice index: ${j} > ${k}`);
  return typeof item === 'string' ? byteSlice(item, i, j) : (item as unknown[]).slice(i, j);
}

// ---------------------------------------------------------------------------------------
// Comparisons. Go compares only basic values of the same kind; JS cannot tell an int from a
// float, so numbers compare with numbers regardless.

type Basic = 'bool' | 'number' | 'string' | 'nil' | 'other';

function basicKind(v: unknown): Basic {
  if (isNil(v)) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'other';
  }
}

function eqPair(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb) {
    if (ka === 'nil' || kb === 'nil') return false;
    throw new Error('incompatible types for comparison');
  }
  if (ka === 'nil') return true;
  if (ka === 'other') {
    if (Array.isArray(a) || isGoMap(a)) throw new Error(`non-comparable type ${goTypeName(a)}`);
    if (Array.isArray(b) || isGoMap(b)) throw new Error(`non-comparable type ${goTypeName(b)}`);
  }
  return a === b;
}

/** eq a b c d is a==b || a==c || a==d. */
function eq(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new Error('missing argument for comparison');
  for (const b of others) if (eqPair(a, b)) return true;
  return false;
}

function less(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'bool' || ka === 'nil' || ka === 'other') throw new Error('invalid type for comparison');
  if (ka !== kb) {
    if (kb === 'bool' || kb === 'nil' || kb === 'other') throw new Error('invalid type for comparison');
    throw new Error('incompatible types for comparison');
  }
  return (a as number | string) < (b as number | string);
}

// ---------------------------------------------------------------------------------------
// Escapers. Like Go, several arguments (or a non-string) are first joined with fmt.Sprint,
// and nil prints as "<no value>".

function escaperInput(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (isNil(a) ? '<no value>' : a)));
}

const HTML_ESCAPES: Record<string, string> = {
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\0': '\ufffd',
};

export function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => HTML_ESCAPES[c] as string);
}

const JS_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const simple = JS_ESCAPES[ch];
    if (simple) out += simple;
    else if (cp < 0x20) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else if (cp < 0x80 || /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) out += ch;
    else out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** url.QueryEscape: unreserved characters stay, space becomes '+', the rest is %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function call(this: unknown, f: unknown, ...args: unknown[]): unknown {
  if (isNil(f)) throw new Error('call of nil');
  if (typeof f !== 'function') throw new Error(`non-function of type ${goTypeName(f)}`);
  return (f as TemplateFunction).apply(this, args);
}

export const BUILTINS: Record<string, TemplateFunction> = {
  and,
  or,
  not: fn(['any'], (a) => !truth(a)),
  len: fn(['any'], length),
  index: variadic(['any'], 'any', index),
  slice: variadic(['any'], 'any', slice),
  print: variadic([], 'any', (...args) => sprint(args)),
  printf: variadic(['string'], 'any', (format, ...args) => sprintf(format, args)),
  println: variadic([], 'any', (...args) => sprintln(args)),
  eq: variadic(['any'], 'any', eq),
  ne: fn(['any', 'any'], (a, b) => !eqPair(a, b)),
  lt: fn(['any', 'any'], (a, b) => less(a, b)),
  le: fn(['any', 'any'], (a, b) => less(a, b) || eqPair(a, b)),
  gt: fn(['any', 'any'], (a, b) => !(less(a, b) || eqPair(a, b))),
  ge: fn(['any', 'any'], (a, b) => !less(a, b)),
  html: variadic([], 'any', (...args) => htmlEscape(escaperInput(args))),
  js: variadic([], 'any', (...args) => jsEscape(escaperInput(args))),
  urlquery: variadic([], 'any', (...args) => queryEscape(escaperInput(args))),
  call: variadic(['any'], 'any', call),
};
