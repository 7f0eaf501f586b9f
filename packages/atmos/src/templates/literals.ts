/**
 * Values of Go literals as they appear in templates: interpreted strings ("a\tb"), raw strings
 * (`a\tb`), character constants ('a' is the number 97) and numbers (0x1F, 0o17, 0755 — octal,
 * as in Go — 1_000, 1.5e3). Each function throws a plain Error with a short reason; the parser
 * attaches the position.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/**
 * Unquotes a Go string or character literal body. `\x` and octal escapes are bytes in Go, so a
 * sequence such as "\xc3\xa9" decodes (as UTF-8) to "é"; everything else is code points.
 */
export function unquote(literal: string): string {
  const quote = literal[0];
  if (quote === '`') return literal.slice(1, -1).replace(/\r/g, '');
  const body = literal.slice(1, -1);
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  const pushString = (s: string): void => {
    for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      const cp = body.codePointAt(i) ?? 0;
      const s = String.fromCodePoint(cp);
      pushString(s);
      i += s.length;
      continue;
    }
    const esc = body[i + 1];
    if (esc === undefined) throw new Error('invalid syntax');
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      pushString(simple);
      i += 2;
    } else if (esc === quote) {
      // Go allows \" only in strings and \' only in character constants.
      pushString(esc);
      i += 2;
    } else if (esc === 'x' || esc === 'u' || esc === 'U') {
      const len = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error(`invalid \\${esc} escape`);
      const value = parseInt(hex, 16);
      if (esc === 'x') bytes.push(value);
      else {
        if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) throw new Error(`invalid \\${esc} escape`);
        pushString(String.fromCodePoint(value));
      }
      i += 2 + len;
    } else if (esc >= '0' && esc <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new Error('invalid octal escape');
      bytes.push(parseInt(oct, 8));
      i += 4;
    } else {
      throw new Error(`unknown escape sequence \\${esc}`);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The code point of a character constant such as 'a', '\n' or '\u00e9'. */
export function charConstantValue(literal: string): number {
  const s = unquote(literal);
  const cp = s.codePointAt(0);
  if (cp === undefined || String.fromCodePoint(cp).length !== s.length) throw new Error('malformed character constant');
  return cp;
}

const INT_SYNTAX = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/;
const FLOAT_SYNTAX = /^[+-]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?$/;
const BAD_UNDERSCORE = /__|_$|^[+-]?_|\._|_\./;

/** strconv.ParseInt(text, 0, 64): sign, 0x/0o/0b prefixes, a leading 0 means octal. */
export function parseGoInt(text: string): number | undefined {
  if (!INT_SYNTAX.test(text) || BAD_UNDERSCORE.test(text)) return undefined;
  const clean = text.replace(/_/g, '');
  const negative = clean.startsWith('-');
  const unsigned = clean.replace(/^[+-]/, '');
  let value: number;
  if (/^0[xX]/.test(unsigned)) value = parseInt(unsigned.slice(2), 16);
  else if (/^0[oO]/.test(unsigned)) value = parseInt(unsigned.slice(2), 8);
  else if (/^0[bB]/.test(unsigned)) value = parseInt(unsigned.slice(2), 2);
  else if (unsigned.length > 1 && unsigned.startsWith('0')) value = parseInt(unsigned, 8);
  else value = parseInt(unsigned, 10);
  if (Number.isNaN(value)) return undefined;
  return negative ? -value : value;
}

/** strconv.ParseFloat(text, 64) for decimal syntax, plus Inf and NaN. */
export function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!FLOAT_SYNTAX.test(text) || text.includes('_')) return undefined;
  return Number(text);
}

/** The value of a number literal in a template. */
export function numberValue(text: string): number {
  if (text.endsWith('i')) throw new Error(`complex numbers are not supported: ${JSON.stringify(text)}`);
  const int = parseGoInt(text);
  if (int !== undefined) return int;
  if (FLOAT_SYNTAX.test(text) && !BAD_UNDERSCORE.test(text)) {
    const value = Number(text.replace(/_/g, ''));
    if (Number.isFinite(value)) return value;
  }
  throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
}
