/**
 * Gomplate's function namespaces, which Atmos merges into its template functions:
 * `{{ strings.Title .vars.stage }}`, `{{ conv.ToInt "42" }}`, `{{ coll.Has .vars "x" }}`.
 *
 * A namespace is a function without arguments that returns an object of methods; the template
 * executor calls `strings.Title x` as a method of what `strings` returns, as Go does.
 *
 * Gomplate's methods take `interface{}` arguments and convert them (conv.ToString, ToInt64,
 * ToFloat64), so `strings.Repeat "3" "ab"` works where Sprig's typed `repeat` would refuse.
 * As in Sprig, the value being worked on comes last so it can be piped.
 *
 * Pure namespaces, plus `file` (read, inside the repository only: gomplate-file.ts) and `time` /
 * `uuid` / `random`, whose values change on every run (the caller is told through
 * `CallContext.onVolatile` so it can warn). Namespaces that reach the network are an error
 * naming the function: the static phase never touches the network. `env` stays Sprig's
 * `env "NAME"`: Atmos assigns Sprig's functions and its own `env` over gomplate's, so
 * gomplate's `env` namespace is not reachable in Atmos either (internal/exec/template_utils.go).
 *
 * Reference: gomplate v3/v4 function docs (docs.gomplate.ca/functions/<namespace>), the
 * version Atmos v1.226.1 vendors.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { formatValue, quote } from '../format';
import { yamlLib } from '../../yaml-lib';
import { toJson, toYaml } from './encoding';
import { deepEqual, goKind, isGoMap, isNil, mapEntries, mapHas, mapLookup, sortedKeys, truth } from '../values';
import { strval, toFloat64, toInt64 } from './conversion';
import { TemplateFailure } from './general';
import { compileGoRegex } from './regex';
import type { CallContext, TemplateFunction } from './signature';
import { STRING_FUNCTIONS, goSplit } from './strings';
import { fileNamespace } from './gomplate-file';

type Methods = Record<string, (...args: unknown[]) => unknown>;

/** Methods of a namespace check their argument count; conversions are the methods' own. */
function namespace(name: string, methods: Record<string, { arity: number | [number, number]; impl: (...args: unknown[]) => unknown }>): Methods {
  const out: Methods = Object.create(null) as Methods;
  for (const [method, { arity, impl }] of Object.entries(methods)) {
    const [min, max] = typeof arity === 'number' ? [arity, arity] : arity;
    out[method] = (...args: unknown[]) => {
      if (args.length < min || args.length > max) {
        const want = min === max ? String(min) : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        throw new TemplateFailure(`wrong number of args for ${name}.${method}: want ${want} got ${args.length}`);
      }
      return impl(...args);
    };
  }
  return Object.freeze(out);
}

const m = (arity: number | [number, number], impl: (...args: unknown[]) => unknown) => ({ arity, impl });
const s = (v: unknown): string => (isNil(v) ? 'nil' : strval(v));
const toBool = (v: unknown): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  const text = s(v).trim().toLowerCase();
  return ['1', 't', 'true', 'yes', 'on'].includes(text);
};
const list = (v: unknown, what: string): unknown[] => {
  if (Array.isArray(v)) return v;
  if (isNil(v)) return [];
  throw new TemplateFailure(`${what}: expected a list, got ${goKind(v)}`);
};
const dictOf = (v: unknown, what: string): Map<unknown, unknown> | Record<string, unknown> => {
  if (isGoMap(v)) return v;
  throw new TemplateFailure(`${what}: expected a map, got ${isNil(v) ? 'nil' : goKind(v)}`);
};
const sprig = (name: string, ...args: unknown[]): unknown => (STRING_FUNCTIONS[name] as TemplateFunction)(...args);

