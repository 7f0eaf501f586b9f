/**
 * The block reader against js-yaml: whatever text it accepts, it must read exactly as js-yaml
 * does (values, key order, tags, and the position of every map, list and function); whatever
 * js-yaml refuses, it must give up on. Checked on every manifest of the repository, on edge
 * cases, and on generated documents and random mutations of them.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { CORE_SCHEMA, type Type } from 'js-yaml';
import { NOT_BLOCK_YAML, parseBlockYaml, type BlockYamlHooks } from './block-yaml';
import { TemplateScalar, parseYaml, parseYamlWithJsYaml, type ParseOptions } from './parse';
import { UNSET, YamlFunction, isPlainMap, locationOf } from './values';

const file = '/repo/stacks/x.yaml';
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** Acceptance only: scalars resolved as js-yaml does (so `1:` and `1.0:` are the same key), nothing else built. */
const IMPLICIT = (CORE_SCHEMA as unknown as { compiledImplicit: Type[] }).compiledImplicit;
const ACCEPTANCE_HOOKS: BlockYamlHooks = {
  resolvePlain: (text) => {
    const type = IMPLICIT.find((candidate) => candidate.resolve(text));
    return type ? type.construct(text) : text;
  },
  tagged: (tag) => tag,
  located: () => undefined,
};

function accepts(text: string): boolean {
  return parseBlockYaml(text, ACCEPTANCE_HOOKS) !== NOT_BLOCK_YAML;
}

