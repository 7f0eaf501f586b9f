/**
 * The parts of Go's fmt package that templates reach: how a value prints in `{{ . }}`, and
 * print/println/printf. Output must match Go's byte for byte, because rendered strings end up
 * in stack names, resource names and backend keys.
 */
import { formatExp, formatFixed, formatGeneral } from './float-format';
import { goTypeName, isGoMap, isNil, mapEntries } from './values';

// ---------------------------------------------------------------------------------------
// %v

/** A number as Go prints an int (integral values) or a float64 (everything else). */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return (n < 0 ? '-' : '') + formatGeneral(Math.abs(n), -1);
}

/** fmt's %v: `[a b]` for slices, `map[k:v]` with sorted keys for maps, `<nil>` for nil. */
export function formatValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatNumber(v);
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'undefined':
      return '<nil>';
    case 'function':
      return 'func';
    case 'symbol':
      return String(v);
  }
  if (v === null) return '<nil>';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ' ' : '') + formatValue(v[i]);
    return out + ']';
  }
  if (isGoMap(v)) {
    return `map[${mapEntries(v)
      .map(([k, val]) => `${formatValue(k)}:${formatValue(val)}`)
      .join(' ')}]`;
  }
  return formatStruct(v as object);
}

/** Objects with their own toString (Stringer) use it; others print like a Go struct: `{a b}`. */
function formatStruct(v: object): string {
  if (typeof v.toString === 'function' && v.toString !== Object.prototype.toString) return String(v);
  return `{${Object.values(v)
    .map((x) => formatValue(x))
    .join(' ')}}`;
}

// ---------------------------------------------------------------------------------------
// print / println

/** fmt.Sprint: a space goes between two operands only when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatValue(arg);
    prevString = isString;
  }
  return out;
}

/** fmt.Sprintln: spaces between all operands and a trailing newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

// ---------------------------------------------------------------------------------------
// Quoting (strconv.Quote)

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SIMPLE_ASCII = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
const CONTROL_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

function escapeCodePoint(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote || ch === '\\') return '\\' + ch;
  const cp = ch.codePointAt(0) ?? 0;
  if ((!asciiOnly || cp < 0x80) && PRINTABLE.test(ch)) return ch;
  const simple = CONTROL_ESCAPES[cp];
  if (simple) return simple;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp < 0xe000) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** strconv.Quote: a double-quoted Go string literal. */
export function quote(s: string, asciiOnly = false): string {
  if (SIMPLE_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) out += escapeCodePoint(ch, '"', asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune: a single-quoted character literal. */
export function quoteRune(cp: number): string {
  const ch = cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  return `'${escapeCodePoint(ch, "'", false)}'`;
}

// ---------------------------------------------------------------------------------------
// printf

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // count high surrogates only once
  }
  return n;
}

/** Pads to the width in runes; zeros (when asked) go after any sign or prefix. */
function pad(s: string, spec: Spec, zeroAfter = 0): string {
  if (spec.width === undefined) return s;
  const missing = spec.width - runeCount(s);
  if (missing <= 0) return s;
  if (spec.minus) return s + ' '.repeat(missing);
  if (spec.zero) return s.slice(0, zeroAfter) + '0'.repeat(missing) + s.slice(zeroAfter);
  return ' '.repeat(missing) + s;
}

function badVerb(verb: string, arg: unknown): string {
  if (isNil(arg)) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
}

function signOf(negative: boolean, spec: Spec): string {
  if (negative) return '-';
  if (spec.plus) return '+';
  return spec.space ? ' ' : '';
}

function formatInteger(n: number, verb: string, spec: Spec): string {
  const negative = n < 0;
  const abs = Math.abs(n);
  switch (verb) {
    case 'c':
      return pad(abs <= 0x10ffff ? String.fromCodePoint(abs) : '\ufffd', { ...spec, zero: false });
    case 'q':
      return pad(quoteRune(n), { ...spec, zero: false });
    case 'U': {
      const u = 'U+' + abs.toString(16).toUpperCase().padStart(4, '0');
      const withChar = spec.sharp && abs <= 0x10ffff && PRINTABLE.test(String.fromCodePoint(abs));
      return pad(withChar ? `${u} '${String.fromCodePoint(abs)}'` : u, { ...spec, zero: false });
    }
  }
  const base = verb === 'b' ? 2 : verb === 'o' || verb === 'O' ? 8 : verb === 'x' || verb === 'X' ? 16 : 10;
  let digits = Number.isSafeInteger(abs) ? abs.toString(base) : BigInt(abs).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && abs === 0) digits = '';
    digits = digits.padStart(spec.prec, '0');
  }
  let prefix = '';
  if (verb === 'O') prefix = '0o';
  else if (spec.sharp) {
    if (base === 8 && !digits.startsWith('0')) prefix = '0';
    else if (base === 16) prefix = verb === 'X' ? '0X' : '0x';
    else if (base === 2) prefix = '0b';
  }
  const head = signOf(negative, spec) + prefix;
  // A precision turns zero padding off, as in Go.
  const zero = spec.zero && spec.prec === undefined && !spec.minus;
  return pad(head + digits, { ...spec, zero }, head.length);
}