function camel(text: string, upperFirst: boolean): string {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.map((word, i) => (i === 0 && !upperFirst ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}
function delimited(text: string, separator: string): string {
  return text
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => w.toLowerCase())
    .join(separator);
}

const STRINGS = namespace('strings', {
  Abbrev: m([2, 3], (...args) => {
    const text = s(args[args.length - 1]);
    const width = toInt64(args[args.length - 2]);
    const offset = args.length === 3 ? toInt64(args[0]) : 0;
    if (width < 4) throw new TemplateFailure('strings.Abbrev: minimum width is 4');
    if (text.length <= width) return text;
    const start = Math.min(Math.max(offset, 0), text.length);
    if (start <= 4) return text.slice(0, width - 3) + '...';
    return '...' + text.slice(start, start + width - 6) + (start + width - 6 < text.length ? '...' : '');
  }),
  CamelCase: m(1, (v) => camel(s(v), /^\p{Lu}/u.test(s(v)))),
  Contains: m(2, (sub, v) => s(v).includes(s(sub))),
  HasPrefix: m(2, (p, v) => s(v).startsWith(s(p))),
  HasSuffix: m(2, (p, v) => s(v).endsWith(s(p))),
  Indent: m([1, 3], (...args) => {
    const text = s(args[args.length - 1]);
    const width = args.length >= 2 && typeof args[0] !== 'string' ? toInt64(args[0]) : 1;
    const pad = args.length === 3 ? s(args[1]) : args.length === 2 && typeof args[0] === 'string' ? s(args[0]) : ' ';
    const prefix = pad.repeat(Math.max(width, 1));
    return text.split('\n').map((line) => (line === '' ? line : prefix + line)).join('\n');
  }),
  KebabCase: m(1, (v) => delimited(s(v), '-')),
  Quote: m(1, (v) => quote(s(v))),
  Repeat: m(2, (count, v) => {
    const n = toInt64(count);
    if (n < 0) throw new TemplateFailure('strings.Repeat: negative count');
    return s(v).repeat(n);
  }),
  ReplaceAll: m(3, (from, to, v) => sprig('replace', s(from), s(to), s(v))),
  RuneCount: m([1, Infinity], (...args) => Array.from(args.map(s).join('')).length),
  ShellQuote: m(1, (v) => `'${s(v).replace(/'/g, `'"'"'`)}'`),
  Slug: m(1, (v) => s(v).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')),
  SnakeCase: m(1, (v) => delimited(s(v), '_')),
  Split: m(2, (sep, v) => goSplit(s(v), s(sep))),
  SplitN: m(3, (sep, n, v) => {
    const count = toInt64(n);
    const all = goSplit(s(v), s(sep));
    if (count === 0) return [];
    if (count < 0 || all.length <= count) return all;
    return [...all.slice(0, count - 1), all.slice(count - 1).join(s(sep))];
  }),
  Squote: m(1, (v) => `'${s(v).replace(/'/g, "''")}'`),
  Title: m(1, (v) => sprig('title', s(v))),
  ToLower: m(1, (v) => s(v).toLowerCase()),
  ToUpper: m(1, (v) => s(v).toUpperCase()),
  Trim: m(2, (cutset, v) => sprig('trimAll', s(cutset), s(v))),
  TrimLeft: m(2, (cutset, v) => {
    const set = new Set(Array.from(s(cutset)));
    const chars = Array.from(s(v));
    let i = 0;
    while (i < chars.length && set.has(chars[i]!)) i++;
    return chars.slice(i).join('');
  }),
  TrimPrefix: m(2, (p, v) => sprig('trimPrefix', s(p), s(v))),
  TrimRight: m(2, (cutset, v) => {
    const set = new Set(Array.from(s(cutset)));
    const chars = Array.from(s(v));
    let end = chars.length;
    while (end > 0 && set.has(chars[end - 1]!)) end--;
    return chars.slice(0, end).join('');
  }),
  TrimSpace: m(1, (v) => s(v).trim()),
  TrimSuffix: m(2, (p, v) => sprig('trimSuffix', s(p), s(v))),
  Trunc: m(2, (length, v) => Array.from(s(v)).slice(0, Math.max(toInt64(length), 0)).join('')),
  WordWrap: m([1, 3], (...args) => {
    const text = s(args[args.length - 1]);
    const width = args.length >= 2 ? toInt64(args[0]) : 80;
    const lbSeq = args.length === 3 ? s(args[1]) : '\n';
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    if (line !== '') lines.push(line);
    return lines.join(lbSeq);
  }),
});

const CONV = namespace('conv', {
  Bool: m(1, toBool),
  Default: m(2, (fallback, v) => (truth(v) ? v : fallback)),
  Has: m(2, (container, key) => has(container, key)),
  Join: m(2, (items, sep) => list(items, 'conv.Join').map(s).join(s(sep))),
  ParseFloat: m(1, (v) => toFloat64(s(v))),
  ParseInt: m([1, 3], (v) => toInt64(s(v))),
  ToBool: m(1, toBool),
  ToBools: m([0, Infinity], (...args) => args.map(toBool)),
  ToFloat64: m(1, toFloat64),
  ToFloat64s: m([0, Infinity], (...args) => args.map(toFloat64)),
  ToInt: m(1, toInt64),
  ToInt64: m(1, toInt64),
  ToInt64s: m([0, Infinity], (...args) => args.map(toInt64)),
  ToInts: m([0, Infinity], (...args) => args.map(toInt64)),
  ToString: m(1, s),
  ToStrings: m([0, Infinity], (...args) => args.map(s)),
  Atoi: m(1, (v) => toInt64(s(v))),
});

function has(container: unknown, key: unknown): boolean {
  if (isGoMap(container)) return typeof key === 'string' && mapHas(container, key);
  if (Array.isArray(container)) return container.some((item) => deepEqual(item, key));
  return false;
}

function mergeMaps(...maps: unknown[]): Record<string, unknown> {
  // coll.Merge: the first map wins; later ones fill in what it lacks (deeply).
  const merged: Record<string, unknown> = {};
  for (const source of [...maps].reverse()) {
    for (const [key, value] of mapEntries(dictOf(source, 'coll.Merge'))) {
      const existing = merged[String(key)];
      merged[String(key)] = isGoMap(existing) && isGoMap(value) ? mergeMaps(value, existing) : value;
    }
  }
  return merged;
}

const COLL = namespace('coll', {
  Append: m(2, (v, items) => [...list(items, 'coll.Append'), v]),
  Dict: m([0, Infinity], (...args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) out[s(args[i])] = i + 1 < args.length ? args[i + 1] : '';
    return out;
  }),
  Flatten: m([1, 2], (...args) => {
    const depth = args.length === 2 ? toInt64(args[0]) : -1;
    const flat = (items: unknown[], level: number): unknown[] =>
      items.flatMap((item) => (Array.isArray(item) && (depth < 0 || level < depth) ? flat(item, level + 1) : [item]));
    return flat(list(args[args.length - 1], 'coll.Flatten'), 0);
  }),
  Has: m(2, (container, key) => has(container, key)),
  Index: m([1, Infinity], (...args) => {
    let value = args[args.length - 1];
    for (const key of args.slice(0, -1)) value = isGoMap(value) ? mapLookup(value, key) : Array.isArray(value) ? value[toInt64(key)] : undefined;
    return value;
  }),
  Keys: m([1, Infinity], (...maps) => maps.flatMap((map) => sortedKeys(dictOf(map, 'coll.Keys')))),
  Merge: m([1, Infinity], (...maps) => mergeMaps(...maps)),
  Omit: m([2, Infinity], (...args) => {
    const map = dictOf(args[args.length - 1], 'coll.Omit');
    const drop = new Set(args.slice(0, -1).flatMap((key) => (Array.isArray(key) ? key.map(s) : [s(key)])));
    return Object.fromEntries(mapEntries(map).filter(([key]) => !drop.has(String(key))));
  }),
  Pick: m([2, Infinity], (...args) => {
    const map = dictOf(args[args.length - 1], 'coll.Pick');
    const keep = new Set(args.slice(0, -1).flatMap((key) => (Array.isArray(key) ? key.map(s) : [s(key)])));
    return Object.fromEntries(mapEntries(map).filter(([key]) => keep.has(String(key))));
  }),
  Prepend: m(2, (v, items) => [v, ...list(items, 'coll.Prepend')]),
  Reverse: m(1, (items) => [...list(items, 'coll.Reverse')].reverse()),
  Slice: m([0, Infinity], (...args) => args),
  Sort: m([1, 2], (...args) => {
    const items = [...list(args[args.length - 1], 'coll.Sort')];
    const key = args.length === 2 ? s(args[0]) : undefined;
    const at = (item: unknown) => (key !== undefined && isGoMap(item) ? mapLookup(item, key) : item);
    return items.sort((a, b) => {
      const x = at(a);
      const y = at(b);
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return s(x) < s(y) ? -1 : s(x) > s(y) ? 1 : 0;
    });
  }),
  Uniq: m(1, (items) => list(items, 'coll.Uniq').filter((item, i, all) => all.findIndex((other) => deepEqual(other, item)) === i)),
  Values: m([1, Infinity], (...maps) => maps.flatMap((map) => {
    const dict = dictOf(map, 'coll.Values');
    return sortedKeys(dict).map((key) => mapLookup(dict, key));
  })),
});

const number = (v: unknown): number => (typeof v === 'number' ? v : toFloat64(s(v)));
const MATH = namespace('math', {
  Abs: m(1, (v) => Math.abs(number(v))),
  Add: m([1, Infinity], (...args) => args.reduce<number>((sum, v) => sum + number(v), 0)),
  Ceil: m(1, (v) => Math.ceil(number(v))),
  Div: m(2, (a, b) => {
    if (number(b) === 0) throw new TemplateFailure('math.Div: division by 0');
    return number(a) / number(b);
  }),
  Floor: m(1, (v) => Math.floor(number(v))),
  IsFloat: m(1, (v) => (typeof v === 'number' ? !Number.isInteger(v) : /^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/.test(s(v)))),
  IsInt: m(1, (v) => (typeof v === 'number' ? Number.isInteger(v) : /^[+-]?\d+$/.test(s(v)))),
  IsNum: m(1, (v) => typeof v === 'number' || /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s(v))),
  Max: m([1, Infinity], (...args) => Math.max(...args.map(number))),
  Min: m([1, Infinity], (...args) => Math.min(...args.map(number))),
  Mul: m([1, Infinity], (...args) => args.reduce<number>((product, v) => product * number(v), 1)),
  Pow: m(2, (a, b) => number(a) ** number(b)),
  Rem: m(2, (a, b) => {
    if (toInt64(b) === 0) throw new TemplateFailure('math.Rem: division by 0');
    return toInt64(a) % toInt64(b);
  }),
  Round: m(1, (v) => {
    const n = number(v);
    return n < 0 ? -Math.round(-n) : Math.round(n);
  }),
  Seq: m([1, 3], (...args) => {
    const [start, end, step] = args.length === 1 ? [1, toInt64(args[0]), 1] : [toInt64(args[0]), toInt64(args[1]), args.length === 3 ? toInt64(args[2]) : 1];
    const by = step === 0 ? 1 : Math.abs(step) * (end >= start ? 1 : -1);
    const out: number[] = [];
    for (let i = start; by > 0 ? i <= end : i >= end; i += by) out.push(i);
    return out;
  }),
  Sub: m(2, (a, b) => number(a) - number(b)),
});

const REGEXP = namespace('regexp', {
  Find: m(2, (pattern, v) => compileGoRegex(s(pattern)).exec(s(v))?.[0] ?? ''),
  FindAll: m([2, 3], (...args) => {
    const re = compileGoRegex(s(args[0]));
    const limit = args.length === 3 ? toInt64(args[1]) : -1;
    const all = [...s(args[args.length - 1]).matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))].map((match) => match[0]);
    return limit < 0 ? all : all.slice(0, limit);
  }),
  Match: m(2, (pattern, v) => compileGoRegex(s(pattern)).test(s(v))),
  QuoteMeta: m(1, (v) => s(v).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
  Replace: m(3, (pattern, replacement, v) => {
    const re = compileGoRegex(s(pattern));
    return s(v).replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'), s(replacement).replace(/\$\{?(\w+)\}?/g, '$$<$1>').replace(/\$<(\d+)>/g, '$$$1'));
  }),
  ReplaceLiteral: m(3, (pattern, replacement, v) => {
    const re = compileGoRegex(s(pattern));
    return s(v).replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'), () => s(replacement));
  }),
  Split: m([2, 3], (...args) => {
    const re = compileGoRegex(s(args[0]));
    const limit = args.length === 3 ? toInt64(args[1]) : -1;
    const parts = s(args[args.length - 1]).split(re);
    return limit < 0 || parts.length <= limit ? parts : [...parts.slice(0, limit - 1), parts.slice(limit - 1).join('')];
  }),
});

