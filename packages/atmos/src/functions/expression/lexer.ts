/**
 * Tokenizer for the inside of `${{ … }}`.
 *
 * - identifiers: letters, digits, `_` and `-` (HCL style, so `output.vpc-flow-logs.id` works),
 *   starting with a letter or `_`;
 * - numbers: `12`, `1.5`, `1e3` (after a `.` only digits, so `list.0.1` is two indexes);
 * - strings: double-quoted, with `\" \\ \/ \n \r \t \b \f \uXXXX \UXXXXXXXX` escapes;
 * - punctuation: `. , ( ) [ ] { } = : -` and `...`.
 */
import { ExpressionError } from './errors';

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text (for punctuation and identifiers), or the decoded string value. */
  value: string;
  /** Numeric value of a number token. */
  number?: number;
  pos: number;
  end: number;
}

const PUNCT = new Set(['.', ',', '(', ')', '[', ']', '{', '}', '=', ':', '-']);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_-]/.test(source[i])) i++;
      tokens.push({ kind: 'ident', value: source.slice(start, i), pos: start, end: i });
      continue;
    }
    if (c >= '0' && c <= '9') {
      const previous = tokens[tokens.length - 1];
      const afterDot = previous !== undefined && previous.kind === 'punct' && previous.value === '.';
      const re = afterDot ? /[0-9]+/y : /[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
      re.lastIndex = i;
      const m = re.exec(source)!;
      i += m[0].length;
      if (i < n && /[A-Za-z_]/.test(source[i])) {
        throw new ExpressionError(`invalid number "${source.slice(start, i + 1)}"`, start);
      }
      tokens.push({ kind: 'number', value: m[0], number: Number(m[0]), pos: start, end: i });
      continue;
    }
    if (c === '"') {
      const [value, end] = readString(source, i);
      tokens.push({ kind: 'string', value, pos: start, end });
      i = end;
      continue;
    }
    if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...', pos: start, end: i + 3 });
      i += 3;
      continue;
    }
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', value: c, pos: start, end: i + 1 });
      i++;
      continue;
    }
    const hint = c === "'" ? 'strings use double quotes: "text"' : undefined;
    throw new ExpressionError(`unexpected character ${JSON.stringify(c)}`, start, hint);
  }
  tokens.push({ kind: 'eof', value: '', pos: n, end: n });
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** Reads a double-quoted string starting at `start`; returns the value and the end offset. */
function readString(source: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '"') return [out, i + 1];
    if (c === '\\') {
      const e = source[i + 1];
      if (e !== undefined && e in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[e];
        i += 2;
        continue;
      }
      if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const hex = source.slice(i + 2, i + 2 + len);
        const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === len ? parseInt(hex, 16) : NaN;
        if (!(code <= 0x10ffff)) throw new ExpressionError(`invalid escape "\\${e}${hex}" in string`, i);
        out += String.fromCodePoint(code);
        i += 2 + len;
        continue;
      }
      throw new ExpressionError(`invalid escape "\\${e ?? ''}" in string`, i, 'escape a backslash as "\\\\"');
    }
    out += c;
    i++;
  }
  throw new ExpressionError('unterminated string: missing closing "', start);
}
