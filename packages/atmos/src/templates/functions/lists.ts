/**
 * Sprig's list functions. Lists are never modified in place: append/prepend/rest/… return new
 * arrays, as Sprig copies the slice.
 */
import { formatValue } from '../format';
import { compareStrings, deepEqual, goKind, isEmptyValue, isNil } from '../values';
import { strslice } from './conversion';
import { fn, variadic, type TemplateFunction } from './signature';

/** The list argument, or an error naming the operation like Sprig's "Cannot find first on type". */
function asList(v: unknown, operation: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new Error(`Cannot ${operation} on type ${isNil(v) ? 'nil' : goKind(v)}`);
}

/** Sprig's untilStep: from start towards stop (exclusive) by step; a step pointing away yields []. */
export function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) out.push(i);
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

/** Sprig's seq, modelled on the Unix command: `seq 3` is "1 2 3", `seq 5 -1 3` is "5 4 3". */
function seq(...params: number[]): string {
  let out: number[];
  switch (params.length) {
    case 1: {
      const end = params[0] as number;
      out = end < 1 ? untilStep(1, end - 1, -1) : untilStep(1, end + 1, 1);
      break;
    }
    case 2: {
      const [start, end] = params as [number, number];
      out = end < start ? untilStep(start, end - 1, -1) : untilStep(start, end + 1, 1);
      break;
    }
    case 3: {
      // Like the Unix command, the step goes in the middle: seq FIRST STEP LAST.
      const [start, step, end] = params as [number, number, number];
      if (end < start) {
        if (step > 0) return '';
        out = untilStep(start, end - 1, step);
      } else out = untilStep(start, end + 1, step);
      break;
    }
    default:
      return '';
  }
  return out.join(' ');
}

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of list) if (!out.some((x) => deepEqual(x, item))) out.push(item);
  return out;
}

export const LIST_FUNCTIONS: Record<string, TemplateFunction> = {
  list: variadic([], 'any', (...items) => items),
  first: fn(['any'], (l) => {
    const list = asList(l, 'find first');
    return list.length === 0 ? null : list[0];
  }),
  last: fn(['any'], (l) => {
    const list = asList(l, 'find last');
    return list.length === 0 ? null : list[list.length - 1];
  }),
  rest: fn(['any'], (l) => {
    const list = asList(l, 'find rest');
    return list.length === 0 ? null : list.slice(1);
  }),
  initial: fn(['any'], (l) => {
    const list = asList(l, 'find initial');
    return list.length === 0 ? null : list.slice(0, -1);
  }),
  append: fn(['any', 'any'], (l, v) => [...asList(l, 'push'), v]),
  push: fn(['any', 'any'], (l, v) => [...asList(l, 'push'), v]),
  prepend: fn(['any', 'any'], (l, v) => [v, ...asList(l, 'prepend')]),
  concat: variadic([], 'any', (...lists) => lists.flatMap((l) => asList(l, 'concat type'))),
  uniq: fn(['any'], (l) => uniq(asList(l, 'find uniq'))),
  has: fn(['any', 'any'], (needle, haystack) => {
    if (isNil(haystack)) return false;
    return asList(haystack, 'find has').some((x) => deepEqual(x, needle));
  }),
  without: variadic(['any'], 'any', (l, ...omit) =>
    asList(l, 'find without').filter((x) => !omit.some((o) => deepEqual(o, x))),
  ),
  compact: fn(['any'], (l) => asList(l, 'compact').filter((x) => !isEmptyValue(x))),
  reverse: fn(['any'], (l) => [...asList(l, 'find reverse')].reverse()),
  sortAlpha: fn(['any'], (l) => (Array.isArray(l) ? strslice(l).sort(compareStrings) : [formatValue(l)])),
  until: fn(['int'], (count) => untilStep(0, count, count < 0 ? -1 : 1)),
  untilStep: fn(['int', 'int', 'int'], untilStep),
  seq: variadic([], 'int', seq),
};