/** gomplate's `data` namespace without datasources: parsing and printing JSON / YAML strings. */
const DATA = namespace('data', {
  JSON: m(1, (v) => parseJsonMap(s(v), 'data.JSON')),
  JSONArray: m(1, (v) => parseJsonList(s(v), 'data.JSONArray')),
  YAML: m(1, (v) => parseYamlText(s(v), 'data.YAML')),
  YAMLArray: m(1, (v) => parseYamlText(s(v), 'data.YAMLArray')),
  ToJSON: m(1, (v) => toJson(v)),
  ToJSONPretty: m(2, (indent, v) => toJson(v, s(indent))),
  ToYAML: m(1, (v) => toYaml(v)),
});

function parseJsonMap(text: string, what: string): unknown {
  const value = parseJson(text, what);
  if (!isGoMap(value)) throw new TemplateFailure(`${what}: expected a JSON object, got ${formatValue(value)}`);
  return value;
}
function parseJsonList(text: string, what: string): unknown {
  const value = parseJson(text, what);
  if (!Array.isArray(value)) throw new TemplateFailure(`${what}: expected a JSON array`);
  return value;
}
function parseYamlText(text: string, what: string): unknown {
  try {
    return (yamlLib().parse(text) as unknown) ?? null;
  } catch (error) {
    throw new TemplateFailure(`${what}: ${(error as Error).message}`);
  }
}
function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TemplateFailure(`${what}: ${(error as Error).message}`);
  }
}

