/**
 * Sprig's dict functions. Like Sprig, set/unset/merge modify the dict they are given and return
 * it (templates rely on `$_ := set $d "k" v` updating $d).
 */
import {
  compareStrings,
  isEmptyValue,
  isGoMap,
  isNil,
  mapDelete,
  mapEntries,
  mapHas,
  mapLookup,
  mapSet,
  MISSING,
  sortedKeys,
  type GoMap,
} from '../values';
import { strval } from './conversion';
import { fn, variadic, type TemplateFunction } from './signature';

function dict(...pairs: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    // An odd trailing key gets "", as in Sprig.
    out[strval(pairs[i])] = i + 1 < pairs.length ? pairs[i + 1] : '';
  }
  return out;
}

function get(d: GoMap | null, key: string): unknown {
  if (d === null) return '';
  const v = mapLookup(d, key);
  return v === MISSING ? '' : v;
}

/**
 * mergo.Merge as Sprig uses it: nested maps merge recursively; any other value is copied from
 * `src` when `dst` lacks the key or holds an empty value — or always, with `overwrite`.
 */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [key, value] of mapEntries(src)) {
    const k = String(key);
    if (isNil(value)) {
      if (overwrite) mapSet(dst, k, value);
      continue;
    }
    const existing = mapLookup(dst, k);
    const present = existing !== MISSING;
    if (isGoMap(value) && present && isGoMap(existing)) {
      mergeInto(existing, value, overwrite);
      if (!isEmptyValue(existing)) continue;
    }
    if (overwrite || !present || isEmptyValue(existing)) mapSet(dst, k, value);
  }
}

function merge(overwrite: boolean, dst: GoMap | null, ...srcs: (GoMap | null)[]): GoMap {
  const target = dst ?? {};
  for (const src of srcs) if (src !== null) mergeInto(target, src, overwrite);
  return target;
}

/** dig "a" "b" "default" $dict: the value at a.b, or the default when a key is missing. */
function dig(...args: unknown[]): unknown {
  if (args.length < 3) throw new Error('dig needs at least three arguments');
  const root = args[args.length - 1];
  const fallback = args[args.length - 2];
  const keys = args.slice(0, -2);
  let current: unknown = root;
  for (const key of keys) {
    if (typeof key !== 'string') throw new Error(`dig keys must be strings, got ${strval(key)}`);
    if (!isGoMap(current)) throw new Error(`dig: value before key "${key}" is not a dict`);
    const next = mapLookup(current, key);
    if (next === MISSING) return fallback;
    current = next;
  }
  return current;
}

/** A deep copy of plain data (dicts, lists, scalars), as Sprig's deepCopy. */
function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isGoMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of mapEntries(v)) out[String(k)] = deepCopy(x);
    return out;
  }
  return v;
}

export const DICT_FUNCTIONS: Record<string, TemplateFunction> = {
  dict: variadic([], 'any', dict),
  get: fn(['map', 'string'], get),
  set: fn(['map', 'string', 'any'], (d, key, value) => {
    if (d === null) throw new Error('assignment to entry in nil map');
    mapSet(d, key, value);
    return d;
  }),
  unset: fn(['map', 'string'], (d, key) => {
    if (d !== null) mapDelete(d, key);
    return d;
  }),
  hasKey: fn(['map', 'string'], (d, key) => d !== null && mapHas(d, key)),
  // Go's map order is random; sorted is one valid order and makes output deterministic.
  keys: variadic([], 'map', (...dicts) =>
    dicts.flatMap((d) => (d === null ? [] : sortedKeys(d).map(String))).sort(compareStrings),
  ),
  values: fn(['map'], (d) => (d === null ? [] : mapEntries(d).map(([, v]) => v))),
  pluck: variadic(['string'], 'map', (key, ...dicts) =>
    dicts.flatMap((d) => {
      if (d === null) return [];
      const v = mapLookup(d, key);
      return v === MISSING ? [] : [v];
    }),
  ),
  merge: variadic(['map'], 'map', (dst, ...srcs) => merge(false, dst, ...srcs)),
  mergeOverwrite: variadic(['map'], 'map', (dst, ...srcs) => merge(true, dst, ...srcs)),
  pick: variadic(['map'], 'string', (d, ...keys) => {
    const out: Record<string, unknown> = {};
    if (d !== null) for (const k of keys) if (mapHas(d, k)) out[k] = mapLookup(d, k);
    return out;
  }),
  omit: variadic(['map'], 'string', (d, ...keys) => {
    const out: Record<string, unknown> = {};
    if (d !== null) for (const [k, v] of mapEntries(d)) if (!keys.includes(String(k))) out[String(k)] = v;
    return out;
  }),
  dig: variadic([], 'any', dig),
  deepCopy: fn(['any'], deepCopy),
};
