/**
 * Float formatting the way Go's strconv does it, for %e, %f, %g and %v.
 *
 * JS's toFixed/toPrecision round exact ties away from zero (2.5 -> "3") whereas Go rounds
 * them to even (2.5 -> "2", 0.125 -> "0.12"), so fixed-precision output is computed exactly
 * from the binary value with BigInt. Shortest output (%v, %g without precision) uses JS's
 * shortest round-trip digits, which are the same digits Go picks; only the layout differs
 * (Go switches to exponent form from 1e+06 on: `fmt.Println(1000000.5)` prints 1.0000005e+06).
 * All functions take a finite, non-negative value; callers add the sign.
 */

interface Digits {
  /** Significant decimal digits, no leading zeros (except for zero itself). */
  digits: string;
  /** Decimal exponent of the first digit: value = 0.d1d2d3... * 10^(exp + 1). */
  exp: number;
}

const view = new DataView(new ArrayBuffer(8));

/** x = mant * 2^exp exactly. */
function decompose(x: number): { mant: bigint; exp: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mant: frac, exp: -1074 };
  return { mant: frac | (1n << 52n), exp: biased - 1075 };
}

/** x * 10^shift rounded to an integer, ties to even. */
function scaledRound(x: number, shift: number): bigint {
  const { mant, exp } = decompose(x);
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const q = num / den;
  const twice = (num % den) * 2n;
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** `prec` digits after the point (Go's %.{prec}f). */
export function formatFixed(x: number, prec: number): string {
  const digits = scaledRound(x, prec).toString();
  if (prec === 0) return digits;
  const padded = digits.padStart(prec + 1, '0');
  return `${padded.slice(0, -prec)}.${padded.slice(-prec)}`;
}

/** The value rounded to `count` significant digits. */
function roundedDigits(x: number, count: number): Digits {
  if (x === 0) return { digits: '0'.repeat(count), exp: 0 };
  let exp = Math.floor(Math.log10(x));
  for (;;) {
    const digits = scaledRound(x, count - 1 - exp).toString();
    if (digits.length > count) exp++;
    else if (digits.length < count) exp--;
    else return { digits, exp };
  }
}

/** The shortest digits that read back as the same float. */
function shortestDigits(x: number): Digits {
  if (x === 0) return { digits: '0', exp: 0 };
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exp: Number(exponent) };
}

function layoutExp({ digits, exp }: Digits, fracDigits: number, upper: boolean): string {
  const first = digits[0] ?? '0';
  const rest = digits.slice(1, 1 + fracDigits).padEnd(fracDigits, '0');
  const mantissa = fracDigits > 0 ? `${first}.${rest}` : first;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${mantissa}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e}`;
}

function layoutFixed({ digits, exp }: Digits, fracDigits: number): string {
  const dp = exp + 1; // digits before the point
  let intPart = '0';
  if (dp > 0) intPart = digits.slice(0, dp).padEnd(dp, '0');
  if (fracDigits === 0) return intPart;
  let frac = '';
  for (let i = 0; i < fracDigits; i++) {
    const idx = dp + i;
    frac += idx >= 0 && idx < digits.length ? digits[idx] : '0';
  }
  return `${intPart}.${frac}`;
}

/** Go's %.{prec}e; prec defaults to 6 in fmt. */
export function formatExp(x: number, prec: number, upper = false): string {
  return layoutExp(roundedDigits(x, prec + 1), prec, upper);
}

/** Go's %g with a precision (prec >= 0) or shortest (prec < 0, which is also %v). */
export function formatGeneral(x: number, prec: number, upper = false): string {
  if (x === 0) return '0';
  const shortest = prec < 0;
  let d: Digits;
  if (shortest) {
    d = shortestDigits(x);
    prec = d.digits.length;
  } else {
    if (prec === 0) prec = 1;
    d = roundedDigits(x, prec);
    d = { digits: d.digits.replace(/0+$/, '') || '0', exp: d.exp };
  }
  const nd = d.digits.length;
  const dp = d.exp + 1;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  if (shortest) eprec = 6;
  if (d.exp < -4 || d.exp >= eprec) {
    return layoutExp(d, Math.min(prec, nd) - 1, upper);
  }
  if (prec > dp) prec = nd;
  return layoutFixed(d, Math.max(prec - dp, 0));
}