const hash = (algorithm: string) => m(1, (v) => createHash(algorithm).update(s(v)).digest('hex'));
const CRYPTO = namespace('crypto', {
  SHA1: hash('sha1'),
  SHA224: hash('sha224'),
  SHA256: hash('sha256'),
  SHA384: hash('sha384'),
  SHA512: hash('sha512'),
  SHA512_224: hash('sha512-224'),
  SHA512_256: hash('sha512-256'),
});

const BASE64 = namespace('base64', {
  Encode: m(1, (v) => Buffer.from(s(v), 'utf8').toString('base64')),
  Decode: m(1, (v) => {
    const text = s(v);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new TemplateFailure(`base64.Decode: illegal base64 data in "${text}"`);
    return Buffer.from(text, 'base64').toString('utf8');
  }),
});

const pathMethods = {
  Base: m(1, (v) => posix.basename(s(v)) || (s(v) === '' ? '.' : '/')),
  Clean: m(1, (v) => posix.normalize(s(v) === '' ? '.' : s(v)).replace(/(.)\/$/, '$1')),
  Dir: m(1, (v) => posix.dirname(s(v))),
  Ext: m(1, (v) => posix.extname(s(v))),
  IsAbs: m(1, (v) => posix.isAbsolute(s(v))),
  Join: m([0, Infinity], (...args) => (args.length === 0 ? '' : posix.join(...args.map(s)))),
  Match: m(2, (pattern, v) => globToRegex(s(pattern)).test(s(v))),
  Split: m(1, (v) => {
    const text = s(v);
    const at = text.lastIndexOf('/') + 1;
    return [text.slice(0, at), text.slice(at)];
  }),
};
const PATH = namespace('path', pathMethods);
const FILEPATH = namespace('filepath', {
  ...pathMethods,
  FromSlash: m(1, s),
  ToSlash: m(1, s),
  Rel: m(2, (base, target) => posix.relative(s(base), s(target)) || '.'),
  VolumeName: m(1, () => ''),
});

