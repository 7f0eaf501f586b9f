/**
 * Sprig's conversions (toString, toStrings, atoi, int, int64, float64) and the lenient number
 * coercion its arithmetic relies on (spf13/cast): unparseable input becomes 0, never an error.
 */
import { formatValue } from '../format';
import { parseGoFloat, parseGoInt } from '../literals';
import { isNil } from '../values';
import { fn, type TemplateFunction } from './signature';

/** Sprig's strval: strings as they are, everything else as fmt's %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Error) return v.message;
  return formatValue(v);
}

/** Sprig's strslice: a list becomes its non-nil elements as strings; nil becomes []. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => !isNil(x)).map(strval);
  if (isNil(v)) return [];
  return [strval(v)];
}

/** cast drops a trailing ".0…" before parsing an integer, so "5.00" is 5. */
function trimZeroDecimal(s: string): string {
  const m = /^(.*)\.0+$/.exec(s);
  return m ? (m[1] as string) : s;
}

/** cast.ToInt64: numbers truncate, bools are 0/1, strings parse with Go's base prefixes, else 0. */
export function toInt64(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? Math.trunc(v) : 0;
    case 'boolean':
      return v ? 1 : 0;
    case 'bigint':
      return Number(v);
    case 'string':
      return parseGoInt(trimZeroDecimal(v)) ?? 0;
    default:
      return 0;
  }
}

/** cast.ToFloat64: like toInt64 but keeps fractions. */
export function toFloat64(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'bigint':
      return Number(v);
    case 'string':
      return parseGoFloat(v) ?? 0;
    default:
      return 0;
  }
}

/** strconv.Atoi: optional sign and decimal digits only; anything else is 0 in Sprig. */
export function atoi(s: string): number {
  return /^[+-]?[0-9]+$/.test(s) ? parseInt(s, 10) : 0;
}

export const CONVERSION_FUNCTIONS: Record<string, TemplateFunction> = {
  toString: fn(['any'], strval),
  toStrings: fn(['any'], strslice),
  atoi: fn(['string'], atoi),
  int: fn(['any'], toInt64),
  int64: fn(['any'], toInt64),
  float64: fn(['any'], toFloat64),
};
