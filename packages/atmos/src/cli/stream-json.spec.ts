import { YamlFunction } from '../stacks/values';
import { writeJson } from './stream-json';

function written(value: unknown, depth: number): { text: string; chunks: number } {
  const chunks: string[] = [];
  writeJson(value, (chunk) => chunks.push(chunk), depth);
  return { text: chunks.join(''), chunks: chunks.length };
}

describe('writeJson', () => {
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: [1, { c: null }] });
  const cases: Array<[string, unknown]> = [
    ['an empty object', {}],
    ['nested empty objects and lists', { a: {}, b: [], c: { d: {} } }],
    ['integer-like keys (JSON.stringify puts them first)', { b: 1, 10: 'x', 2: 'y', a: { 3: 1, z: 2 } }],
    ['undefined, function and symbol values (left out)', { a: undefined, b: () => 1, c: Symbol('s'), d: 1, e: { f: undefined } }],
    ['a YAML function (its toJSON)', { s: { components: { terraform: { vpc: { vars: { id: new YamlFunction('!terraform.output', 'vpc id') } } } } } }],
    ['strings with newlines, quotes and unicode', { 'k"ey\n': { v: 'line1\nline2 "q" \u2028 ü' } }],
    ['a null-prototype object', { x: nullProto }],
    ['an object with toJSON', { x: { toJSON: () => ({ replaced: true }) } }],
    ['scalars at the top', 42],
    ['a list at the top', [{ a: 1 }, 2]],
    ['null values', { a: null, b: { c: null } }],
  ];
  for (const depth of [0, 1, 2, 4, 8]) {
    for (const [name, value] of cases) {
      it(`prints ${name} exactly as JSON.stringify does (depth ${depth})`, () => {
        expect(written(value, depth).text).toBe(JSON.stringify(value, null, 2) + '\n');
      });
    }
  }

  it('hands the text over in chunks, not as one string', () => {
    const stacks: Record<string, unknown> = {};
    for (let s = 0; s < 40; s++) {
      const terraform: Record<string, unknown> = {};
      for (let c = 0; c < 50; c++) terraform[`c${c}`] = { vars: { name: `c${c}-s${s}`, list: Array.from({ length: 60 }, (_, i) => `item-${i}`) } };
      stacks[`s${s}`] = { components: { terraform } };
    }
    const { text, chunks } = written(stacks, 4);
    expect(text).toBe(JSON.stringify(stacks, null, 2) + '\n');
    expect(chunks).toBeGreaterThan(1);
  });

  it('prints a list or map shared by many entries from its first text, still exactly as JSON.stringify does', () => {
    const imports = ['catalog/a', 'catalog/b', 'mixins/region'];
    const tags = { team: 'platform' };
    const terraform: Record<string, unknown> = {};
    for (let c = 0; c < 5; c++) terraform[`c${c}`] = { imports, vars: { tags, name: `c${c}` }, tags };
    // The same list under another key, and a different list under the same key, are printed for themselves.
    terraform.other = { imports: [...imports, 'extra'], tags: imports };
    const stacks = { s1: { components: { terraform } }, s2: { components: { terraform: { c0: { imports } } } } };
    for (const depth of [3, 4, 5]) expect(written(stacks, depth).text).toBe(JSON.stringify(stacks, null, 2) + '\n');
  });
});
