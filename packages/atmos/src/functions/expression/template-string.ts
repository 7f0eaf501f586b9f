/**
 * Splits a string value into literal text and `${{ … }}` expressions.
 *
 * - `$${{` is an escape: it renders `${{` and starts no expression (`"$${{ x }}"` → `"${{ x }}"`).
 * - An expression ends at the first `}}` that is outside a double-quoted string and outside
 *   `{ … }` map braces, so `${{ format("}}") }}` and `${{ {a = {b = 1}} }}` work.
 * - An `env:NAME` / `ssm:/path` shorthand ends at the first `}}`, whatever it contains.
 * - Terraform's own `${…}` and `%{…}` are plain text here.
 */
import { ExpressionError } from './errors';
import { isShorthand } from './parser';

export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'expression';
      /** The source between `${{` and `}}`. */
      source: string;
      /** Offset of `${{` in the string. */
      start: number;
      /** Offset after `}}`. */
      end: number;
    };

export const OPEN = '${{';
export const ESCAPED_OPEN = '$${{';
const CLOSE = '}}';

/** What a string holds: no template syntax, only `$${{` escapes, or an expression. */
export function templateKind(text: string): 'none' | 'escape' | 'expression' {
  let i = text.indexOf(OPEN.slice(1)); // "{{"
  if (i < 0) return 'none';
  let kind: 'none' | 'escape' = 'none';
  i = 0;
  while (i < text.length) {
    if (text.startsWith(ESCAPED_OPEN, i)) {
      kind = 'escape';
      i += ESCAPED_OPEN.length;
    } else if (text.startsWith(OPEN, i)) {
      return 'expression';
    } else {
      i++;
    }
  }
  return kind;
}

/** The parts of a template string; adjacent text is merged, empty text is left out. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith(ESCAPED_OPEN, i)) {
      literal += OPEN;
      i += ESCAPED_OPEN.length;
      continue;
    }
    if (text.startsWith(OPEN, i)) {
      const bodyStart = i + OPEN.length;
      const close = findClose(text, bodyStart);
      if (close < 0) {
        throw new ExpressionError(
          `unterminated expression: "${OPEN}" at offset ${i} has no closing "${CLOSE}"`,
          undefined,
          `close it with "${CLOSE}", or write "${ESCAPED_OPEN}" for a literal "${OPEN}"`,
        );
      }
      flush();
      parts.push({ kind: 'expression', source: text.slice(bodyStart, close), start: i, end: close + CLOSE.length });
      i = close + CLOSE.length;
      continue;
    }
    literal += text[i];
    i++;
  }
  flush();
  return parts;
}

/** Offset of the `}}` that closes an expression whose body starts at `start`, or -1. */
function findClose(text: string, start: number): number {
  const rest = text.slice(start);
  if (isShorthand(rest)) return text.indexOf(CLOSE, start);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0 && text[i + 1] === '}') return i;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

/** True when the whole string is exactly one expression (its value keeps its type). */
export function isWholeExpression(parts: TemplatePart[]): boolean {
  return parts.length === 1 && parts[0].kind === 'expression';
}
