/**
 * Which top-level keys of a merged section can hold template text. A merged value only holds
 * what its layers held, so a key can hold a template only if some layer's value under that key
 * (or the key itself) does. Layers are mostly shared (the stack's globals, the catalog's base
 * components, the same catalog entry in every stack that imports it): each is searched once per
 * run, and the template pass then visits only the listed keys instead of every value of every
 * instance.
 */
import { hasTemplate } from '../templates';
import { rendersArgs } from './templating';
import { AppendList, YamlFunction, isPlainMap, type PlainMap } from './values';

const NO_KEYS: readonly string[] = Object.freeze([]);

export class TemplateKeyIndex {
  private readonly keysByLayer = new Map<PlainMap, readonly string[]>();

  constructor(private readonly delimiters: [string, string]) {}

  /** The keys of the merge of these layers that may hold a template (unordered, may repeat), after those already known. */
  keysOf(layers: readonly unknown[], known: readonly string[] = NO_KEYS): readonly string[] {
    let keys = known;
    for (const layer of layers) keys = this.withLayer(keys, layer);
    return keys;
  }

  /** `known` and the keys of one more layer that may hold a template. */
  withLayer(known: readonly string[], layer: unknown): readonly string[] {
    if (!isPlainMap(layer)) return known;
    const more = this.layerKeys(layer);
    return more.length === 0 ? known : known.length === 0 ? more : [...known, ...more];
  }

  /** Whether some key of a layer may hold a template. */
  mayHold(layer: unknown): boolean {
    return isPlainMap(layer) && this.layerKeys(layer).length > 0;
  }

  private layerKeys(layer: PlainMap): readonly string[] {
    let keys = this.keysByLayer.get(layer);
    if (!keys) {
      keys = Object.keys(layer).filter((key) => hasTemplate(key, this.delimiters) || this.holdsTemplate(layer[key]));
      this.keysByLayer.set(layer, keys);
    }
    return keys;
  }

  /** As the template pass sees values. */
  private holdsTemplate(value: unknown): boolean {
    if (typeof value === 'string') return hasTemplate(value, this.delimiters);
    if (value instanceof YamlFunction) return rendersArgs(value, this.delimiters);
    if (value instanceof AppendList) return value.items.some((item) => this.holdsTemplate(item));
    if (Array.isArray(value)) return value.some((item) => this.holdsTemplate(item));
    if (isPlainMap(value)) return Object.keys(value).some((key) => hasTemplate(key, this.delimiters) || this.holdsTemplate(value[key]));
    return false;
  }
}
