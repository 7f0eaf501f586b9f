/**
 * Atmos deep-merge rules (Atmos merges with mergo `WithOverride`):
 * - maps merge recursively; a later scalar, list, null or value of another type replaces;
 * - lists follow `settings.list_merge_strategy`: `replace` (default) takes the later list,
 *   `append` concatenates in merge order, `merge` deep-merges item by item (extra items of the
 *   later list are appended, extra items of the earlier list are kept);
 * - `!append` appends to the inherited list whatever the strategy; `!unset` removes the key.
 *
 * Inputs are never mutated; untouched subtrees are shared with the inputs.
 */
import { AppendList, UNSET, hasMergeMarkers, isPlainMap, setKey, type PlainMap } from './values';

export type ListMergeStrategy = 'replace' | 'append' | 'merge';

export const LIST_MERGE_STRATEGIES: readonly ListMergeStrategy[] = ['replace', 'append', 'merge'];

/** Merges maps left to right (later wins). Missing or non-map layers are skipped. */
export function deepMerge(layers: readonly unknown[], strategy: ListMergeStrategy = 'replace'): PlainMap {
  let result: PlainMap | undefined;
  for (const layer of layers) {
    if (!isPlainMap(layer)) continue;
    result = result === undefined ? normalise(layer, strategy) as PlainMap : mergeMaps(result, layer, strategy);
  }
  return result ?? {};
}

/** Merges one value over another; `UNSET` means "remove the key". */
export function mergeValue(base: unknown, over: unknown, strategy: ListMergeStrategy): unknown {
  if (over === UNSET) return UNSET;
  if (over instanceof AppendList) {
    const items = normaliseList(over.items, strategy);
    return Array.isArray(base) ? [...base, ...items] : items;
  }
  if (isPlainMap(over) && isPlainMap(base)) return mergeMaps(base, over, strategy);
  if (Array.isArray(over) && Array.isArray(base)) return mergeLists(base, over, strategy);
  return normalise(over, strategy);
}

function mergeMaps(base: PlainMap, over: PlainMap, strategy: ListMergeStrategy): PlainMap {
  const overKeys = Object.keys(over);
  if (overKeys.length === 0) return base;
  const result: PlainMap = { ...base };
  for (const key of overKeys) {
    const merged = Object.prototype.hasOwnProperty.call(base, key) ? mergeValue(base[key], over[key], strategy) : normalise(over[key], strategy);
    if (merged === UNSET) delete result[key];
    else setKey(result, key, merged);
  }
  return result;
}

function mergeLists(base: readonly unknown[], over: readonly unknown[], strategy: ListMergeStrategy): unknown[] {
  const items = normaliseList(over, strategy);
  if (strategy === 'append') return [...base, ...items];
  if (strategy === 'replace') return items;
  const result = base.slice();
  items.forEach((item, i) => {
    result[i] = i < base.length && isPlainMap(item) && isPlainMap(base[i]) ? mergeMaps(base[i] as PlainMap, item, strategy) : item;
  });
  return result;
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
