/**
 * Terraform's `format(spec, args...)`: printf-style verbs with Terraform's semantics.
 *
 *   %%  a literal percent sign          %v  default format (%#v for lists and maps)
 *   %#v JSON, as jsonencode             %t  bool
 *   %b %d %o %x %X  integers (%#x adds 0x, precision = minimum digits)
 *   %e %E %f %g %G  numbers (exact decimal rounding, half to even, like Go's big.Float)
 *   %s  string (numbers and bools converted)   %q  quoted string
 *
 * Flags `+ - space 0 #`, a width, a `.precision` and an explicit argument index `%[2]s` are
 * supported. Numbers are formatted from their exact binary value; `%v`/`%g` use the shortest
 * digits, so `format("%v", 1234567)` is "1.234567e+06" as in Terraform (use `%d` or `%s`).
 */
import { ExpressionError } from './errors';
import { isMap, jsonEncode, numberToString, parseNumber, typeName } from './values';

interface Spec {
  flags: string;
  width: number | undefined;
  precision: number | undefined;
  verb: string;
  /** Offset of the `%` and the verb text, for messages. */
  offset: number;
  text: string;
}

const VERBS = new Set(['v', 't', 'b', 'd', 'o', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G', 's', 'q']);

export function format(spec: string, args: unknown[]): string {
  let out = '';
  let nextArg = 0;
  let highest = 0;
  let i = 0;
  while (i < spec.length) {
    const c = spec[i];
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    if (spec[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    const m = /%([-+ 0#]*)(?:\[(\d+)\])?(\d+)?(?:\.(\d*))?(.?)/uy;
    m.lastIndex = i;
    const r = m.exec(spec)!;
    const verb = r[5];
    const text = r[0];
    if (verb === '') throw new ExpressionError(`invalid format verb at end of string: ${JSON.stringify(text)}`);
    if (!VERBS.has(verb)) throw new ExpressionError(`unsupported format verb '${verb}' in ${JSON.stringify(text)} at offset ${i}`);
    if (r[2] !== undefined) nextArg = Number(r[2]) - 1;
    const s: Spec = {
      flags: r[1],
      width: r[3] === undefined ? undefined : Number(r[3]),
      precision: r[4] === undefined ? undefined : r[4] === '' ? 0 : Number(r[4]),
      verb,
      offset: i,
      text,
    };
    if (nextArg < 0 || nextArg >= args.length) {
      throw new ExpressionError(
        `not enough arguments for ${JSON.stringify(text)} at ${i}: need index ${nextArg + 1} but have ${args.length} total`,
      );
    }
    out += formatOne(s, args[nextArg]);
    nextArg++;
    highest = Math.max(highest, nextArg);
    i += text.length;
  }
  if (highest < args.length) {
    throw new ExpressionError(`too many arguments; only ${highest} used by format string`);
  }
  return out;
}

function unsupported(s: Spec, why: string): ExpressionError {
  return new ExpressionError(`unsupported value for ${JSON.stringify(s.text)} at ${s.offset}: ${why}`);
}

function formatOne(s: Spec, value: unknown): string {
  switch (s.verb) {
    case 'v':
      if (s.flags.includes('#')) return pad(s, jsonEncode(value));
      if (value === null || value === undefined) return pad(s, 'null');
      if (typeof value === 'string') return formatString(s, value);
      if (typeof value === 'number') return formatFloat(s, value, 'g');
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      return pad(s, jsonEncode(value));
    case 't': {
      if (value === true || value === 'true') return 'true';
      if (value === false || value === 'false') return 'false';
      throw unsupported(s, 'bool is required');
    }
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X': {
      const n = number(s, value);
      if (!Number.isInteger(n)) throw unsupported(s, 'an integer is required');
      return formatInteger(s, BigInt(n));
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const f = formatFloat(s, number(s, value), s.verb.toLowerCase() === 'f' ? 'f' : (s.verb.toLowerCase() as 'e' | 'g'));
      return s.verb === 'E' || s.verb === 'G' ? f.toUpperCase() : f;
    }
    case 's':
      return formatString(s, string(s, value));
    case 'q':
      return pad(s, goQuote(truncate(s, string(s, value))));
  }
  /* istanbul ignore next */
  throw unsupported(s, 'unknown verb');
}

function number(s: Spec, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = parseNumber(value);
    if (n !== undefined) return n;
  }
  if (value === null || value === undefined) throw unsupported(s, 'null value cannot be formatted');
  throw unsupported(s, 'a number is required');
}

function string(s: Spec, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) throw unsupported(s, 'null value cannot be formatted');
  throw unsupported(s, `string required, got a ${Array.isArray(value) || isMap(value) ? typeName(value) : typeof value}`);
}

function truncate(s: Spec, text: string): string {
  if (s.precision === undefined) return text;
  return Array.from(text).slice(0, s.precision).join('');
}

function formatString(s: Spec, text: string): string {
  return pad(s, truncate(s, text));
}

/** Width padding in characters: right with `-`, zeros with `0`, otherwise spaces on the left. */
function pad(s: Spec, text: string): string {
  const length = Array.from(text).length;
  if (s.width === undefined || length >= s.width) return text;
  const fill = s.width - length;
  if (s.flags.includes('-')) return text + ' '.repeat(fill);
  return (s.flags.includes('0') ? '0' : ' ').repeat(fill) + text;
}

function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code === 12) out += '\\f';
    else if (code === 11) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Go's big.Int formatting for %b %d %o %x %X. */
function formatInteger(s: Spec, n: bigint): string {
  const base = { b: 2, d: 10, o: 8, x: 16, X: 16 }[s.verb as 'b' | 'd' | 'o' | 'x' | 'X'];
  const sign = n < 0n ? '-' : s.flags.includes('+') ? '+' : s.flags.includes(' ') ? ' ' : '';
  let digits = (n < 0n ? -n : n).toString(base);
  if (s.verb === 'X') digits = digits.toUpperCase();
  let prefix = '';
  if (s.flags.includes('#')) prefix = { b: '0b', o: '0', x: '0x', X: '0X', d: '' }[s.verb as 'b' | 'd' | 'o' | 'x' | 'X'];
  let zeros = 0;
  if (s.precision !== undefined) {
    if (digits.length < s.precision) zeros = s.precision - digits.length;
    else if (digits === '0' && s.precision === 0) return '';
  }
  const length = sign.length + prefix.length + zeros + digits.length;
  let left = 0;
  let right = 0;
  if (s.width !== undefined && length < s.width) {
    const d = s.width - length;
    if (s.flags.includes('-')) right = d;
    else if (s.flags.includes('0') && s.precision === undefined) zeros = d;
    else left = d;
  }
  return ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right);
}

/** Decimal digits of |x|: value = 0.mant × 10^exp; mant has no leading or trailing zeros. */
interface Decimal {
  mant: string;
  exp: number;
}

/** The exact decimal expansion of a double. */
function exactDecimal(x: number): Decimal {
  const a = Math.abs(x);
  if (a === 0) return { mant: '', exp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) e2 = -1074;
  else {
    mantissa |= 1n << 52n;
    e2 = biased - 1075;
  }
  let digits: string;
  let pointShift: number; // digits × 10^-pointShift
  if (e2 >= 0) {
    digits = (mantissa << BigInt(e2)).toString();
    pointShift = 0;
  } else {
    digits = (mantissa * 5n ** BigInt(-e2)).toString();
    pointShift = -e2;
  }
  return trim({ mant: digits, exp: digits.length - pointShift });
}

/** The shortest decimal that reads back as the same double (JavaScript's own choice). */
function shortestDecimal(x: number): Decimal {
  const a = Math.abs(x);
  if (a === 0) return { mant: '', exp: 0 };
  const [m, e] = a.toExponential().split('e');
  return trim({ mant: m.replace('.', ''), exp: Number(e) + 1 });
}

function trim(d: Decimal): Decimal {
  let mant = d.mant.replace(/0+$/, '');
  let exp = d.exp;
  const lead = mant.length - mant.replace(/^0+/, '').length;
  mant = mant.slice(lead);
  exp -= lead;
  return mant === '' ? { mant: '', exp: 0 } : { mant, exp };
}

/** Round to n digits, half to even (the digits are exact, so a lone trailing 5 is a tie). */
function round(d: Decimal, n: number): Decimal {
  if (n < 0 || n >= d.mant.length) return d;
  const tie = d.mant[n] === '5' && n + 1 === d.mant.length;
  const up = tie ? n > 0 && Number(d.mant[n - 1]) % 2 === 1 : d.mant[n] >= '5';
  if (!up) return trim({ mant: d.mant.slice(0, n), exp: d.exp });
  let k = n;
  while (k > 0 && d.mant[k - 1] === '9') k--;
  if (k === 0) return { mant: '1', exp: d.exp + 1 };
  return { mant: d.mant.slice(0, k - 1) + String(Number(d.mant[k - 1]) + 1), exp: d.exp };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.mant.length ? d.mant[i] : '0';
}

function fmtE(d: Decimal, prec: number): string {
  let out = d.mant.length > 0 ? d.mant[0] : '0';
  if (prec > 0) {
    out += '.';
    const rest = d.mant.slice(1, Math.min(d.mant.length, prec + 1));
    out += rest + '0'.repeat(prec - rest.length);
  }
  let exp = d.mant.length > 0 ? d.exp - 1 : 0;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}e${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(d: Decimal, prec: number): string {
  let out = '';
  if (d.exp > 0) {
    const m = Math.min(d.mant.length, d.exp);
    out += d.mant.slice(0, m) + '0'.repeat(d.exp - m);
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += digitAt(d, d.exp + i);
  }
  return out;
}

/** Go's big.Float formatting for %e %f %g (and %v of a number). */
function formatFloat(s: Spec, x: number, fmt: 'e' | 'f' | 'g'): string {
  if (!Number.isFinite(x)) throw unsupported(s, 'the number is not finite');
  let prec = s.precision ?? (fmt === 'g' ? -1 : 6);
  let d: Decimal;
  let shortest = false;
  if (prec < 0) {
    shortest = true;
    d = shortestDecimal(x);
    prec = d.mant.length;
  } else {
    d = exactDecimal(x);
    if (fmt === 'e') d = round(d, 1 + prec);
    else if (fmt === 'f') d = round(d, d.exp + prec);
    else {
      if (prec === 0) prec = 1;
      d = round(d, prec);
    }
  }
  let body: string;
  if (fmt === 'e') body = fmtE(d, prec);
  else if (fmt === 'f') body = fmtF(d, prec);
  else {
    let eprec = prec;
    if (eprec > d.mant.length && d.mant.length >= d.exp) eprec = d.mant.length;
    if (shortest) eprec = 6;
    const exp = d.exp - 1;
    if (exp < -4 || exp >= eprec) {
      body = fmtE(d, Math.min(prec, d.mant.length) - 1);
    } else {
      if (prec > d.exp) prec = d.mant.length;
      body = fmtF(d, Math.max(prec - d.exp, 0));
    }
  }
  const sign = x < 0 || Object.is(x, -0) ? '-' : s.flags.includes('+') ? '+' : s.flags.includes(' ') ? ' ' : '';
  const fill = s.width !== undefined && s.width > sign.length + body.length ? s.width - sign.length - body.length : 0;
  if (s.flags.includes('0')) return sign + '0'.repeat(fill) + body;
  if (s.flags.includes('-')) return sign + body + ' '.repeat(fill);
  return ' '.repeat(fill) + sign + body;
}
