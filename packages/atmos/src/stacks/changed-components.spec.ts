import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { isUserError } from '../errors/user-error';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { compareWithBase, type BaseComparison } from './affected';
import * as engine from './engine';

// Counted, to tell whether describe affected built only the reached instances (buildOnly).
jest.mock('./engine', () => {
  const actual = jest.requireActual<typeof import('./engine')>('./engine');
  return { ...actual, resolveStacks: jest.fn(actual.resolveStacks) };
});

afterAll(removeFixtures);

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });

const STACK = (stage: string, extra = '') =>
  `import: [catalog/vpc, catalog/app, catalog/dns, mixins/region]\nvars: {tenant: acme, stage: ${stage}}\n${extra}`;

const FILES: Record<string, string> = {
  'stacks/catalog/vpc/defaults.yaml': 'components:\n  terraform:\n    vpc/defaults:\n      metadata: {type: abstract, component: vpc}\n      vars: {cidr: 10.0.0.0/16, flow_logs: false}\n',
  'stacks/catalog/vpc.yaml': 'import: [catalog/vpc/defaults]\ncomponents:\n  terraform:\n    vpc:\n      metadata: {inherits: [vpc/defaults]}\n' +
    '    vpc-flow:\n      metadata: {inherits: [vpc/defaults]}\n      vars: {flow_logs: true}\n',
  // app-legacy takes app's configuration through Atmos's legacy top-level `component:`.
  'stacks/catalog/app.yaml': 'components:\n  terraform:\n    app:\n      vars: {size: 1}\n    app-legacy:\n      component: app\n      vars: {legacy: true}\n',
  // dns is affected by any edit of the vpc catalog file (dependencies.files), whatever its configuration.
  'stacks/catalog/dns.yaml': 'components:\n  terraform:\n    dns:\n      vars: {zone: example.com}\n      dependencies: {files: [stacks/catalog/vpc.yaml]}\n',
  'stacks/mixins/region.yaml': 'vars: {environment: ue1, region: us-east-1}\n',
  'stacks/orgs/acme/dev/ue1.yaml': STACK('dev', 'components: {terraform: {app: {vars: {size: 2}}}}\n'),
  'stacks/orgs/acme/prod/ue1.yaml': STACK('prod', 'components: {terraform: {vpc-flow: {metadata: {enabled: false}}}}\n'),
  'components/terraform/vpc/main.tf': 'variable "cidr" {}\n',
  'components/terraform/app/main.tf': 'variable "size" {}\n',
  'components/terraform/dns/main.tf': 'variable "zone" {}\n',
};

function repo(files: Record<string, string> = FILES): string {
  const root = writeWorkspace(files);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  return root;
}

const resolveCalls = engine.resolveStacks as unknown as jest.Mock;

/** Both comparisons of the working tree with main, and whether the scoped one built only what the change reaches. */
function compare(root: string): { scoped: string[]; full: string[]; builtOnlyReached: boolean } {
  const config = loadAtmosConfig({ cwd: root, env: {} });
  const before = resolveCalls.mock.calls.length;
  const scoped = listed(compareWithBase(config, 'main', {}));
  // The scoped comparison may give up after building the head (a changed file read by !include): then the full one resolves again.
  const calls = resolveCalls.mock.calls.slice(before) as Array<[unknown, engine.ResolveOptions | undefined]>;
  const builtOnlyReached = calls.length > 0 && calls.every(([, options]) => options?.buildOnly !== undefined);
  return { scoped, full: listed(compareWithBase(config, 'main', {}, { scoped: false })), builtOnlyReached };
}

function listed({ changed, deleted }: BaseComparison): string[] {
  return [...changed.map(({ instance, reasons }) => `${instance.component}@${instance.stack}:${reasons.all[0]}`), ...deleted.map((old) => `${old.component}@${old.stack}:deleted`)].sort();
}

function edit(root: string, file: string, from: string | RegExp, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  writeFileSync(path, next);
}

