/**
 * Atmos deep-merge rules (Atmos merges with mergo `WithOverride`):
 * - maps merge recursively; a later scalar, list, null or value of another type replaces;
 * - lists follow `settings.list_merge_strategy`: `replace` (default) takes the later list,
 *   `append` concatenates in merge order, `merge` deep-merges item by item: two maps at the same
 *   position merge, any other pair keeps the earlier item, extra items of either list are kept;
 * - `!append` appends to the inherited list whatever the strategy; `!unset` removes the key.
 *
 * Inputs are never mutated; untouched subtrees are shared with the inputs.
 */
import { AppendList, UNSET, hasMergeMarkers, hasOwn, isPlainMap, markHoldsMergeMarkers, setKey, type PlainMap } from './values';

export type ListMergeStrategy = 'replace' | 'append' | 'merge';

export const LIST_MERGE_STRATEGIES: readonly ListMergeStrategy[] = ['replace', 'append', 'merge'];

/** Merges maps left to right (later wins). Missing or non-map layers are skipped. */
export function deepMerge(layers: readonly unknown[], strategy: ListMergeStrategy = 'replace'): PlainMap {
  return mergeLayers(layers, { strategy, keepMarkers: false });
}

/**
 * The stack-level merge of a stack's manifests: like deepMerge, but `!append` and `!unset` with
 * nothing under them yet stay markers, because the instance merge still puts the globals and the
 * base components under the component's own sections. As in Atmos, a component's `x: !unset`
 * removes an `x` it inherits, and its `!append` list extends the inherited one.
 */
export function mergeKeepingMarkers(layers: readonly unknown[], strategy: ListMergeStrategy = 'replace'): PlainMap {
  return mergeLayers(layers, { strategy, keepMarkers: true });
}

interface MergeMode {
  strategy: ListMergeStrategy;
  /** Keep markers that have nothing to merge with (see mergeKeepingMarkers); containers holding them are flagged. */
  keepMarkers: boolean;
}

function mergeLayers(layers: readonly unknown[], mode: MergeMode): PlainMap {
  const maps: PlainMap[] = [];
  for (const layer of layers) if (isPlainMap(layer)) maps.push(layer);
  return maps.length === 0 ? {} : mergeAllMaps(maps, mode);
}

/**
 * Merges several maps at once: one result object per level instead of a growing copy per
 * layer (a stack merges dozens of layers, an instance five per section). The same as merging
 * pairwise left to right, key order included. A level where a layer unsets or appends is merged
 * pairwise, because an unset key that a later layer sets again moves to the end.
 */
function mergeAllMaps(maps: readonly PlainMap[], mode: MergeMode): PlainMap {
  if (maps.length === 1) return settle(maps[0], mode) as PlainMap;
  const result: PlainMap = {};
  let repeated: Map<string, unknown[]> | undefined;
  for (const map of maps) {
    for (const key of Object.keys(map)) {
      const value = map[key];
      if (value === UNSET || value instanceof AppendList) return mergePairwise(maps, mode);
      if (!hasOwn(result, key)) {
        setKey(result, key, settle(value, mode));
        continue;
      }
      let values = repeated?.get(key);
      if (mergesOverItself(value, values ? values[values.length - 1] : result[key], mode)) continue;
      if (!values) (repeated ??= new Map()).set(key, (values = [result[key]]));
      values.push(value);
    }
  }
  if (repeated) for (const [key, values] of repeated) setKey(result, key, mergeValues(values, mode));
  return flagMarkers(result, mode);
}

/**
 * Whether merging a value over the same value, just merged, changes nothing: true unless lists
 * append or a merge marker acts again. A stack imports a base (`catalog/x/defaults`) once per
 * catalog entry that imports it, so the same map comes dozens of times: merged once, and shared.
 */
function mergesOverItself(value: unknown, previous: unknown, mode: MergeMode): boolean {
  if (value !== previous) return false;
  if (typeof value !== 'object' || value === null) return true;
  return mode.strategy !== 'append' && !hasMergeMarkers(value);
}

