/**
 * The value model of parsed manifests. Stack values are plain JSON-like data (objects, arrays,
 * strings, numbers, booleans, null) plus three markers that YAML tags leave behind:
 *
 * - `YamlFunction`: `!env`, `!terraform.output`, ... — evaluated after merging, so during the
 *   static phase they are opaque scalars that merge like strings (Atmos keeps them as
 *   "!tag args" strings for the same reason).
 * - `AppendList`: a sequence tagged `!append`, appended to the inherited list when merged.
 * - `UNSET`: `!unset`, which removes the inherited key when merged.
 *
 * Parsed values are shared between stacks and instances (structural sharing keeps a
 * 10,000-instance workspace fast), so nothing in the engine mutates a value it did not create.
 */
import type { SourceLocation } from '../errors/user-error';

export type PlainMap = Record<string, unknown>;

export class YamlFunction {
  constructor(
    /** The tag without arguments, e.g. `!terraform.output`. */
    readonly tag: string,
    /** The raw argument text after the tag (trimmed). */
    readonly args: string,
    /** Set by the parser once the node's position is known. */
    public location?: SourceLocation,
  ) {}

  /** How Atmos shows an unevaluated function: the tag followed by its arguments. */
  toString(): string {
    return this.args === '' ? this.tag : `${this.tag} ${this.args}`;
  }

  toJSON(): string {
    return this.toString();
  }

  /** A copy whose arguments were rewritten (e.g. by template rendering). */
  withArgs(args: string): YamlFunction {
    return args === this.args ? this : new YamlFunction(this.tag, args, this.location);
  }
}

/** Whether a value holds a YAML function with this tag anywhere inside it. */
export function holdsYamlFunction(value: unknown, tag: string): boolean {
  if (value instanceof YamlFunction) return value.tag === tag;
  if (Array.isArray(value)) return value.some((item) => holdsYamlFunction(item, tag));
  return isPlainMap(value) && Object.values(value).some((item) => holdsYamlFunction(item, tag));
}

export class AppendList {
  constructor(readonly items: readonly unknown[]) {}
}

export const UNSET: unique symbol = Symbol('atmos.unset');
export type Unset = typeof UNSET;

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

export function asMap(value: unknown): PlainMap {
  return isPlainMap(value) ? value : EMPTY_MAP;
}

export const EMPTY_MAP: PlainMap = Object.freeze({}) as PlainMap;

/** Own keys only: a key named like an Object.prototype member (`toString`) is not "in" a map that lacks it. */
export function hasOwn(map: PlainMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** Whether a map has any key, without building the key list (asked per instance). */
export function isEmptyMap(map: PlainMap): boolean {
  for (const key in map) if (hasOwn(map, key)) return false;
  return true;
}

/** Sets a key on a fresh object without tripping over `__proto__`. */
export function setKey(target: PlainMap, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Turns a recorded position into a location, when an error asks for it. */
export interface PendingLocation {
  resolve(): SourceLocation;
}

/**
 * Source positions of parsed maps and lists, for error messages. The parser records a pending
 * position (line and column are worked out only for the few nodes an error message names). It is
 * kept on the node under a symbol, non-enumerable, so keys, spreads and JSON never see it: a
 * WeakMap entry per node cost twice as much to set and more in every GC.
 */
const LOCATION: unique symbol = Symbol('atmos.location');
type Located = { [LOCATION]?: SourceLocation | PendingLocation };

export function setLocation(value: object, location: SourceLocation | PendingLocation): void {
  Object.defineProperty(value, LOCATION, { value: location, writable: true });
}

export function locationOf(value: unknown): SourceLocation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const location = (value as Located)[LOCATION];
  if (location === undefined || !('resolve' in location)) return location;
  const resolved = location.resolve();
  (value as Located)[LOCATION] = resolved;
  return resolved;
}

/** Containers whose subtree holds an `AppendList` or `UNSET` and so must be normalised when merged. */
const holdsMergeMarkers = new WeakSet<object>();

export function markHoldsMergeMarkers(value: object): void {
  holdsMergeMarkers.add(value);
}

export function hasMergeMarkers(value: unknown): boolean {
  return value instanceof AppendList || value === UNSET || (typeof value === 'object' && value !== null && holdsMergeMarkers.has(value));
}

/** Deep equality over stack values (used to compare one component defined by two manifests). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof YamlFunction || b instanceof YamlFunction) return String(a) === String(b) && typeof a === typeof b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainMap(a) && isPlainMap(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

/**
 * Maps the leaves of a value copy-on-write: a map or list is copied only where a leaf changed,
 * and a copy keeps its source position and merge-marker flag.
 */
export function mapLeaves(value: unknown, fn: (leaf: unknown) => unknown): unknown {
  if (value instanceof AppendList) {
    const items = mapLeaves(value.items as unknown[], fn) as unknown[];
    return items === value.items ? value : new AppendList(items);
  }
  if (Array.isArray(value)) {
    let result: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = mapLeaves(item, fn);
      if (next !== item) (result ??= value.slice())[i] = next;
    });
    return result ? keepMetadata(value, result) : value;
  }
  if (isPlainMap(value)) {
    let result: PlainMap | undefined;
    for (const [key, item] of Object.entries(value)) {
      const next = mapLeaves(item, fn);
      if (next !== item) setKey((result ??= { ...value }), key, next);
    }
    return result ? keepMetadata(value, result) : value;
  }
  return fn(value);
}

/** A copy of a value keeps its source position (still pending: worked out only if an error asks) and merge-marker flag. */
export function keepMetadata<T extends object>(from: object, to: T): T {
  const location = (from as Located)[LOCATION];
  if (location) setLocation(to, location);
  if (holdsMergeMarkers.has(from)) holdsMergeMarkers.add(to);
  return to;
}