/** path.Match: `*` any run of non-separators, `?` one non-separator, `[...]` a class. */
function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new TemplateFailure('path.Match: syntax error in pattern');
      source += '[' + pattern.slice(i + 1, end).replace(/^\^/, '^').replace(/\\/g, '\\\\') + ']';
      i = end;
    } else if (ch === '\\' && i + 1 < pattern.length) source += '\\' + pattern[++i];
    else source += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const TEST = namespace('test', {
  Assert: m([1, 2], (...args) => {
    if (!truth(args[args.length - 1])) throw new TemplateFailure(args.length === 2 ? `assertion failed: ${s(args[0])}` : 'assertion failed');
    return '';
  }),
  Fail: m([0, 1], (...args) => {
    throw new TemplateFailure(args.length === 1 ? `template generation failed: ${s(args[0])}` : 'template generation failed');
  }),
  IsKind: m(2, (kind, v) => {
    const want = s(kind);
    const actual = goKind(v);
    if (want === 'number') return ['int', 'int64', 'float64'].includes(actual);
    return actual === want;
  }),
  Kind: m(1, (v) => goKind(v)),
  Required: m([1, 2], (...args) => {
    const v = args[args.length - 1];
    if (isNil(v) || v === '') throw new TemplateFailure(args.length === 2 ? s(args[0]) : 'can not render template: a required value was not set');
    return v;
  }),
  Ternary: m(3, (whenTrue, whenFalse, condition) => (truth(condition) ? whenTrue : whenFalse)),
});