/** The values one key has in successive layers (the first already settled), merged; runs of maps at once. */
function mergeValues(values: readonly unknown[], mode: MergeMode): unknown {
  let merged = values[0];
  for (let i = 1; i < values.length; ) {
    if (isPlainMap(merged) && isPlainMap(values[i])) {
      const run: PlainMap[] = [merged];
      while (i < values.length && isPlainMap(values[i])) run.push(values[i++] as PlainMap);
      merged = mergeAllMaps(run, mode);
    } else {
      merged = mergeOne(merged, values[i++], mode);
    }
  }
  return merged;
}

function mergePairwise(maps: readonly PlainMap[], mode: MergeMode): PlainMap {
  let result = settle(maps[0], mode) as PlainMap;
  for (let i = 1; i < maps.length; i++) result = mergeMaps(result, maps[i], mode);
  return result;
}

/** Merges one value over another; `UNSET` means "remove the key". */
function mergeOne(base: unknown, over: unknown, mode: MergeMode): unknown {
  if (over === UNSET) return UNSET;
  if (over instanceof AppendList) {
    if (base instanceof AppendList) return new AppendList([...base.items, ...over.items]);
    if (Array.isArray(base)) return flagMarkers([...base, ...settleList(over.items, mode)], mode);
    return mode.keepMarkers ? over : normaliseList(over.items, mode.strategy);
  }
  if (isPlainMap(over) && isPlainMap(base)) return mergeMaps(base, over, mode);
  if (Array.isArray(over) && Array.isArray(base)) return mergeLists(base, over, mode);
  return settle(over, mode);
}

function mergeMaps(base: PlainMap, over: PlainMap, mode: MergeMode): PlainMap {
  const overKeys = Object.keys(over);
  if (overKeys.length === 0) return base;
  const result: PlainMap = { ...base };
  for (const key of overKeys) {
    const merged = hasOwn(base, key) ? mergeOne(base[key], over[key], mode) : settle(over[key], mode);
    if (merged === UNSET && !mode.keepMarkers) delete result[key];
    else setKey(result, key, merged);
  }
  return flagMarkers(result, mode);
}

function mergeLists(base: readonly unknown[], over: readonly unknown[], mode: MergeMode): unknown[] {
  // A list without merge markers is taken as it is (shared, like any other merged value).
  const items = settle(over, mode) as unknown[];
  if (mode.strategy === 'append') return flagMarkers([...base, ...items], mode);
  if (mode.strategy === 'replace') return items;
  // pkg/merge/merge_native.go mergeSlicesNative (v1.226.1): where both lists have an item, two
  // maps deep-merge and anything else keeps the earlier item; the longer list's tail is kept.
  const result = base.slice();
  items.forEach((item, i) => {
    if (i >= base.length) result[i] = item;
    else if (isPlainMap(item) && isPlainMap(base[i])) result[i] = mergeMaps(base[i] as PlainMap, item, mode);
  });
  return flagMarkers(result, mode);
}

/** A value with nothing (more) to merge with: markers resolved, or kept for a later merge. */
function settle(value: unknown, mode: MergeMode): unknown {
  return mode.keepMarkers ? value : normalise(value, mode.strategy);
}

function settleList(items: readonly unknown[], mode: MergeMode): unknown[] {
  return mode.keepMarkers ? [...items] : normaliseList(items, mode.strategy);
}

/** When markers are kept, a container built with some inside is flagged, so a later normalise finds them. */
function flagMarkers<T extends object>(container: T, mode: MergeMode): T {
  if (mode.keepMarkers && Object.values(container).some(hasMergeMarkers)) markHoldsMergeMarkers(container);
  return container;
}

/** Removes merge markers from a value that has nothing to merge with (a lone `!append` is a list, a lone `!unset` drops its key). */
export function normalise(value: unknown, strategy: ListMergeStrategy): unknown {
  if (!hasMergeMarkers(value)) return value;
  if (value instanceof AppendList) return normaliseList(value.items, strategy);
  if (Array.isArray(value)) return normaliseList(value, strategy);
  if (isPlainMap(value)) {
    const result: PlainMap = {};
    for (const [key, item] of Object.entries(value)) {
      const normalised = normalise(item, strategy);
      if (normalised !== UNSET) setKey(result, key, normalised);
    }
    return result;
  }
  return value;
}

function normaliseList(items: readonly unknown[], strategy: ListMergeStrategy): unknown[] {
  return items.filter((item) => item !== UNSET).map((item) => normalise(item, strategy));
}
