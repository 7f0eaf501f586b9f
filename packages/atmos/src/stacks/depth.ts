/**
 * Pathological nesting is a clear error, never a crash: a value nested deeper than any real
 * manifest (`a: {a: {a: ...}}` 50,000 levels down, often through `!include`) would overflow the
 * call stack of every recursive step after parsing (merge, templates, describe output) and end
 * as "Maximum call stack size exceeded" / an internal error.
 */
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { AppendList, isPlainMap } from './values';

/** Far deeper than any real stack configuration (Atmos's are rarely 10 levels deep). */
export const MAX_NESTING = 1_000;

/** Throws when `value` nests maps and lists more than MAX_NESTING levels deep (walked without recursion). */
export function assertNesting(value: unknown, where: SourceLocation): void {
  const pending: Array<[unknown, number]> = [[value, 0]];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    if (depth > MAX_NESTING) throw nestingError(where);
    seen.add(node);
    const children = node instanceof AppendList ? node.items : Array.isArray(node) ? node : isPlainMap(node) ? Object.values(node) : [];
    for (const child of children) if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
  }
}

export function nestingError(where: SourceLocation): AtmosUserError {
  return new AtmosUserError('LIMIT_EXCEEDED', `the value is nested more than ${MAX_NESTING} levels deep`, where,
    'no stack configuration needs this depth: flatten the value (this looks like generated or hostile input)');
}

/** A stack overflow while reading a value is the same mistake: too deep. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