/** A small Go time.Time: what templates call on `time.Now` (Format with Go's layout, Unix, UTC, fields). */
class GoTime {
  constructor(private readonly date: Date) {}
  Format(layout: unknown): string {
    return formatGoTime(this.date, s(layout));
  }
  Unix(): number {
    return Math.floor(this.date.getTime() / 1000);
  }
  UnixNano(): number {
    return this.date.getTime() * 1e6;
  }
  UTC(): GoTime {
    return this;
  }
  Local(): GoTime {
    return this;
  }
  Year(): number {
    return this.date.getUTCFullYear();
  }
  Month(): number {
    return this.date.getUTCMonth() + 1;
  }
  Day(): number {
    return this.date.getUTCDate();
  }
  Hour(): number {
    return this.date.getUTCHours();
  }
  Minute(): number {
    return this.date.getUTCMinutes();
  }
  Second(): number {
    return this.date.getUTCSeconds();
  }
  String(): string {
    return formatGoTime(this.date, '2006-01-02 15:04:05.999999999 -0700 MST');
  }
}

/** Go's reference-time layouts (`2006-01-02T15:04:05Z07:00`), in UTC. */
function formatGoTime(date: Date, layout: string): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const tokens: Array<[string, () => string]> = [
    ['2006', () => String(date.getUTCFullYear())],
    ['January', () => months[date.getUTCMonth()]!],
    ['Monday', () => days[date.getUTCDay()]!],
    ['Z07:00', () => 'Z'],
    ['-07:00', () => '+00:00'],
    ['-0700', () => '+0000'],
    ['.999999999', () => { const ms = date.getUTCMilliseconds(); return ms === 0 ? '' : '.' + pad(ms, 3).replace(/0+$/, ''); }],
    ['.000', () => '.' + pad(date.getUTCMilliseconds(), 3)],
    ['Jan', () => months[date.getUTCMonth()]!.slice(0, 3)],
    ['Mon', () => days[date.getUTCDay()]!.slice(0, 3)],
    ['MST', () => 'UTC'],
    ['01', () => pad(date.getUTCMonth() + 1)],
    ['02', () => pad(date.getUTCDate())],
    ['15', () => pad(date.getUTCHours())],
    ['03', () => pad(date.getUTCHours() % 12 || 12)],
    ['04', () => pad(date.getUTCMinutes())],
    ['05', () => pad(date.getUTCSeconds())],
    ['06', () => pad(date.getUTCFullYear() % 100)],
    ['PM', () => (date.getUTCHours() >= 12 ? 'PM' : 'AM')],
  ];
  let out = '';
  outer: for (let i = 0; i < layout.length;) {
    for (const [token, render] of tokens) {
      if (layout.startsWith(token, i)) {
        out += render();
        i += token.length;
        continue outer;
      }
    }
    out += layout[i++];
  }
  return out;
}