/** The first difference between two read documents (values, key order, classes, positions), or undefined. */
function difference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (a instanceof TemplateScalar || b instanceof TemplateScalar) {
    if (!(a instanceof TemplateScalar && b instanceof TemplateScalar)) return `${path}: placeholder vs value`;
    return a.text === b.text && a.style === b.style ? undefined : `${path}: ${a.style} ${a.text} vs ${b.style} ${b.text}`;
  }
  if (a === UNSET || b === UNSET) return a === b ? undefined : `${path}: unset vs ${String(b === UNSET ? a : b)}`;
  if (a instanceof YamlFunction || b instanceof YamlFunction) {
    if (!(a instanceof YamlFunction && b instanceof YamlFunction)) return `${path}: function vs value`;
    if (a.tag !== b.tag || a.args !== b.args) return `${path}: ${a} vs ${b}`;
    return JSON.stringify(a.location) === JSON.stringify(b.location) ? undefined : `${path}: function position ${JSON.stringify(a.location)} vs ${JSON.stringify(b.location)}`;
  }
  if (Array.isArray(a) || isPlainMap(a)) {
    if (Array.isArray(a) !== Array.isArray(b) || isPlainMap(a) !== isPlainMap(b)) return `${path}: ${typeof a} vs ${typeof b}`;
    const where = [locationOf(a), locationOf(b)].map((location) => JSON.stringify(location));
    if (where[0] !== where[1]) return `${path}: position ${where[0]} vs ${where[1]}`;
    const keysA = Object.keys(a as object);
    const keysB = Object.keys(b as object);
    if (keysA.join('\0') !== keysB.join('\0')) return `${path}: keys ${JSON.stringify(keysA)} vs ${JSON.stringify(keysB)}`;
    for (const key of keysA) {
      const found = difference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${path}: ${JSON.stringify(a)} (${typeof a}) vs ${JSON.stringify(b)} (${typeof b})`;
}

/** Reads `text` both ways; when the block reader accepts it, js-yaml must agree. Returns whether it accepted. */
function agrees(text: string, templateMarker?: string): boolean {
  if (!accepts(text)) return false;
  const options: ParseOptions = { file, templateMarker };
  let block: unknown;
  try {
    block = parseYaml(text, options);
  } catch (error) {
    throw new Error(`the block reader accepted a text it then gave to js-yaml, which refuses it (${(error as Error).message}):\n${text}`);
  }
  let reference: unknown;
  try {
    reference = parseYamlWithJsYaml(text, options);
  } catch (error) {
    throw new Error(`the block reader accepted a text js-yaml refuses (${(error as Error).message}):\n${text}`);
  }
  const found = difference(block, reference);
  if (found) throw new Error(`block reader and js-yaml differ at ${found} in:\n${text}`);
  return true;
}

describe('block reader', () => {
  it('reads every manifest of the repository as js-yaml does, and most of them itself', () => {
    const files = fg.sync(['stacks/**/*.{yaml,yml}', 'e2e/**/*.{yaml,yml}', 'packages/atmos/src/**/*.{yaml,yml}'], { cwd: REPO_ROOT, absolute: true });
    expect(files.length).toBeGreaterThan(40);
    const accepted = files.filter((path) => {
      try {
        return agrees(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new Error(`${relative(REPO_ROOT, path)}: ${(error as Error).message}`);
      }
    });
    // The fast path must stay the usual one: most manifests are plain block YAML.
    expect(accepted.length / files.length).toBeGreaterThan(0.8);
  });

  it.each([
    ['nested maps and lists, with comments and blank lines', 'a:\n  b: 1\n  # note\n\n  c:\n    - x\n    - y # trailing\nd: e\n'],
    ['a list at its key\'s column', 'import:\n- a\n- b\nvars:\n  x: 1\n'],
    ['lists of maps', 'rules:\n  - name: r1\n    port: 443\n    cidrs:\n      - 10.0.0.0/24\n  - name: r2\n    port: 80\n'],
    ['a lone dash with a block under it', 'l:\n  -\n    a: 1\n  -\n  - b\n'],
    ['empty values, [] and {}', 'a:\nb: []\nc: {}\nd: [] # none\ne:\n'],
    ['quoted scalars and keys', 'a: "x: y # z"\nb: \'it\'\'s\'\n"c d": 1\n\'e\': ""\nf: \'\'\n'],
    ['core schema scalars', 'a: 1\nb: -2\nc: 1.5\nd: 0x1F\ne: 0o17\nf: .inf\ng: -.inf\nh: 1e3\ni: true\nj: False\nk: yes\nl: ~\nm: null\nn: 007\no: +1\np: .5\n'],
    ['keys read as scalars, kept as strings', '1: a\n2.0: b\ntrue: c\nnull: d\n0x10: e\n.inf: f\n'],
    ['plain scalars with colons, hashes and dashes', 'a: http://x.y/z\nb: a#b\nc: sat:04:00-sat:06:00\nd: -lock-timeout=5m\ne: a - b\nf: 日本\n'],
    ['local tags on scalars', 'a: !env AWS_REGION us-east-1\nb: !terraform.output vpc .vpc_id\nc: !unset\nd: !env "quoted"\ne: !repo-root # comment\nl:\n  - !env X\n'],
    ['a document start line', '---\na: 1\n'],
    ['a document start line with a comment', '--- # the stack\n\na:\n  b: 1\n'],
    ['template text', 'vars:\n  name: "{{ .vars.stage }}-x"\n  other: a {{ .x }} b\n'],
  ])('reads %s as js-yaml does', (_name, text) => {
    expect(agrees(text)).toBe(true);
  });

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['merge keys', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['flow collections with content', 'a: [1, 2]\n'],
    ['escapes in double quotes', 'a: "x\\ny"\n'],
    ['an unclosed quote', 'a: "x\n  y"\n'],
    ['!append lists', 'a: !append\n  - x\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['content on the document start line', '--- a: 1\n'],
    ['a top-level list', '- a\n- b\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['a key with a space before its colon', 'a : 1\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a list item where a key is expected', 'a: 1\n- b\n'],
    ['a value with a key inside', 'a: b: c\n'],
    ['an explicit key', '? a\n: b\n'],
    ['nesting deeper than the call stack', Array.from({ length: 20000 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n')],
    // js-yaml takes the `- c` for a third item of the inner list, not the outer list's second.
    ['a bare dash before a less indented item', 'a:\n  - b:\n      - x\n      -\n  - c\n'],
  ])('gives %s to js-yaml', (_name, text) => {
    expect(accepts(text)).toBe(false);
  });

  it('gives templated manifests\' placeholders the style js-yaml sees', () => {
    const random = seededRandom(7);
    let accepted = 0;
    for (let n = 0; n < 300; n++) {
      // Some letters of keys and values become placeholders, in plain and quoted scalars alike.
      const text = generateDocument(random).replace(/[abx]/g, (letter) => (random() < 0.3 ? `TPL${Math.floor(random() * 3)}X` : letter));
      if (agrees(text, 'TPL')) accepted++;
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('gives up on generated documents and their mutations only where js-yaml would not read them the same', () => {
    const random = seededRandom(20261123);
    let accepted = 0;
    let mutatedAccepted = 0;
    for (let n = 0; n < 400; n++) {
      const text = generateDocument(random);
      if (agrees(text)) accepted++;
      for (let m = 0; m < 12; m++) if (agrees(mutate(text, random))) mutatedAccepted++;
    }
    // The generator writes mostly the subset (and some errors js-yaml refuses): many must be read.
    expect(accepted).toBeGreaterThan(150);
    expect(mutatedAccepted).toBeGreaterThan(1000);
  });
});

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scalars of the subset, many of them easy to misread (numbers, booleans and nulls of the core schema, indicators inside). */
const PLAIN_SCALARS = [
  'abc', 'a b c', 'a:b', 'http://x.y/z', 'a#b', '10.0.0.0/16', '-1', '-x', '+1', '1', '0', '007', '1.5', '1e3', '.5', '.inf', '-.inf',
  '.nan', '0x1F', '0o17', '0b101', '1_000', 'true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'off', 'null', 'Null', '~', '<<',
  "a'b", 'a"b', '{{ .vars.x }}', 'sat:04:00', '-lock-timeout=5m', '?x', ':x', 'a - b', 'é', '日本', '2001-01-01', '0.', '+.5', '12:30:00',
  'x  ', 'a,b', 'a]', 'a[0]', 'a: b',
];
const QUOTED_SCALARS = ['"a b"', '"a: b"', '"#x"', '"it\'s"', "''", '""', "'it''s'", "'a # b'", '"{{ .x }}"', '"a" # c', '"a"#c', '"a" b'];
const TAGGED = ['!env X', '!env X Y', '!unset', '!terraform.output c .o', '!env "q"', '!store a b', '!repo-root', '!include x.yaml', '!env a: b'];
/** Outside the subset: the reader must give up on the document (js-yaml may read it or refuse it). */
const OTHER_SCALARS = ['[a]', '[a, b]', '{a: 1}', '%x', '@x', '`x`', '&x y', '*x', '|', '>-', '-', '?', ':', '"x\\ny"', "'unclosed", '!append', '!!str x', '!', '! x'];
const KEYS = ['a', 'name', 'vars', 'x-y', 'x_y', 'a/b', 'a.b', '1', '1.0', '0x10', 'true', 'null', '~', '"a b"', "'c'", 'a:b', '-k', 'k k', '日本'];
const OTHER_KEYS = ['<<', 'a :', '"q": 1', '? k', '[k]', '&a k', '*k', '!t k', '"a"b'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function scalarText(random: () => number): string {
  const roll = random();
  const value = roll < 0.6 ? pick(random, PLAIN_SCALARS) : roll < 0.78 ? pick(random, QUOTED_SCALARS) : roll < 0.92 ? pick(random, TAGGED)
    : roll < 0.98 ? pick(random, ['[]', '{}', '[] # e', '{}x']) : pick(random, OTHER_SCALARS);
  return random() < 0.15 ? `${value} # note` : value;
}

function generateDocument(random: () => number): string {
  const lines: string[] = [];
  const step = random() < 0.5 ? 2 : 4;
  const noise = (indent: number) => {
    if (random() < 0.08) lines.push(`${' '.repeat(Math.floor(random() * (indent + 3)))}# comment`);
    if (random() < 0.05) lines.push('');
  };
  const map = (indent: number, depth: number, firstPrefix?: string) => {
    const count = 1 + Math.floor(random() * 4);
    const used = new Set<string>();
    for (let i = 0; i < count; i++) {
      let key = random() < 0.01 ? pick(random, OTHER_KEYS) : pick(random, KEYS);
      if (used.has(key)) key = `${key.replace(/\W/g, '')}k${i}`;
      used.add(key);
      const prefix = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
      noise(indent);
      const roll = random();
      if (depth < 4 && roll < 0.3) {
        lines.push(`${prefix}${key}:`);
        map(indent + step, depth + 1);
      } else if (depth < 4 && roll < 0.5) {
        lines.push(`${prefix}${key}:`);
        list(random() < 0.3 ? indent : indent + step, depth + 1);
      } else if (roll < 0.55) {
        lines.push(`${prefix}${key}:`);
      } else {
        lines.push(`${prefix}${key}: ${scalarText(random)}`);
      }
    }
  };
  const list = (indent: number, depth: number) => {
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      noise(indent);
      const roll = random();
      if (depth < 4 && roll < 0.35) {
        map(indent + 2, depth + 1, `${' '.repeat(indent)}- `);
      } else if (depth < 4 && roll < 0.45) {
        lines.push(`${' '.repeat(indent)}-`);
        (random() < 0.5 ? map : list)(indent + step, depth + 1);
      } else {
        lines.push(`${' '.repeat(indent)}- ${scalarText(random)}`);
      }
    }
  };
  map(0, 0);
  const start = pick(random, ['', '', '', '', '', '', '---\n', '--- # stack\n', '---\n---\n']);
  return start + lines.join('\n') + (random() < 0.8 ? '\n' : '');
}

const MUTATION_CHARS = [...':-#\'"!&*|>[]{} \n\tx1.'];

function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  const roll = random();
  if (roll < 0.3) return text.slice(0, at) + text.slice(at + 1);
  if (roll < 0.6) return text.slice(0, at) + pick(random, MUTATION_CHARS) + text.slice(at);
  const lines = text.split('\n');
  const line = Math.floor(random() * lines.length);
  if (roll < 0.8) lines[line] = (random() < 0.5 ? ' ' : '  ') + lines[line];
  else lines[line] = lines[line].replace(/^ {1,2}/, '');
  return lines.join('\n');
}
