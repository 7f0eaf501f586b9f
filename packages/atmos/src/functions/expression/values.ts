/**
 * Helpers for the JSON-like values expressions work on: type names for messages, Terraform's
 * primitive conversions, safe map access, deep merge and JSON encoding.
 */
import type { PathSegment } from './ast';
import { ExpressionError } from './errors';

export type ValueMap = Record<string, unknown>;

export function isMap(value: unknown): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Type name for messages: string, number, bool, null, list, map. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'object') return 'map';
  return typeof value;
}

export function hasKey(map: ValueMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** Sets an own, enumerable property (also for keys like `__proto__`). */
export function setKey(map: ValueMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Terraform's number-to-string conversion: plain decimal, never an exponent (1e21 → "1000…"). */
export function numberToString(n: number): string {
  if (!Number.isFinite(n)) throw new ExpressionError(`cannot use ${n} as a number`);
  if (Object.is(n, -0)) return '0';
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (negative ? '-' : '') + out;
}

const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Terraform's string-to-number conversion (decimal notation only). */
export function parseNumber(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** A primitive as a string (Terraform's conversion); `what` names the argument in errors. */
export function toStr(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) throw new ExpressionError(`${what} must not be null`);
  throw new ExpressionError(`${what} must be a string, got a ${typeName(value)}`);
}

/** A number, or a string holding a decimal number (Terraform's conversion). */
export function toNum(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = parseNumber(value);
    if (n === undefined) throw new ExpressionError(`${what}: cannot convert ${JSON.stringify(value)} to a number`);
    return n;
  }
  if (value === null || value === undefined) throw new ExpressionError(`${what} must not be null`);
  throw new ExpressionError(`${what} must be a number, got a ${typeName(value)}`);
}

/**
 * Atmos deep merge: maps merge recursively, the later value wins for everything else (lists
 * are replaced, not appended; a later null replaces too). Inputs are not modified.
 */
export function deepMerge(...maps: ValueMap[]): ValueMap {
  const out: ValueMap = {};
  for (const map of maps) mergeInto(out, map);
  return out;
}

function mergeInto(target: ValueMap, source: ValueMap): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const existing = hasKey(target, key) ? target[key] : undefined;
    if (isMap(value) && isMap(existing)) {
      const merged: ValueMap = {};
      mergeInto(merged, existing);
      mergeInto(merged, value);
      setKey(target, key, merged);
    } else {
      setKey(target, key, isMap(value) ? deepMerge(value) : value);
    }
  }
}

/**
 * `jsonencode` as Terraform does it: object keys sorted, numbers in plain decimal, and `<`,
 * `>`, `&`, U+2028 and U+2029 escaped like Go's encoder.
 */
export function jsonEncode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(jsonEncode).join(',')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${jsonEncode(k)}:${jsonEncode(value[k])}`).join(',')}}`;
  }
  throw new ExpressionError(`cannot encode a ${typeof value} as JSON`);
}

/** `vars.a.b[0]["x y"]` style path text for messages. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
