/**
 * Sprig's arithmetic. The plain functions (add, sub, mul, div, mod, max, min) work on int64:
 * every argument is truncated first and div truncates, so `div 7 2` is 3 and `add 1.5 1` is 2.
 * The `f` variants work on decimals (Sprig uses shopspring/decimal), so `addf 1.1 2.2` is 3.3,
 * not 3.3000000000000003.
 */
import { toFloat64, toInt64 } from './conversion';
import { fn, variadic, type TemplateFunction } from './signature';

/** Go's int64 arithmetic wraps around; JS numbers lose precision beyond 2^53 instead. */
function intDiv(a: unknown, b: unknown): number {
  const d = toInt64(b);
  if (d === 0) throw new Error('runtime error: integer divide by zero');
  return Math.trunc(toInt64(a) / d);
}

function intMod(a: unknown, b: unknown): number {
  const d = toInt64(b);
  if (d === 0) throw new Error('runtime error: integer divide by zero');
  return toInt64(a) % d;
}

// ---------------------------------------------------------------------------------------
// Exact decimals: value = int * 10^-scale, built from a float's shortest decimal form
// (decimal.NewFromFloat does the same).

interface Decimal {
  int: bigint;
  scale: number;
}

function toDecimal(v: unknown): Decimal {
  const x = toFloat64(v);
  if (!Number.isFinite(x)) throw new Error(`cannot use ${x} as a decimal`);
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const [whole, frac = ''] = mantissa.split('.') as [string, string?];
  const scale = frac.length - Number(exponent);
  const int = BigInt(whole + frac);
  return scale >= 0 ? { int, scale } : { int: int * 10n ** BigInt(-scale), scale: 0 };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.int * 10n ** BigInt(scale - a.scale), b.int * 10n ** BigInt(scale - b.scale), scale];
}

function decimalToNumber(d: Decimal): number {
  const negative = d.int < 0n;
  const digits = (negative ? -d.int : d.int).toString().padStart(d.scale + 1, '0');
  const text = d.scale > 0 ? `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}` : digits;
  return Number((negative ? '-' : '') + text);
}

const DIVISION_PRECISION = 16;

type DecimalOp = (a: Decimal, b: Decimal) => Decimal;

const decimalOps: Record<'add' | 'sub' | 'mul' | 'div', DecimalOp> = {
  add: (a, b) => {
    const [x, y, scale] = align(a, b);
    return { int: x + y, scale };
  },
  sub: (a, b) => {
    const [x, y, scale] = align(a, b);
    return { int: x - y, scale };
  },
  mul: (a, b) => ({ int: a.int * b.int, scale: a.scale + b.scale }),
  /** Rounded half away from zero to 16 places, as decimal.Div does. */
  div: (a, b) => {
    if (b.int === 0n) throw new Error('decimal division by 0');
    const num = a.int * 10n ** BigInt(b.scale + DIVISION_PRECISION + 1);
    const den = b.int * 10n ** BigInt(a.scale);
    let q = num / den; // one extra digit for rounding
    const negative = q < 0n;
    if (negative) q = -q;
    q = (q + 5n) / 10n;
    return { int: negative ? -q : q, scale: DIVISION_PRECISION };
  },
};

function decimalFold(op: DecimalOp, first: unknown, rest: unknown[]): number {
  let acc = toDecimal(first);
  for (const x of rest) acc = op(acc, toDecimal(x));
  return decimalToNumber(acc);
}

/** Sprig's round: to `places` decimals, rounding up from `roundOn` (default .5). */
function round(a: unknown, places: number, ...roundOn: number[]): number {
  const threshold = roundOn[0] ?? 0.5;
  const pow = Math.pow(10, places);
  const digit = pow * toFloat64(a);
  const fraction = digit - Math.trunc(digit);
  return (fraction >= threshold ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

export const MATH_FUNCTIONS: Record<string, TemplateFunction> = {
  add: variadic([], 'any', (...xs) => xs.reduce<number>((sum, x) => sum + toInt64(x), 0)),
  add1: fn(['any'], (x) => toInt64(x) + 1),
  sub: fn(['any', 'any'], (a, b) => toInt64(a) - toInt64(b)),
  mul: variadic(['any'], 'any', (first, ...xs) => xs.reduce<number>((p, x) => p * toInt64(x), toInt64(first))),
  div: fn(['any', 'any'], intDiv),
  mod: fn(['any', 'any'], intMod),
  max: variadic(['any'], 'any', (first, ...xs) => Math.max(toInt64(first), ...xs.map(toInt64))),
  biggest: variadic(['any'], 'any', (first, ...xs) => Math.max(toInt64(first), ...xs.map(toInt64))),
  min: variadic(['any'], 'any', (first, ...xs) => Math.min(toInt64(first), ...xs.map(toInt64))),
  addf: variadic([], 'any', (...xs) => decimalFold(decimalOps.add, 0, xs)),
  add1f: fn(['any'], (x) => decimalFold(decimalOps.add, x, [1])),
  subf: variadic(['any'], 'any', (first, ...xs) => decimalFold(decimalOps.sub, first, xs)),
  mulf: variadic(['any'], 'any', (first, ...xs) => decimalFold(decimalOps.mul, first, xs)),
  divf: variadic(['any'], 'any', (first, ...xs) => decimalFold(decimalOps.div, first, xs)),
  maxf: variadic(['any'], 'any', (first, ...xs) => Math.max(toFloat64(first), ...xs.map(toFloat64))),
  minf: variadic(['any'], 'any', (first, ...xs) => Math.min(toFloat64(first), ...xs.map(toFloat64))),
  floor: fn(['any'], (x) => Math.floor(toFloat64(x))),
  ceil: fn(['any'], (x) => Math.ceil(toFloat64(x))),
  round: variadic(['any', 'int'], 'number', round),
};
