/**
 * How JS values play the roles of Go values in templates.
 *
 * Atmos hands templates `map[string]any` data decoded from YAML; here that data is plain JS.
 * - `null` / `undefined` are Go's nil.
 * - Plain objects and `Map`s are maps; arrays are slices.
 * - Integer-valued numbers behave as Go `int`, other numbers as `float64` (JS cannot tell `5`
 *   from `5.0`, so both are int).
 * - Other objects (class instances) are struct-like: their properties are fields and their
 *   function properties are methods.
 */

export type GoMap = Record<string, unknown> | Map<unknown, unknown>;

/** Marks "no value was piped in", which Go distinguishes from a piped nil. */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isGoMap(v: unknown): v is GoMap {
  return v instanceof Map || isPlainObject(v);
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The value stored under `key`, or MISSING. Only own properties count, never `toString` & co. */
export function mapLookup(m: GoMap, key: unknown): unknown {
  if (m instanceof Map) return m.has(key) ? m.get(key) : MISSING;
  if (typeof key !== 'string') return MISSING;
  return hasOwn.call(m, key) ? m[key] : MISSING;
}

export function mapHas(m: GoMap, key: string): boolean {
  return m instanceof Map ? m.has(key) : hasOwn.call(m, key);
}

export function mapSet(m: GoMap, key: string, value: unknown): void {
  if (m instanceof Map) m.set(key, value);
  else m[key] = value;
}

export function mapDelete(m: GoMap, key: string): void {
  if (m instanceof Map) m.delete(key);
  else delete m[key];
}

export function mapSize(m: GoMap): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Keys in the order Go uses when it must be deterministic (fmt, range): numbers, then strings. */
export function sortedKeys(m: GoMap): unknown[] {
  if (!(m instanceof Map)) return Object.keys(m).sort(compareStrings);
  return [...m.keys()].sort(compareKeys);
}

/** Plain code-unit comparison; avoids locale-aware sorting, which Go never does. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareStrings(String(a), String(b));
}

export function mapEntries(m: GoMap): [unknown, unknown][] {
  if (m instanceof Map) return sortedKeys(m).map((k) => [k, m.get(k)]);
  return Object.keys(m)
    .sort(compareStrings)
    .map((k) => [k, m[k]]);
}

/** Go's notion of truth used by if/with/and/or/not: zero values and empty collections are false. */
export function truth(v: unknown): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'string':
      return v.length > 0;
    case 'undefined':
      return false;
    case 'bigint':
      return v !== 0n;
    case 'object':
      if (v === null) return false;
      if (Array.isArray(v)) return v.length > 0;
      if (v instanceof Map) return v.size > 0;
      if (isPlainObject(v)) {
        for (const k in v) if (hasOwn.call(v, k)) return true;
        return false;
      }
      return true;
    default:
      return true;
  }
}

/** Go's reflect.Kind name, as Sprig's kindOf reports it. */
export function goKind(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func';
    case 'undefined':
      return 'invalid';
    default:
      if (v === null) return 'invalid';
      if (Array.isArray(v)) return 'slice';
      if (isGoMap(v)) return 'map';
      return 'struct';
  }
}

/** Go's %T name of the value's type, used by typeOf and in error messages. */
export function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'invalid':
      return '<nil>';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'func':
      return 'func';
    case 'struct':
      return (v as object).constructor?.name || 'struct';
    default:
      return goKind(v);
  }
}

/** reflect.DeepEqual for template data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isGoMap(a) && isGoMap(b)) {
    const ka = sortedKeys(a);
    const kb = sortedKeys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k, i) => k === kb[i] && deepEqual(mapLookup(a, k), mapLookup(b, k)));
  }
  return false;
}

/** Sprig's `empty`: nil, false, 0, "" and empty collections. Struct-like objects are never empty. */
export function isEmptyValue(v: unknown): boolean {
  if (isNil(v)) return true;
  if (typeof v === 'object' && !Array.isArray(v) && !isGoMap(v)) return false;
  return !truth(v);
}

// ---------------------------------------------------------------------------------------
// Go strings are UTF-8 bytes: len, index, slice and Sprig's substr/trunc count bytes.

const ASCII = /^[\x00-\x7f]*$/;

export function byteLength(s: string): number {
  return ASCII.test(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** s[start:end] on the UTF-8 bytes; a cut through a character yields U+FFFD, as printing would. */
export function byteSlice(s: string, start: number, end?: number): string {
  if (ASCII.test(s)) return s.slice(start, end);
  return Buffer.from(s, 'utf8').subarray(start, end).toString('utf8');
}

export function byteAt(s: string, i: number): number {
  if (ASCII.test(s)) return s.charCodeAt(i);
  return Buffer.from(s, 'utf8')[i] as number;
}