describe('describe affected builds only what a change to components can reach, with the full comparison\'s answer', () => {
  let root: string;
  let main: string;
  beforeAll(() => {
    root = repo();
    main = git(root, 'rev-parse', 'HEAD').trim();
  });
  afterEach(() => {
    git(root, 'reset', '-q', '--hard', main);
    git(root, 'clean', '-qfd');
  });

  it('an abstract base edited: its heirs in every stack, the disabled one and the base itself not', () => {
    edit(root, 'stacks/catalog/vpc/defaults.yaml', '10.0.0.0/16', '10.1.0.0/16');
    expect(compare(root)).toEqual({
      scoped: ['vpc-flow@acme-ue1-dev:stack.vars', 'vpc@acme-ue1-dev:stack.vars', 'vpc@acme-ue1-prod:stack.vars'],
      full: ['vpc-flow@acme-ue1-dev:stack.vars', 'vpc@acme-ue1-dev:stack.vars', 'vpc@acme-ue1-prod:stack.vars'],
      builtOnlyReached: true,
    });
  });

  it('a component edited in a catalog file: its instances, and those whose dependencies.files name the file', () => {
    edit(root, 'stacks/catalog/vpc.yaml', 'vars: {flow_logs: true}', 'vars: {flow_logs: true, retention: 7}');
    const { scoped, full, builtOnlyReached } = compare(root);
    expect(scoped).toEqual(['dns@acme-ue1-dev:file', 'dns@acme-ue1-prod:file', 'vpc-flow@acme-ue1-dev:stack.vars']);
    expect(full).toEqual(scoped);
    expect(builtOnlyReached).toBe(true);
  });

  it('the legacy `component:` key: editing the component edits the one naming it', () => {
    edit(root, 'stacks/catalog/app.yaml', 'vars: {size: 1}', 'vars: {size: 1, tier: gold}');
    const { scoped, full, builtOnlyReached } = compare(root);
    expect(scoped).toEqual(['app-legacy@acme-ue1-dev:stack.vars', 'app-legacy@acme-ue1-prod:stack.vars', 'app@acme-ue1-dev:stack.vars', 'app@acme-ue1-prod:stack.vars']);
    expect(full).toEqual(scoped);
    expect(builtOnlyReached).toBe(true);
  });

  it('a comment, a reordering and a value the stacks override anyway: nothing', () => {
    writeFileSync(join(root, 'stacks/catalog/app.yaml'),
      '# reordered\ncomponents:\n  terraform:\n    app-legacy:\n      vars: {legacy: true}\n      component: app\n    app:\n      vars: {size: 1}\n');
    edit(root, 'stacks/orgs/acme/dev/ue1.yaml', 'import:', '# dev\nimport:');
    expect(compare(root)).toEqual({ scoped: [], full: [], builtOnlyReached: true });
    // dev overrides app's size (and app-legacy takes app's merged section): the catalog's value reaches prod only.
    edit(root, 'stacks/catalog/app.yaml', 'size: 1', 'size: 3');
    expect(compare(root)).toEqual({ scoped: ['app-legacy@acme-ue1-prod:stack.vars', 'app@acme-ue1-prod:stack.vars'], full: ['app-legacy@acme-ue1-prod:stack.vars', 'app@acme-ue1-prod:stack.vars'], builtOnlyReached: true });
  });

  it('removals: a component deleted from a catalog file, a stack override deleted, a base renamed', () => {
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components:\n  terraform:\n    app:\n      vars: {size: 1}\n');
    edit(root, 'stacks/orgs/acme/dev/ue1.yaml', 'components: {terraform: {app: {vars: {size: 2}}}}\n', '');
    edit(root, 'stacks/catalog/vpc/defaults.yaml', 'vpc/defaults:', 'vpc/base:');
    edit(root, 'stacks/catalog/vpc.yaml', /inherits: \[vpc\/defaults\]/g, 'inherits: [vpc/base]');
    const { scoped, full, builtOnlyReached } = compare(root);
    expect(scoped).toEqual(['app-legacy@acme-ue1-dev:deleted', 'app-legacy@acme-ue1-prod:deleted', 'app@acme-ue1-dev:stack.vars', 'dns@acme-ue1-dev:file',
      'dns@acme-ue1-prod:file', 'vpc-flow@acme-ue1-dev:stack.metadata', 'vpc@acme-ue1-dev:stack.metadata', 'vpc@acme-ue1-prod:stack.metadata']);
    expect(full).toEqual(scoped);
    expect(builtOnlyReached).toBe(true);
  });

  it('a base a legacy `component:` names, defined or removed by the change: compared on both sides', () => {
    // web names `app-base` (a folder only, at main); the edit defines it, which makes it web's base at head only.
    edit(root, 'stacks/catalog/app.yaml', 'components:\n  terraform:\n', 'components:\n  terraform:\n    app-base:\n      metadata: {type: abstract}\n      vars: {tier: gold}\n');
    edit(root, 'stacks/catalog/dns.yaml', 'components:\n  terraform:\n', 'components:\n  terraform:\n    web:\n      component: app-base\n      vars: {port: 80}\n');
    git(root, 'commit', '-qam', 'web');
    const defined = compare(root);
    expect(defined.scoped).toEqual([]);
    // Removing the base: web keeps its own vars only.
    edit(root, 'stacks/catalog/app.yaml', /    app-base:\n.*\n.*\n/, '');
    const removed = compare(root);
    expect(removed.scoped).toEqual(['web@acme-ue1-dev:component', 'web@acme-ue1-prod:component']);
    expect(removed).toEqual({ ...removed, full: removed.scoped, builtOnlyReached: true });
    git(root, 'reset', '-q', '--hard', main);
    // Defining it: web takes its vars.
    edit(root, 'stacks/catalog/dns.yaml', 'components:\n  terraform:\n', 'components:\n  terraform:\n    web:\n      component: app-base\n      vars: {port: 80}\n');
    git(root, 'commit', '-qam', 'web');
    edit(root, 'stacks/catalog/app.yaml', 'components:\n  terraform:\n', 'components:\n  terraform:\n    app-base:\n      metadata: {type: abstract}\n      vars: {tier: gold}\n');
    const added = compare(root);
    expect(added.scoped).toEqual(['web@acme-ue1-dev:component', 'web@acme-ue1-prod:component']);
    expect(added).toEqual({ ...added, full: added.scoped, builtOnlyReached: true });
  });

  it('one override in one stack manifest: that component (and the one naming it) in that stack only', () => {
    edit(root, 'stacks/orgs/acme/prod/ue1.yaml', 'vpc-flow: {metadata: {enabled: false}}', 'vpc-flow: {metadata: {enabled: false}}, app: {env: {DEBUG: "1"}}');
    const expected = ['app-legacy@acme-ue1-prod:stack.env', 'app@acme-ue1-prod:stack.env'];
    expect(compare(root)).toEqual({ scoped: expected, full: expected, builtOnlyReached: true });
  });

  it('a global var, an import list, a `terraform:` section or an empty `components:` key: every instance is compared', () => {
    edit(root, 'stacks/mixins/region.yaml', 'us-east-1', 'us-east-2');
    const globalVar = compare(root);
    expect(globalVar.scoped).toHaveLength(9);
    expect(globalVar).toEqual({ ...globalVar, full: globalVar.scoped, builtOnlyReached: false });
    git(root, 'checkout', '-q', '--', '.');

    edit(root, 'stacks/orgs/acme/prod/ue1.yaml', 'catalog/dns, ', '');
    expect(compare(root)).toEqual({ scoped: ['dns@acme-ue1-prod:deleted'], full: ['dns@acme-ue1-prod:deleted'], builtOnlyReached: false });
    git(root, 'checkout', '-q', '--', '.');

    edit(root, 'stacks/catalog/dns.yaml', 'components:', 'terraform: {vars: {managed: true}}\ncomponents:');
    expect(compare(root)).toMatchObject({ builtOnlyReached: false });
    expect(compare(root).scoped).toEqual(compare(root).full);
    git(root, 'checkout', '-q', '--', '.');

    // An empty `components:` is null, and a null merged over the components removes them: not the same as no key.
    writeFileSync(join(root, 'stacks/mixins/region.yaml'), 'vars: {environment: ue1, region: us-east-1}\ncomponents:\n');
    const emptied = compare(root);
    expect(emptied.scoped).toContain('vpc@acme-ue1-dev:deleted');
    expect(emptied).toEqual({ ...emptied, full: emptied.scoped, builtOnlyReached: false });
  });

  it('a template in the changed file, a changed component folder, a file outside the stacks, an added manifest: every instance is compared', () => {
    edit(root, 'stacks/catalog/app.yaml', 'legacy: true', 'legacy: "{{ .vars.stage }}"');
    expect(compare(root)).toEqual({
      scoped: ['app-legacy@acme-ue1-dev:stack.vars', 'app-legacy@acme-ue1-prod:stack.vars'], full: ['app-legacy@acme-ue1-dev:stack.vars', 'app-legacy@acme-ue1-prod:stack.vars'], builtOnlyReached: false,
    });
    git(root, 'checkout', '-q', '--', '.');
    edit(root, 'components/terraform/dns/main.tf', '{}', '{ type = string }');
    expect(compare(root)).toEqual({ scoped: ['dns@acme-ue1-dev:component', 'dns@acme-ue1-prod:component'], full: ['dns@acme-ue1-dev:component', 'dns@acme-ue1-prod:component'], builtOnlyReached: false });
    git(root, 'checkout', '-q', '--', '.');
    writeFileSync(join(root, 'stacks/catalog/extra.yaml'), 'components: {terraform: {extra: {vars: {a: 1}}}}\n');
    expect(compare(root)).toEqual({ scoped: [], full: [], builtOnlyReached: false });
  });
});