function formatFloatVerb(x: number, verb: string, spec: Spec): string {
  if (!Number.isFinite(x)) {
    // Go always signs infinities ("+Inf"), signs NaN only on request, and never zero-pads them.
    let shown: string;
    if (Number.isNaN(x)) shown = (spec.plus ? '+' : spec.space ? ' ' : '') + 'NaN';
    else shown = (x < 0 ? '-' : spec.space && !spec.plus ? ' ' : '+') + 'Inf';
    return pad(shown, { ...spec, zero: false });
  }
  const negative = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  let body: string;
  switch (verb) {
    case 'e':
    case 'E':
      body = formatExp(abs, spec.prec ?? 6, verb === 'E');
      break;
    case 'f':
    case 'F':
      body = formatFixed(abs, spec.prec ?? 6);
      break;
    default: // g, G, v
      body = formatGeneral(abs, spec.prec ?? -1, verb === 'G');
      if (spec.sharp && !body.includes('.') && !/[eE]/.test(body)) body += '.';
  }
  const sign = signOf(negative, spec);
  return pad(sign + body, { ...spec, zero: spec.zero && !spec.minus }, sign.length);
}

function formatString(s: string, verb: string, spec: Spec): string {
  if (spec.prec !== undefined && verb !== 'x' && verb !== 'X') s = Array.from(s).slice(0, spec.prec).join('');
  switch (verb) {
    case 'v':
    case 's':
      return pad(s, spec);
    case 'q':
      if (spec.sharp && !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s)) return pad('`' + s + '`', spec);
      return pad(quote(s, spec.plus), spec);
    case 'x':
    case 'X': {
      let bytes = Buffer.from(s, 'utf8');
      if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
      const parts = [...bytes].map((b) => {
        const h = b.toString(16).padStart(2, '0');
        return verb === 'X' ? h.toUpperCase() : h;
      });
      const prefix = spec.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      const out = spec.space ? parts.map((h) => prefix + h).join(' ') : prefix + parts.join('');
      return pad(out, spec);
    }
  }
  return badVerb(verb, s);
}

/** fmt's printArg: one operand under one verb. Slices and maps apply the verb to each element. */
function formatArg(arg: unknown, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(goTypeName(arg), spec);
  if (isNil(arg)) return verb === 'v' ? pad('<nil>', spec) : badVerb(verb, arg);
  switch (typeof arg) {
    case 'boolean':
      return verb === 'v' || verb === 't' ? pad(String(arg), spec) : badVerb(verb, arg);
    case 'number':
      if (Number.isInteger(arg) && Math.abs(arg) < 1e21) {
        if ('vdboOxXcqU'.includes(verb)) return formatInteger(arg, verb === 'v' ? 'd' : verb, spec);
        // Lenient: JS cannot tell 5 from 5.0, so float verbs accept integers too.
        if ('eEfFgG'.includes(verb)) return formatFloatVerb(arg, verb, spec);
        return badVerb(verb, arg);
      }
      return 'veEfFgG'.includes(verb) ? formatFloatVerb(arg, verb, spec) : badVerb(verb, arg);
    case 'string':
      return formatString(arg, verb, spec);
    case 'bigint':
      return verb === 'v' || verb === 'd' ? pad(arg.toString(), spec) : badVerb(verb, arg);
  }
  if (Array.isArray(arg)) {
    return '[' + arg.map((x) => formatArg(x, verb, spec)).join(' ') + ']';
  }
  if (isGoMap(arg)) {
    return `map[${mapEntries(arg)
      .map(([k, x]) => `${formatArg(k, verb, spec)}:${formatArg(x, verb, spec)}`)
      .join(' ')}]`;
  }
  if (verb === 'v' || verb === 's') return pad(formatValue(arg), spec);
  return badVerb(verb, arg);
}

function blankSpec(): Spec {
  return { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
}

/** fmt.Sprintf with Go's verbs, flags, widths, precisions, `*` and `[n]` argument indexes. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const n = format.length;

  /** Parses `[n]` at i; returns false for a malformed index. */
  const argIndex = (): boolean => {
    if (format[i] !== '[') return true;
    reordered = true;
    const close = format.indexOf(']', i);
    const text = close < 0 ? '' : format.slice(i + 1, close);
    if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > args.length) {
      i = close < 0 ? n : close + 1;
      return false;
    }
    argNum = Number(text) - 1;
    i = close + 1;
    return true;
  };
  const number = (): number | undefined => {
    const start = i;
    while (i < n && format[i]! >= '0' && format[i]! <= '9') i++;
    return i > start ? Number(format.slice(start, i)) : undefined;
  };

  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec = blankSpec();
    for (; i < n; i++) {
      const c = format[i];
      if (c === '-') {
        spec.minus = true;
        spec.zero = false;
      } else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    let goodIndex = argIndex();
    if (format[i] === '*') {
      i++;
      const w = args[argNum++];
      if (Number.isInteger(w)) {
        spec.width = Math.abs(w as number);
        if ((w as number) < 0) {
          spec.minus = true;
          spec.zero = false;
        }
      } else out += '%!(BADWIDTH)';
      goodIndex = argIndex() && goodIndex;
    } else {
      spec.width = number();
    }
    if (format[i] === '.') {
      i++;
      goodIndex = argIndex() && goodIndex;
      if (format[i] === '*') {
        i++;
        const p = args[argNum++];
        if (Number.isInteger(p) && (p as number) >= 0) spec.prec = p as number;
        else out += '%!(BADPREC)';
        goodIndex = argIndex() && goodIndex;
      } else {
        spec.prec = number() ?? 0;
      }
    }
    goodIndex = argIndex() && goodIndex;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argNum++], verb, spec);
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (isNil(a) ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
