/**
 * Lists the engine's hot loops take, built so that V8 sees one array layout.
 *
 * V8 optimises a loop over an array for the array layouts ("elements kinds") it has seen so
 * far. An empty literal `[]` has a layout of its own until something is pushed, and
 * `Array.prototype.map` returns a different one when it runs inside optimised code. A function
 * optimised on one layout is thrown away (deoptimised) when another arrives, and compiled again.
 * The recompiles were of the largest functions (the import visitor, the instance builder, the
 * merge), and on a 2-core machine the compiler threads compete with the engine itself: building
 * these lists one way took about 10% off the engine, 14% of its CPU time.
 */

/** An empty list already laid out as a list of values (not of small integers). */
export function newList<T>(): T[] {
  const list = [undefined] as unknown as T[];
  list.length = 0;
  return list;
}

/** `items.map(fn)`, as a list from newList. */
export function mapList<T, U>(items: readonly T[], fn: (item: T, index: number) => U): U[] {
  const mapped = newList<U>();
  for (let i = 0; i < items.length; i++) mapped.push(fn(items[i], i));
  return mapped;
}