/** `time`, `uuid`, `random`: values that differ on every run; the caller is told (it warns). */
function volatile<T>(ctx: CallContext, name: string, build: () => T): T {
  ctx.onVolatile?.(name);
  return build();
}

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const randomFrom = (alphabet: string, count: number) => Array.from({ length: count }, () => alphabet[randomInt(alphabet.length)]).join('');

const NETWORK_NAMESPACES: Record<string, string> = {
  aws: 'reads AWS APIs (EC2 metadata, STS, KMS, Secrets Manager)',
  net: 'resolves names over the network',
  http: 'makes HTTP requests',
  datasource: 'reads datasources, which may be URLs',
  ds: 'reads datasources, which may be URLs',
  include: 'reads datasources, which may be URLs',
  defineDatasource: 'defines datasources, which may be URLs',
  gcp: 'reads Google Cloud APIs',
  sockaddr: 'reads the network interfaces',
};

/** The gomplate namespaces as template functions, for the builtin function table. */
export const GOMPLATE_FUNCTIONS: Record<string, TemplateFunction> = {
  strings: () => STRINGS,
  conv: () => CONV,
  coll: () => COLL,
  math: () => MATH,
  regexp: () => REGEXP,
  crypto: () => CRYPTO,
  data: () => DATA,
  base64: () => BASE64,
  path: () => PATH,
  filepath: () => FILEPATH,
  test: () => TEST,
  file: function (this: CallContext) {
    return fileNamespace(this);
  },
  time: function (this: CallContext) {
    return volatile(this, 'time', () => namespace('time', {
      Now: m(0, () => new GoTime(new Date())),
      Unix: m(1, (seconds) => new GoTime(new Date(toInt64(seconds) * 1000))),
    }));
  },
  uuid: function (this: CallContext) {
    return volatile(this, 'uuid', () => namespace('uuid', {
      V4: m(0, () => randomUUID()),
      Nil: m(0, () => '00000000-0000-0000-0000-000000000000'),
      IsValid: m(1, (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s(v))),
    }));
  },
  random: function (this: CallContext) {
    return volatile(this, 'random', () => namespace('random', {
      ASCII: m(1, (count) => randomFrom(Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''), toInt64(count))),
      Alpha: m(1, (count) => randomFrom(ALPHA, toInt64(count))),
      AlphaNum: m(1, (count) => randomFrom(ALPHA + '0123456789', toInt64(count))),
      String: m([1, 3], (count) => randomFrom(ALPHA + '0123456789', toInt64(count))),
      Item: m(1, (items) => {
        const all = list(items, 'random.Item');
        return all.length === 0 ? undefined : all[randomInt(all.length)];
      }),
      Number: m([0, 2], (...args) => {
        const [min, max] = args.length === 2 ? [toInt64(args[0]), toInt64(args[1])] : args.length === 1 ? [0, toInt64(args[0])] : [0, 100];
        return randomInt(min, max + 1);
      }),
      Float: m([0, 2], (...args) => {
        const [min, max] = args.length === 2 ? [number(args[0]), number(args[1])] : args.length === 1 ? [0, number(args[0])] : [0, 1];
        return min + (randomBytes(4).readUInt32BE() / 0x1_0000_0000) * (max - min);
      }),
    }));
  },
};
for (const [name, why] of Object.entries(NETWORK_NAMESPACES)) {
  GOMPLATE_FUNCTIONS[name] = () => {
    throw new TemplateFailure(`gomplate's "${name}" functions are not available: ${name}.* ${why}, and stack templates are rendered without network access`);
  };
}

/** For tests: the names of every method of a namespace. */
export function namespaceMethods(name: string): string[] {
  const ns = (GOMPLATE_FUNCTIONS[name] as (this: CallContext) => Methods).call({ env: {} });
  return Object.keys(ns).sort();
}