describe('changed files read other than as manifests take the full comparison', () => {
  it('a changed catalog file another component `!include`s, or a template of another component reads with file.Read', () => {
    for (const reader of ['stacks/catalog/dns.yaml', 'stacks/orgs/acme/prod/ue1.yaml']) {
      const files = { ...FILES };
      files[reader] = reader.endsWith('dns.yaml')
        ? 'components:\n  terraform:\n    dns:\n      vars: {zone: example.com, app: !include ./app.yaml}\n'
        : STACK('prod', 'components: {terraform: {dns: {vars: {app: \'{{ file.Read "stacks/catalog/app.yaml" }}\'}}}}\n');
      const root = repo(files);
      edit(root, 'stacks/catalog/app.yaml', 'legacy: true', 'legacy: false');
      const { scoped, full, builtOnlyReached } = compare(root);
      expect(scoped).toContain(reader.endsWith('dns.yaml') ? 'dns@acme-ue1-dev:stack.vars' : 'dns@acme-ue1-prod:stack.vars');
      expect(scoped).toEqual(full);
      expect(builtOnlyReached).toBe(false);
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('what only a whole-workspace view decides: the full comparison, or building it', () => {
  const V = (stage = 'dev') => `vars: {tenant: t, environment: e, stage: ${stage}}\n`;
  const tf = (body: string) => `components:\n  terraform:\n${body}`;
  const BASE = (x: number) => tf(`    base:\n      metadata: {type: abstract, component: base}\n      vars: {x: ${x}}\n`);

  /** Both comparisons after writing `edits` over a repository committed with `files`. */
  function compareAfter(files: Record<string, string>, edits: Record<string, string>) {
    const root = repo({ 'components/terraform/base/main.tf': '', ...files });
    for (const [file, text] of Object.entries(edits)) writeFileSync(join(root, file), text);
    const result = compare(root);
    rmSync(root, { recursive: true, force: true });
    return result;
  }

  it('one component in one stack defined by two top-level manifests, only one of which reaches the change', () => {
    // c is the same in both manifests at main (x: 1); the change reaches b.yaml's copy only (legacy component:), and makes them differ.
    const result = compareAfter({
      'stacks/catalog/base.yaml': BASE(0),
      'stacks/orgs/a.yaml': V() + tf('    c:\n      metadata: {component: base}\n      vars: {x: 1}\n'),
      'stacks/orgs/b.yaml': 'import: [catalog/base]\n' + V() + tf('    c:\n      component: base\n      vars: {x: 1}\n'),
    }, { 'stacks/catalog/base.yaml': BASE(5) });
    expect(result).toEqual({ ...result, full: result.scoped, builtOnlyReached: false });
    // A copy moving to another stack leaves the other: not deleted.
    const moved = compareAfter({
      'stacks/catalog/base.yaml': tf('    base:\n      metadata: {type: abstract, component: base}\n      vars: {stage: dev}\n'),
      'stacks/orgs/m.yaml': 'import: [catalog/base]\nvars: {tenant: t, environment: e}\n' + tf('    x:\n      component: base\n'),
      'stacks/orgs/n.yaml': 'vars: {tenant: t, environment: e}\n' + tf('    x:\n      metadata: {component: base}\n      vars: {stage: dev}\n'),
    }, { 'stacks/catalog/base.yaml': tf('    base:\n      metadata: {type: abstract, component: base}\n      vars: {stage: qa}\n') });
    expect(moved).toEqual({ scoped: ['x@t-e-qa:stack.metadata'], full: ['x@t-e-qa:stack.metadata'], builtOnlyReached: false });
  });

  it('templates that may use gomplate\'s file namespace, in any form, in a manifest or a file it includes', () => {
    const read = '{{ file.Read "stacks/catalog/c.yaml" | len }}';
    const forms: Array<[string, Record<string, string>]> = [
      ['a variable', { 'stacks/orgs/b.yaml': V('b') + tf('    d:\n      vars: {n: \'{{ $f := file }}{{ $f.Read "stacks/catalog/c.yaml" | len }}\'}\n') }],
      ['parentheses', { 'stacks/orgs/b.yaml': V('b') + tf('    d:\n      vars: {n: \'{{ (file).Read "stacks/catalog/c.yaml" | len }}\'}\n') }],
      ['an !include', { 'config/snippet.yaml': `n: '${read}'\n`, 'stacks/orgs/b.yaml': V('b') + tf('    d:\n      vars: !include config/snippet.yaml\n') }],
      ['an !include.raw', { 'config/snippet.txt': read, 'stacks/orgs/b.yaml': V('b') + tf('    d:\n      vars:\n        n: !include.raw config/snippet.txt\n') }],
    ];
    for (const [form, files] of forms) {
      const result = compareAfter({ 'stacks/catalog/c.yaml': tf('    c:\n      vars: {x: 1}\n'), 'stacks/orgs/a.yaml': 'import: [catalog/c]\n' + V(), ...files },
        { 'stacks/catalog/c.yaml': tf('    c:\n      vars: {x: 22}\n') });
      expect({ form, ...result }).toEqual({ form, scoped: ['c@t-e-dev:stack.vars', 'd@t-e-b:stack.vars'], full: ['c@t-e-dev:stack.vars', 'd@t-e-b:stack.vars'], builtOnlyReached: false });
    }
  });

  it('a component whose folder is a local source, or whose local module, is the edited folder; settings.depends_on files', () => {
    const catalog = (x: number) => tf(`    c:\n      vars: {x: ${x}}\n`);
    const source = compareAfter({ 'stacks/catalog/c.yaml': catalog(1), 'stacks/orgs/a.yaml': 'import: [catalog/c]\n' + V('a') + tf('    z:\n      source: ./stacks/catalog\n') },
      { 'stacks/catalog/c.yaml': catalog(2) });
    expect(source).toEqual({ scoped: ['c@t-e-a:stack.vars', 'z@t-e-a:component'], full: ['c@t-e-a:stack.vars', 'z@t-e-a:component'], builtOnlyReached: true });
    const module = compareAfter({
      'components/terraform/m/main.tf': 'module "x" {\n  source = "../../../stacks/catalog"\n}\n',
      'stacks/catalog/c.yaml': catalog(1),
      'stacks/orgs/a.yaml': 'import: [catalog/c]\n' + V('a') + tf('    m:\n      vars: {y: 1}\n'),
    }, { 'stacks/catalog/c.yaml': catalog(2) });
    expect(module).toEqual({ scoped: ['c@t-e-a:stack.vars', 'm@t-e-a:component.module'], full: ['c@t-e-a:stack.vars', 'm@t-e-a:component.module'], builtOnlyReached: false });
    // Component dependencies, the usual kind of settings.depends_on, do not make an instance worth building.
    const before = resolveCalls.mock.results.length;
    const components = compareAfter({
      'stacks/catalog/c.yaml': catalog(1),
      'stacks/orgs/a.yaml': 'import: [catalog/c]\n' + V('a') + tf('    u:\n      settings: {depends_on: {1: {component: c}}}\n'),
    }, { 'stacks/catalog/c.yaml': catalog(2) });
    expect(components).toEqual({ scoped: ['c@t-e-a:stack.vars'], full: ['c@t-e-a:stack.vars'], builtOnlyReached: true });
    const scopedHead = (resolveCalls.mock.results[before] as { value: engine.ResolvedStacks }).value;
    expect(scopedHead.instances.map((instance) => instance.component)).toEqual(['c']);
    // Atmos's older form of dependencies.files, in the component or in the globals every instance merges.
    for (const where of ['component', 'globals']) {
      const dependsOn = 'settings: {depends_on: {1: {file: stacks/catalog/c.yaml}}}';
      const result = compareAfter({
        'stacks/catalog/c.yaml': catalog(1),
        'stacks/orgs/a.yaml': 'import: [catalog/c]\n' + V('a') + (where === 'globals' ? `${dependsOn}\n` + tf('    w:\n      vars: {y: 1}\n') : tf(`    w:\n      ${dependsOn}\n`)),
      }, { 'stacks/catalog/c.yaml': catalog(2) });
      const expected = ['c@t-e-a:stack.vars', 'w@t-e-a:file'];
      expect({ where, ...result }).toEqual({ where, scoped: expected, full: expected, builtOnlyReached: true });
    }
  });
});

describe('what the scoped comparison does not report', () => {
  it('a mistake in a component the change cannot reach: the full comparison (and validate stacks) reports it', () => {
    const root = repo({ ...FILES, 'stacks/catalog/dns.yaml': 'components: {terraform: {dns: {settings: {list_merge_strategy: bogus}}}}\n' });
    edit(root, 'stacks/catalog/app.yaml', 'size: 1', 'size: 5');
    const config = loadAtmosConfig({ cwd: root, env: {} });
    expect(listed(compareWithBase(config, 'main', {}))).toEqual(['app-legacy@acme-ue1-prod:stack.vars', 'app@acme-ue1-prod:stack.vars']);
    let thrown: unknown;
    try {
      compareWithBase(config, 'main', {}, { scoped: false });
    } catch (error) {
      thrown = error;
    }
    expect(isUserError(thrown) && (thrown as Error).message).toMatch(/invalid list merge strategy 'bogus'/);
  });
});

describe('random edits of components sections: the scoped comparison answers as the full one', () => {
  // Small model of a catalog: a few files whose components sections are edited at random.
  type Section = Record<string, unknown>;
  type Model = Record<string, Record<string, Section>>;
  const NAMES = ['base', 'base2', 'a', 'b', 'c', 'd', 'e', 'ghost'];
  const start = (): Model => ({
    'stacks/catalog/base.yaml': { base: { metadata: { type: 'abstract' }, vars: { a: 1 } }, base2: { metadata: { type: 'abstract' }, vars: { b: 1 } } },
    'stacks/catalog/a.yaml': { a: { metadata: { inherits: ['base'] } }, b: { component: 'a', vars: { b: 2 } }, c: { metadata: { inherits: ['base2', 'base'] } } },
    'stacks/catalog/d.yaml': { d: { vars: { d: 1 } }, e: { vars: { e: 1 }, dependencies: { files: ['stacks/catalog/a.yaml'] } } },
    'stacks/orgs/s1.yaml': { a: { vars: { a: 5 } } },
    'stacks/orgs/s2.yaml': {},
  });
  const TOP: Record<string, Section> = {
    'stacks/orgs/s1.yaml': { import: ['catalog/base', 'catalog/a', 'catalog/d'], vars: { tenant: 't', environment: 'e', stage: 's1' } },
    'stacks/orgs/s2.yaml': { import: ['catalog/base', 'catalog/a', 'catalog/d'], vars: { tenant: 't', environment: 'e', stage: 's2' } },
  };
  // JSON is YAML: each file is written as one JSON document.
  const files = (model: Model): Record<string, string> =>
    Object.fromEntries(Object.entries(model).map(([file, components]) => [file, JSON.stringify({ ...TOP[file], components: { terraform: components } }, null, 1) + '\n']));
  const write = (root: string, model: Model) => {
    for (const [file, text] of Object.entries(files(model))) writeFileSync(join(root, file), text);
  };

  let seed = 20261203;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat with a short period.
    return Math.floor(seed / 65536) % n;
  };
  const pick = <T>(items: readonly T[]): T => items[random(items.length)];

  function mutate(model: Model): string {
    const file = pick(Object.keys(model));
    const components = model[file];
    const name = pick(NAMES);
    const section = (components[name] ??= {});
    switch (random(7)) {
      case 0: section.vars = { ...(section.vars as Section), [pick(['a', 'b', 'x'])]: random(3) }; return `${file}: ${name}.vars`;
      case 1: delete components[name]; return `${file}: ${name} deleted`;
      case 2: section.metadata = { ...(section.metadata as Section), inherits: [pick(NAMES.filter((n) => n !== name))] }; return `${file}: ${name} inherits`;
      case 3: section.component = pick(NAMES.filter((n) => n !== name)); return `${file}: ${name} component:`;
      case 4: section.metadata = { ...(section.metadata as Section), enabled: random(2) === 0 }; return `${file}: ${name} enabled`;
      case 5: section.metadata = { ...(section.metadata as Section), type: pick(['abstract', 'real']) }; return `${file}: ${name} type`;
      default: {
        const to = pick(NAMES);
        if (to !== name) {
          components[to] = section;
          delete components[name];
        }
        return `${file}: ${name} renamed ${to}`;
      }
    }
  }

  const outcome = (run: () => BaseComparison): string[] => {
    try {
      return listed(run());
    } catch (error) {
      if (!isUserError(error)) throw error;
      return [`error: ${(error as Error).message}`];
    }
  };

  it('100 random edits, one to three at a time', () => {
    const root = repo({ ...files(start()), 'components/terraform/a/main.tf': '', 'components/terraform/d/main.tf': '' });
    let scopedRuns = 0;
    for (let trial = 0; trial < 100; trial++) {
      const model = start();
      const edits = Array.from({ length: 1 + random(3) }, () => mutate(model));
      write(root, model);
      const config = loadAtmosConfig({ cwd: root, env: {} });
      const before = resolveCalls.mock.calls.length;
      const scoped = outcome(() => compareWithBase(config, 'main', {}));
      if ((resolveCalls.mock.calls.slice(before) as Array<[unknown, engine.ResolveOptions | undefined]>).every(([, options]) => options?.buildOnly)) scopedRuns++;
      const full = outcome(() => compareWithBase(config, 'main', {}, { scoped: false }));
      // A mistake in a component the edit does not reach is reported by the full comparison only.
      if (full[0]?.startsWith('error:') && !scoped[0]?.startsWith('error:')) continue;
      expect({ edits, scoped }).toEqual({ edits, scoped: full });
    }
    expect(scopedRuns).toBeGreaterThan(70);
    rmSync(root, { recursive: true, force: true });
  });
});
