import { deepMerge, mergeKeepingMarkers } from './merge';
import { AppendList, UNSET } from './values';
import { parseManifest } from './parse';

const parse = (text: string) => parseManifest(text, { file: '/virtual.yaml' });

describe('deepMerge (Atmos rules)', () => {
  it('merges maps recursively, later layers win', () => {
    expect(deepMerge([{ a: { x: 1, y: 1 }, b: 1 }, { a: { y: 2, z: 3 } }])).toEqual({ a: { x: 1, y: 2, z: 3 }, b: 1 });
  });

  it('replaces on scalar, list, null and type changes', () => {
    expect(deepMerge([{ a: { x: 1 } }, { a: 'now a string' }])).toEqual({ a: 'now a string' });
    expect(deepMerge([{ a: 'x' }, { a: { y: 1 } }])).toEqual({ a: { y: 1 } });
    expect(deepMerge([{ a: 1 }, { a: null }])).toEqual({ a: null });
    expect(deepMerge([{ a: [1, 2] }, { a: 'x' }])).toEqual({ a: 'x' });
    expect(deepMerge([{ a: 'x' }, { a: '' }])).toEqual({ a: '' });
  });

  it('lists: replace (default), append, merge', () => {
    const layers = [{ l: [{ n: 1, a: 'a' }, { n: 2 }, 'keep'] }, { l: [{ n: 10 }, 'scalar'] }];
    expect(deepMerge(layers)).toEqual({ l: [{ n: 10 }, 'scalar'] });
    expect(deepMerge(layers, 'append')).toEqual({ l: [{ n: 1, a: 'a' }, { n: 2 }, 'keep', { n: 10 }, 'scalar'] });
    // merge, as pkg/merge/merge_native.go mergeSlicesNative (v1.226.1): maps at the same position
    // merge, a scalar (or a map over a scalar) keeps the earlier item, the tails are kept.
    expect(deepMerge(layers, 'merge')).toEqual({ l: [{ n: 10, a: 'a' }, { n: 2 }, 'keep'] });
    expect(deepMerge([{ l: [1] }, { l: [2, 3] }], 'merge')).toEqual({ l: [1, 3] });
    expect(deepMerge([{ l: ['x', { k: [1, { a: 1 }] }] }, { l: [{ m: 1 }, { k: [9, { b: 2 }, 3] }] }], 'merge')).toEqual({ l: ['x', { k: [1, { a: 1, b: 2 }, 3] }] });
  });

  it('!append appends whatever the strategy; alone it is a plain list', () => {
    const base = parse('tags: [a, b]');
    const over = parse('tags: !append [c]');
    expect(deepMerge([base, over])).toEqual({ tags: ['a', 'b', 'c'] });
    expect(deepMerge([over])).toEqual({ tags: ['c'] });
    expect(deepMerge([{ tags: 'scalar' }, over])).toEqual({ tags: ['c'] });
  });

  it('!unset removes an inherited key, nested too', () => {
    const base = parse('vars: {a: 1, b: {c: 1, d: 2}}');
    const over = parse('vars:\n  a: !unset\n  b:\n    d: !unset\n');
    expect(deepMerge([base, over])).toEqual({ vars: { b: { c: 1 } } });
    expect(deepMerge([over])).toEqual({ vars: { b: {} } });
  });

  it('never mutates its inputs and shares untouched subtrees', () => {
    const shared = { deep: { x: 1 } };
    const a = { keep: shared, v: 1 };
    const b = { v: 2 };
    const merged = deepMerge([a, b]);
    expect(a).toEqual({ keep: { deep: { x: 1 } }, v: 1 });
    expect(merged.keep).toBe(shared);
  });

  it('does not let "__proto__" keys pollute prototypes', () => {
    const merged = deepMerge([parse('"__proto__": {polluted: true}')]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(['__proto__']);
  });

  it('merges many layers at once exactly as merging them two by two, key order included', () => {
    const layers = [
      parse('a: {x: 1, l: [1]}\nb: keep\nc: {deep: {p: 1}}'),
      parse('c: {deep: {q: 2}}\na: scalar now'),
      parse('a: {y: 2}\nd: [1, 2]\nc: {deep: {p: 3}, extra: true}'),
      parse('d: [3]\nc: {deep: {r: [x]}}'),
    ];
    for (const strategy of ['replace', 'append', 'merge'] as const) {
      const pairwise = layers.slice(1).reduce((merged, layer) => deepMerge([merged, layer], strategy), deepMerge([layers[0]], strategy));
      expect(JSON.stringify(deepMerge(layers, strategy))).toBe(JSON.stringify(pairwise));
    }
    expect(JSON.stringify(deepMerge(layers))).toBe('{"a":{"y":2},"b":"keep","c":{"deep":{"p":3,"q":2,"r":["x"]},"extra":true},"d":[3]}');
  });

  it('the stack-level merge keeps markers with nothing under them, flagged for the instance merge', () => {
    const stack = mergeKeepingMarkers([parse('c: {tags: [a]}'), parse('c: {tags: !append [b], gone: !unset , more: !append [m]}')]);
    expect(stack).toEqual({ c: { tags: ['a', 'b'], gone: UNSET, more: expect.any(AppendList) } });
    expect(deepMerge([{ gone: 1, more: ['base'] }, stack.c])).toEqual({ more: ['base', 'm'], tags: ['a', 'b'] });
    expect(deepMerge([stack])).toEqual({ c: { tags: ['a', 'b'], more: ['m'] } });
  });

  it('a map that comes again (a base imported by every catalog entry) is merged once and shared, unless lists append or markers act', () => {
    const base = parse('defaults: {vars: {tags: [a], size: 1}}');
    const entry = (name: string) => parse(`${name}: {vars: {size: 2}}`);
    const layers = [base, entry('one'), base, entry('two'), base];
    const merged = mergeKeepingMarkers(layers);
    expect(merged.defaults).toBe(base.defaults);
    expect(deepMerge(layers, 'merge').defaults).toBe(base.defaults);
    expect(deepMerge(layers, 'append')).toEqual({ defaults: { vars: { tags: ['a', 'a', 'a'], size: 1 } }, one: { vars: { size: 2 } }, two: { vars: { size: 2 } } });
    const appending = parse('defaults: {tags: !append [b]}');
    expect(deepMerge([parse('defaults: {tags: [a]}'), appending, appending])).toEqual({ defaults: { tags: ['a', 'b', 'b'] } });
    // Between two comings of the base, another layer changed the key: the base wins again.
    expect(deepMerge([base, parse('defaults: {vars: {size: 9}}'), base]).defaults).toEqual({ vars: { tags: ['a'], size: 1 } });
  });

  it('a key unset and set again by a later layer moves to the end, as in a pairwise merge', () => {
    const merged = deepMerge([parse('a: 1\nb: 2\nc: 3'), parse('a: !unset'), parse('a: 4\nc: 5')]);
    expect(Object.keys(merged)).toEqual(['b', 'c', 'a']);
    expect(merged).toEqual({ a: 4, b: 2, c: 5 });
  });
});
