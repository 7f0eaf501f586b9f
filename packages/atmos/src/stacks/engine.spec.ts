/**
 * One small fixture per Atmos rule. Each fixture is a whole workspace written inline, resolved by
 * the real engine, and checked against what Atmos v1.226.1 prints for the same files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { FIXTURE_ATMOS_YAML, describeFixture, removeFixtures, resolveFixture, writeWorkspace } from '../testing/fixture-workspace';
import { resolveStacks, type ResolvedStacks } from './engine';
import type { AtmosUserError } from '../errors/user-error';
import { userError } from '../testing/user-errors';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';

describe('imports', () => {
  it('merges imports in order, the importing file last', () => {
    const out = describeFixture({
      'stacks/catalog/vpc.yaml': 'components:\n  terraform:\n    vpc:\n      vars: {cidr: 10.0.0.0/16, name: catalog, from_catalog: true}\n',
      'stacks/mixins/dev.yaml': 'vars:\n  stage: dev\ncomponents:\n  terraform:\n    vpc:\n      vars: {name: mixin}\n',
      [DEV]: `import:\n  - catalog/vpc\n  - mixins/dev\n${devVars}components:\n  terraform:\n    vpc:\n      vars: {cidr: 10.1.0.0/16}\n`,
    }, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toEqual({ tenant: 'acme', environment: 'ue1', stage: 'dev', cidr: '10.1.0.0/16', name: 'mixin', from_catalog: true });
    expect(out.imports).toEqual(['catalog/vpc', 'mixins/dev']);
  });

  it('resolves extensions in Atmos order: .yaml, .yml, .yaml.tmpl, .yml.tmpl', () => {
    const out = describeFixture({
      'stacks/catalog/a.yml': 'vars: {a: yml}\n',
      'stacks/catalog/b.yaml': 'vars: {b: yaml}\n',
      'stacks/catalog/b.yml': 'vars: {b: yml}\n',
      'stacks/catalog/c.yaml.tmpl': 'vars: {c: \'{{ "tmpl" }}\'}\n',
      [DEV]: `import: [catalog/a, catalog/b, catalog/c]\n${devVars}components: {terraform: {vpc: {}}}\n`,
    }, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ a: 'yml', b: 'yaml', c: 'tmpl' });
    // Atmos trims only the last extension in the imports list.
    expect(out.imports).toEqual(['catalog/a', 'catalog/b', 'catalog/c.yaml']);
  });

  it('resolves ./ and ../ relative to the importing file, other paths to the stacks base path', () => {
    const out = describeFixture({
      'stacks/orgs/acme/_defaults.yaml': 'vars: {tenant: acme, org_default: true}\n',
      'stacks/orgs/acme/dev/_shared.yaml': 'vars: {shared: true}\n',
      [DEV]: 'import: [../_defaults, ./_shared]\nvars: {environment: ue1, stage: dev}\ncomponents: {terraform: {vpc: {}}}\n',
    }, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ org_default: true, shared: true });
    expect(out.imports).toEqual(['orgs/acme/_defaults', 'orgs/acme/dev/_shared']);
  });

  it('expands glob imports, sorted', () => {
    const out = describeFixture({
      'stacks/catalog/b.yaml': 'components: {terraform: {b: {vars: {order: [b]}}}}\n',
      'stacks/catalog/a.yaml': 'components: {terraform: {a: {vars: {}}}}\n',
      'stacks/catalog/nested/c.yaml': 'components: {terraform: {c: {}}}\n',
      [DEV]: `import: ['catalog/*']\n${devVars}`,
    }, 'b', 'acme-ue1-dev');
    expect(out.imports).toEqual(['catalog/a', 'catalog/b']);
    const all = resolveFixture({
      'stacks/catalog/a.yaml': 'components: {terraform: {a: {}}}\n',
      'stacks/catalog/nested/c.yaml': 'components: {terraform: {c: {}}}\n',
      [DEV]: `import: ['catalog/**/*']\n${devVars}`,
    });
    expect(all.instances.map((i) => i.component).sort()).toEqual(['a', 'c']);
  });

  it('renders a .tmpl import with its context, and passes context down to nested imports', () => {
    const files = {
      'stacks/catalog/queue.yaml.tmpl': [
        'import:',
        '  - path: catalog/queue-policy.yaml.tmpl',
        'components:',
        '  terraform:',
        '    "queue/{{ .name }}":',
        '      metadata: {component: queue}',
        '      vars: {name: "{{ .name }}", retention: {{ .retention }}}',
        '',
      ].join('\n'),
      'stacks/catalog/queue-policy.yaml.tmpl': 'components:\n  terraform:\n    "queue/{{ .name }}":\n      vars: {policy: "{{ .name }}-policy"}\n',
      [DEV]: `import:\n  - path: catalog/queue.yaml.tmpl\n    context: {name: orders, retention: 7}\n  - path: catalog/queue.yaml.tmpl\n    context: {name: billing, retention: 14}\n${devVars}`,
    };
    const orders = describeFixture(files, 'queue/orders', 'acme-ue1-dev');
    expect(orders.vars).toMatchObject({ name: 'orders', retention: 7, policy: 'orders-policy' });
    expect(orders.component).toBe('queue');
    expect(orders.workspace).toBe('acme-ue1-dev-queue-orders');
    expect(describeFixture(files, 'queue/billing', 'acme-ue1-dev').vars).toMatchObject({ retention: 14, policy: 'billing-policy' });
  });

  it('renders a plain .yaml import when it has a context; skip_templates_processing keeps templates as written', () => {
    const files = {
      'stacks/catalog/app.yaml': 'components:\n  terraform:\n    app:\n      vars: {name: "{{ .name }}", later: "{{ `{{ .vars.stage }}` }}"}\n',
      [DEV]: `import:\n  - path: catalog/app\n    context: {name: web}\n${devVars}`,
    };
    expect(describeFixture(files, 'app', 'acme-ue1-dev').vars).toMatchObject({ name: 'web', later: 'dev' });
    const skipped = describeFixture({
      ...files,
      [DEV]: `import:\n  - path: catalog/app\n    context: {name: web}\n    skip_templates_processing: true\n${devVars}`,
    }, 'app', 'acme-ue1-dev', { processTemplates: false });
    expect(skipped.vars).toMatchObject({ name: '{{ .name }}' });
  });

  it('a missing context value is an error naming the manifest, unless ignore_missing_template_values', () => {
    const files = {
      'stacks/catalog/app.yaml.tmpl': 'components:\n  terraform:\n    app:\n      vars: {name: "{{ .name }}", size: "{{ .size }}"}\n',
      [DEV]: `import:\n  - path: catalog/app.yaml.tmpl\n    context: {name: web}\n${devVars}`,
    };
    const error = userError(() => resolveFixture(files));
    expect(error.code).toBe('TEMPLATE_ERROR');
    expect(error.location?.file).toMatch(/stacks\/catalog\/app\.yaml\.tmpl$/);
    expect(error.message).toMatch(/size/);
    const ignored = describeFixture({
      ...files,
      [DEV]: `import:\n  - path: catalog/app.yaml.tmpl\n    context: {name: web}\n    ignore_missing_template_values: true\n${devVars}`,
    }, 'app', 'acme-ue1-dev');
    expect((ignored.vars as Record<string, unknown>).name).toBe('web');
  });

  it('skip_if_missing skips an absent import; a missing import is otherwise an error with file and line', () => {
    const ok = describeFixture({
      [DEV]: `import:\n  - path: catalog/optional\n    skip_if_missing: true\n${devVars}components: {terraform: {vpc: {}}}\n`,
    }, 'vpc', 'acme-ue1-dev');
    expect(ok.imports).toEqual([]);
    const error = userError(() => resolveFixture({ [DEV]: `${devVars}import:\n  - catalog/nope\ncomponents: {terraform: {vpc: {}}}\n` }));
    expect(error.code).toBe('IMPORT_NOT_FOUND');
    expect(error.location).toMatchObject({ line: 6 });
    expect(error.location?.file).toMatch(/orgs\/acme\/dev\/us-east-1\.yaml$/);
    expect(error.hint).toMatch(/skip_if_missing/);
  });

  it('a missing import is reported at its own entry, not at the start of the list', () => {
    const error = userError(() => resolveFixture({
      'stacks/catalog/vpc.yaml': 'vars: {a: 1}\n',
      [DEV]: `${devVars}import:\n  - catalog/vpc\n  # optional things\n  - "catalog/nope" # typo\ncomponents: {terraform: {vpc: {}}}\n`,
    }));
    expect(error.code).toBe('IMPORT_NOT_FOUND');
    expect(error.location).toMatchObject({ line: 8, column: 5 });
  });

  describe('import paths that are templates (Atmos v1.226.1 renderImportPath)', () => {
    const region = (name: string) => `components: {terraform: {vpc: {vars: {azs: ${name}}}}}\n`;
    const files = {
      'stacks/catalog/region/us-east-1.yaml': region('use1'),
      'stacks/catalog/region/us-west-2.yaml': region('usw2'),
      'stacks/mixins/use1.yaml': 'vars: {region: us-east-1}\n',
      'stacks/mixins/usw2.yaml': 'vars: {region: us-west-2}\n',
      // Imported by both stacks: its own templated import sees what each stack's earlier imports set.
      'stacks/catalog/network.yaml': 'import: ["catalog/region/{{ .vars.region }}"]\n',
    };
    const stack = (mixin: string, environment: string, imports: string) =>
      `import:\n  - mixins/${mixin}\n${imports}vars: {tenant: acme, environment: ${environment}, stage: dev}\ncomponents: {terraform: {vpc: {}}}\n`;
    /** vpc's `azs` in a stack (the only one when no stack is named). */
    const azs = (resolved: ResolvedStacks, stackName?: string) =>
      resolved.instances.find((i) => i.component === 'vpc' && (stackName === undefined || i.stack === stackName))?.sections.vars.azs;

    it('render with the values earlier imports of the manifest set, and with the import\'s own context (which wins)', () => {
      const resolved = resolveFixture({
        ...files,
        [DEV]: stack('use1', 'ue1', '  - "catalog/region/{{ .vars.region }}"\n'),
        'stacks/orgs/acme/dev/us-west-2.yaml': stack('use1', 'uw2', '  - path: "catalog/region/{{ .vars.region }}"\n    context: {vars: {region: us-west-2}}\n'),
      });
      expect(azs(resolved, 'acme-ue1-dev')).toBe('use1');
      expect(azs(resolved, 'acme-uw2-dev')).toBe('usw2');
    });

    it('a nested import sees the values its importers gathered, per stack (the shared manifest is not cached across them)', () => {
      const resolved = resolveFixture({
        ...files,
        [DEV]: stack('use1', 'ue1', '  - catalog/network\n'),
        'stacks/orgs/acme/dev/us-west-2.yaml': stack('usw2', 'uw2', '  - catalog/network\n'),
      });
      expect(azs(resolved, 'acme-ue1-dev')).toBe('use1');
      expect(azs(resolved, 'acme-uw2-dev')).toBe('usw2');
      expect(resolved.instances.find((i) => i.stack === 'acme-uw2-dev')?.imports).toContainEqual(expect.stringMatching(/stacks\/catalog\/region\/us-west-2\.yaml$/));
    });

    it('a missing value is an error at the import entry, with what to do; ignore_missing_template_values renders <no value>', () => {
      const error = userError(() => resolveFixture({ ...files, [DEV]: stack('use1', 'ue1', '  - path: "catalog/region/{{ .vars.zone }}"\n') }));
      expect(error.code).toBe('TEMPLATE_ERROR');
      expect(error.message).toMatch(/import path "catalog\/region\/\{\{ \.vars\.zone \}\}": .*zone/);
      expect(error.location).toMatchObject({ file: expect.stringMatching(/us-east-1\.yaml$/), line: 3 });
      expect(error.hint).toMatch(/earlier import.*context:.*ignore_missing_template_values/);
      const ignored = userError(() => resolveFixture({ ...files, [DEV]: stack('use1', 'ue1', '  - path: "catalog/region/{{ .vars.zone }}"\n    ignore_missing_template_values: true\n') }));
      expect(ignored.message).toBe('import "catalog/region/<no value>" matches no manifest');
    });

    it('stay as written with templates disabled, or skip_templates_processing on the import, and then import nothing (Atmos skips a template that matches nothing)', () => {
      const written = stack('use1', 'ue1', '  - path: "catalog/region/{{ .vars.region }}"\n    skip_templates_processing: true\n');
      expect(azs(resolveFixture({ ...files, [DEV]: written }))).toBeUndefined();
      const disabled = FIXTURE_ATMOS_YAML.replace('enabled: true', 'enabled: false');
      expect(azs(resolveFixture({ ...files, 'atmos.yaml': disabled, [DEV]: stack('use1', 'ue1', '  - "catalog/region/{{ .vars.region }}"\n') }))).toBeUndefined();
    });

    it('the files of one glob import see the imports before it, not each other (Atmos hands them one context)', () => {
      const resolved = resolveFixture({
        ...files,
        'stacks/mixins/g/a.yaml': 'vars: {region: us-west-2}\n',
        'stacks/mixins/g/b.yaml': 'import: ["catalog/region/{{ .vars.region }}"]\n',
        [DEV]: stack('use1', 'ue1', '  - "mixins/g/*"\n'),
      });
      expect(azs(resolved)).toBe('use1');
    });

    it('a .yaml.tmpl no import gave a context keeps what fails as written, and its templated import path renders (Atmos\'s fallback)', () => {
      const resolved = resolveFixture({
        ...files,
        'stacks/catalog/regional.yaml.tmpl': 'import: ["catalog/region/{{ .vars.region }}"]\ncomponents: {terraform: {vpc: {vars: {name: "{{ .atmos_component }}"}}}}\n',
        [DEV]: stack('use1', 'ue1', '  - catalog/regional\n'),
      });
      expect(resolved.instances.find((i) => i.component === 'vpc')?.sections.vars).toMatchObject({ azs: 'use1', name: 'vpc' });
    });

    it('relative and absolute as written: a path that renders to ./x or /x is under the stacks folder, as Atmos joins it', () => {
      const resolved = resolveFixture({
        ...files,
        'stacks/mixins/where.yaml': 'vars: {dot: ./catalog/region/us-west-2, slash: /catalog/region/us-east-1}\n',
        [DEV]: stack('where', 'ue1', '  - "{{ .vars.dot }}"\n'),
        'stacks/orgs/acme/dev/us-west-2.yaml': stack('where', 'uw2', '  - "{{ .vars.slash }}"\n'),
      });
      expect(azs(resolved, 'acme-ue1-dev')).toBe('usw2');
      expect(azs(resolved, 'acme-uw2-dev')).toBe('use1');
    });

    it('an error is at the entry as written, a string entry too; an empty rendered path is an error of its own', () => {
      const error = userError(() => resolveFixture({ ...files, [DEV]: stack('use1', 'ue1', '  - catalog/network\n  - "catalog/region/{{ .vars.zone }}"\n') }));
      expect(error.location).toMatchObject({ line: 4, column: 5 });
      const syntax = userError(() => resolveFixture({ ...files, [DEV]: stack('use1', 'ue1', '  - "catalog/region/{{ .vars.region "\n') }));
      expect(syntax.hint).toMatch(/fix the template in the import path/);
      const empty = userError(() => resolveFixture({ ...files, 'stacks/mixins/empty.yaml': 'vars: {p: ""}\n', [DEV]: stack('empty', 'ue1', '  - "{{ .vars.p }}"\n') }));
      expect(empty.message).toBe('import path "{{ .vars.p }}" renders to an empty path');
      expect(empty.location).toMatchObject({ line: 3 });
    });
  });

  it('templates.settings.ignore_missing_template_values is every import\'s default (Atmos)', () => {
    const files = {
      'stacks/catalog/app.yaml.tmpl': 'components:\n  terraform:\n    app:\n      vars: {name: "{{ .name }}", size: "{{ .size }}"}\n',
      [DEV]: `import:\n  - path: catalog/app.yaml.tmpl\n    context: {name: web}\n${devVars}`,
    };
    expect(userError(() => resolveFixture(files)).code).toBe('TEMPLATE_ERROR');
    const out = describeFixture({ ...files, 'atmos.yaml': `${FIXTURE_ATMOS_YAML}    ignore_missing_template_values: true\n` }, 'app', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ name: 'web', size: '<no value>' });
  });

  it('reports an import cycle with the whole chain', () => {
    const error = userError(() => resolveFixture({
      'stacks/catalog/a.yaml': 'import: [catalog/b]\n',
      'stacks/catalog/b.yaml': 'import: [catalog/c]\n',
      'stacks/catalog/c.yaml': 'import: [catalog/a]\n',
      [DEV]: `import: [catalog/a]\n${devVars}`,
    }));
    expect(error.code).toBe('IMPORT_CYCLE');
    expect(error.message).toContain('stacks/catalog/a.yaml -> stacks/catalog/b.yaml -> stacks/catalog/c.yaml -> stacks/catalog/a.yaml');
  });

  it('refuses imports that escape the repository', () => {
    const error = userError(() => resolveFixture({ [DEV]: `import: [../../../../../../etc/passwd]\n${devVars}` }));
    expect(error.code).toBe('IMPORT_ESCAPES_REPO');
  });
});

describe('sections and precedence', () => {
  const layered = {
    'stacks/catalog/base.yaml': [
      'components:',
      '  terraform:',
      '    base/defaults:',
      '      metadata: {type: abstract}',
      '      vars: {level: base, base_only: 1}',
      '      settings: {owner: base}',
      '      env: {LEVEL: base}',
      '      providers: {aws: {region: us-east-1}}',
      '      command: tofu',
      '',
    ].join('\n'),
    [DEV]: [
      'import: [catalog/base]',
      devVars.trimEnd(),
      '  level: global',
      'settings: {owner: global}',
      'env: {LEVEL: global, GLOBAL: "1"}',
      'terraform:',
      '  vars: {level: terraform, terraform_only: true}',
      '  env: {LEVEL: terraform}',
      'components:',
      '  terraform:',
      '    vpc:',
      '      metadata: {inherits: [base/defaults], component: vpc}',
      '      vars: {level: component}',
      '      providers: {aws: {assume_role: x}}',
      '',
    ].join('\n'),
  };

  it('applies global -> terraform -> base -> component', () => {
    const out = describeFixture(layered, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ level: 'component', base_only: 1, terraform_only: true });
    expect(out.settings).toEqual({ owner: 'base' });
    expect(out.env).toEqual({ LEVEL: 'base', GLOBAL: '1' });
    expect(out.providers).toEqual({ aws: { region: 'us-east-1', assume_role: 'x' } });
    expect(out.command).toBe('tofu');
    expect(out.metadata).toEqual({ inherits: ['base/defaults'], component: 'vpc' });
    expect(out.inheritance).toEqual(['base/defaults']);
  });

  it('marks abstract components and does not inherit metadata', () => {
    const resolved = resolveFixture(layered);
    const base = resolved.instances.find((i) => i.component === 'base/defaults');
    const vpc = resolved.instances.find((i) => i.component === 'vpc');
    expect(base?.abstract).toBe(true);
    expect(vpc?.abstract).toBe(false);
  });

  it("the stack's top-level metadata is every component's lowest metadata layer (Atmos v1.226.1)", () => {
    const resolved = resolveFixture({
      ...layered,
      [DEV]: `metadata:\n  locked: true\n  labels: {team: net}\n  terraform_workspace_pattern: "{stage}-blue"\n${layered[DEV]}` +
        '    db:\n      metadata: {locked: false, labels: {tier: data}}\n',
      'stacks/orgs/acme/dev/off.yaml': 'metadata: {enabled: false}\nvars: {tenant: acme, environment: ue2, stage: dev}\ncomponents: {terraform: {vpc: {}}}\n',
    });
    const instance = (component: string, stack = 'acme-ue1-dev') => resolved.instances.find((i) => i.component === component && i.stack === stack);
    expect(instance('vpc')).toMatchObject({ locked: true, workspace: 'dev-blue' });
    expect(instance('vpc')?.sections.metadata).toMatchObject({ labels: { team: 'net' }, inherits: ['base/defaults'] });
    // The component's own metadata wins, key by key.
    expect(instance('db')).toMatchObject({ locked: false });
    expect(instance('db')?.sections.metadata.labels).toEqual({ team: 'net', tier: 'data' });
    expect(instance('vpc', 'acme-ue2-dev')?.enabled).toBe(false);
  });

  it('top-level metadata may not set identity keys (Atmos: ErrGlobalMetadataFieldNotAllowed)', () => {
    const error = userError(() => resolveFixture({ [DEV]: `${devVars}metadata:\n  locked: true\n  inherits: [base]\n  type: abstract\ncomponents: {terraform: {vpc: {}}}\n` }));
    expect(error.message).toMatch(/top-level metadata may not set inherits, type/);
    // At the first refused key's list, or the metadata map for a scalar one.
    expect(error.location).toMatchObject({ file: expect.stringMatching(/us-east-1\.yaml$/), line: 7 });
    expect(error.hint).toMatch(/components\.terraform\.<component>\.metadata/);
  });

  it('a component\'s list_merge_strategy merges the stack\'s top-level metadata list with its own; the global and terraform: layers merge first with atmos.yaml\'s (Atmos)', () => {
    const out = describeFixture({
      [DEV]: `${devVars}metadata: {tags: [stack]}\ndependencies: {files: [g.json]}\nterraform:\n  dependencies: {files: [t.json]}\n` +
        'components:\n  terraform:\n    vpc:\n      settings: {list_merge_strategy: append}\n      metadata: {tags: [own]}\n      dependencies: {files: [c.json]}\n',
    }, 'vpc', 'acme-ue1-dev');
    expect((out.metadata as { tags: string[] }).tags).toEqual(['stack', 'own']);
    // atmos.yaml's replace for [global, terraform:], then the component's append.
    expect((out.dependencies as { files: string[] }).files).toEqual(['t.json', 'c.json']);
  });

  it('dependencies merge global -> terraform -> base -> component, as vars do', () => {
    const out = describeFixture({
      ...layered,
      [DEV]: `dependencies: {files: [global.json], folders: [shared]}\n${layered[DEV].replace('terraform:\n', 'terraform:\n  dependencies: {files: [terraform.json], tools: {tf: "1.9"}}\n')}` +
        '      dependencies: {tools: {tflint: "0.5"}}\n',
    }, 'vpc', 'acme-ue1-dev');
    expect(out.dependencies).toEqual({ files: ['terraform.json'], folders: ['shared'], tools: { tf: '1.9', tflint: '0.5' } });
  });

  it('multiple inheritance: in order, each base after its own ancestors; later bases win', () => {
    const out = describeFixture({
      [DEV]: [
        devVars.trimEnd(),
        'components:',
        '  terraform:',
        '    root: {metadata: {type: abstract}, vars: {a: root, b: root, c: root, d: root}}',
        '    mid: {metadata: {type: abstract, inherits: [root]}, vars: {b: mid, c: mid}}',
        '    mixin: {metadata: {type: abstract}, vars: {c: mixin}}',
        '    app: {metadata: {inherits: [mid, mixin]}, vars: {d: app}}',
        '',
      ].join('\n'),
    }, 'app', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ a: 'root', b: 'mid', c: 'mixin', d: 'app' });
    expect(out.inheritance).toEqual(['mixin', 'mid', 'root']);
  });

  it('an unknown base component is an error naming the component and what to do', () => {
    const error = userError(() => resolveFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    app:\n      metadata:\n        inherits: [nope]\n`,
    }));
    expect(error.code).toBe('UNKNOWN_BASE_COMPONENT');
    expect(error.message).toContain("'app' inherits from 'nope'");
    expect(error.location?.file).toMatch(/us-east-1\.yaml$/);
  });

  // Atmos v1.226.1 stack_processor_utils.go: an import's overrides join the importing file's
  // "imports" overrides, which its later imports and its own components get (see overrides.spec.ts).
  it('overrides apply to the manifest and its imports, then to the later imports and the importing file, and win over the component', () => {
    const resolved = resolveFixture({
      'stacks/teams/network.yaml': 'import: [teams/network-vpc]\ncomponents: {terraform: {tgw: {vars: {team: none}}}}\noverrides:\n  vars: {team: network}\n',
      'stacks/teams/network-vpc.yaml': 'components: {terraform: {vpc: {vars: {team: none}}}}\n',
      'stacks/teams/data.yaml': 'components: {terraform: {rds: {vars: {team: none}}}}\nterraform:\n  overrides:\n    vars: {team: data}\n',
      'stacks/catalog/sibling.yaml': 'components: {terraform: {dns: {vars: {team: none}}}}\n',
      [DEV]: `import: [teams/network, teams/data, catalog/sibling]\n${devVars}components: {terraform: {app: {vars: {team: none}}}}\n`,
    });
    const team = (c: string) => resolved.instances.find((i) => i.component === c)?.sections.vars.team;
    expect(team('tgw')).toBe('network');
    expect(team('vpc')).toBe('network');
    expect(team('rds')).toBe('data');
    expect(team('dns')).toBe('data');
    expect(team('app')).toBe('data');
  });

  it('the importing manifest\'s overrides win over the imported manifest\'s', () => {
    const out = describeFixture({
      'stacks/catalog/x.yaml': 'components: {terraform: {x: {vars: {v: component}}}}\noverrides: {vars: {v: inner, inner_only: true}}\n',
      [DEV]: `import: [catalog/x]\n${devVars}overrides: {vars: {v: outer}}\n`,
    }, 'x', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ v: 'outer', inner_only: true });
  });

  it('list_merge_strategy: global append, per-component merge', () => {
    const files = {
      'atmos.yaml': `stacks: {base_path: stacks, included_paths: ["orgs/**/*"], excluded_paths: ["**/_defaults.yaml"], name_pattern: "{tenant}-{environment}-{stage}"}\nsettings: {list_merge_strategy: append}\n`,
      'stacks/catalog/a.yaml': 'components:\n  terraform:\n    a: {vars: {l: [1]}}\n    b: {vars: {l: [{x: 1, y: 1}]}, settings: {list_merge_strategy: merge}}\n',
      [DEV]: `import: [catalog/a]\n${devVars}components:\n  terraform:\n    a: {vars: {l: [2]}}\n    b: {vars: {l: [{x: 2}]}}\n`,
    };
    expect(describeFixture(files, 'a', 'acme-ue1-dev').vars).toMatchObject({ l: [1, 2] });
  });

  it('per-component list_merge_strategy applies along the inheritance chain', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    base: {metadata: {type: abstract}, vars: {l: [{x: 1, y: 1}]}}\n    b:\n      metadata: {inherits: [base]}\n      settings: {list_merge_strategy: merge}\n      vars: {l: [{x: 2}]}\n`,
    }, 'b', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ l: [{ x: 2, y: 1 }] });
  });

  // internal/exec/stack_processor_merge.go effectiveAtmosConfig: global settings, then the base
  // components', the component's, and its overrides' settings; the last that sets one wins.
  it('an unknown per-component list_merge_strategy is an error naming the value (Atmos: ErrInvalidListMergeStrategy)', () => {
    const problems: AtmosUserError[] = [];
    resolveFixture({ [DEV]: `${devVars}components:\n  terraform:\n    b:\n      settings: {list_merge_strategy: deep}\n      vars: {l: [2]}\n` }, { problems });
    expect(problems.map((p) => p.message)).toEqual(["invalid list merge strategy 'deep' in settings.list_merge_strategy; supported: replace, append, merge"]);
  });

  it('list_merge_strategy in the overrides\' settings wins over the component\'s', () => {
    const out = describeFixture({
      [DEV]: `${devVars}overrides: {settings: {list_merge_strategy: append}}\ncomponents:\n  terraform:\n    base: {metadata: {type: abstract}, vars: {l: [1]}}\n    b:\n      metadata: {inherits: [base]}\n      settings: {list_merge_strategy: merge}\n      vars: {l: [2]}\n`,
    }, 'b', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ l: [1, 2] });
  });

  it('a component\'s own !append and !unset reach what it inherits from globals and bases', () => {
    const files = {
      'stacks/catalog/base.yaml': 'components:\n  terraform:\n    base:\n      metadata: {type: abstract}\n      vars: {tags: [from-base], size: 3, note: base}\n',
      [DEV]: [
        'import: [catalog/base]',
        devVars.trimEnd(),
        '  zones: [a, b]',
        '  region_note: global',
        'components:',
        '  terraform:',
        '    app:',
        '      metadata: {inherits: [base]}',
        '      vars:',
        '        tags: !append [mine]',
        '        zones: !append [c]',
        '        size: !unset',
        '        region_note: !unset',
        '    plain:',
        '      vars:',
        '        extra: !append [x]',
        '',
      ].join('\n'),
    };
    const app = describeFixture(files, 'app', 'acme-ue1-dev').vars as Record<string, unknown>;
    expect(app.tags).toEqual(['from-base', 'mine']);
    expect(app.zones).toEqual(['a', 'b', 'c']);
    expect(app).not.toHaveProperty('size');
    expect(app).not.toHaveProperty('region_note');
    expect(app.note).toBe('base');
    expect((describeFixture(files, 'plain', 'acme-ue1-dev').vars as Record<string, unknown>).extra).toEqual(['x']);
  });

  it('!append and !unset work across manifests and inheritance', () => {
    const out = describeFixture({
      'stacks/catalog/a.yaml': 'components:\n  terraform:\n    a: {vars: {tags: [base], drop: me, keep: 1}}\n',
      [DEV]: `import: [catalog/a]\n${devVars}components:\n  terraform:\n    a:\n      vars:\n        tags: !append [extra]\n        drop: !unset\n`,
    }, 'a', 'acme-ue1-dev');
    expect(out.vars).toEqual({ tenant: 'acme', environment: 'ue1', stage: 'dev', tags: ['base', 'extra'], keep: 1 });
  });
});

describe('stack names', () => {
  const component = 'components: {terraform: {vpc: {}}}\n';

  it('uses name_pattern tokens from vars', () => {
    expect(resolveFixture({ [DEV]: devVars + component }).instances[0].stack).toBe('acme-ue1-dev');
  });

  it('a missing name_pattern token names the stack after the manifest (described only), with a warning naming the token and the file', () => {
    // Atmos v1.226.1 describe_stacks_component_processor.go resolveStackName falls back to the file name (issue 17, class 4).
    const resolved = resolveFixture({ [DEV]: 'vars: {tenant: acme, stage: dev}\n' + component });
    expect(resolved.instances).toEqual([]);
    expect(resolved.describedOnly.map((i) => i.stack)).toEqual(['orgs/acme/dev/us-east-1']);
    expect(resolved.warnings).toEqual([expect.stringMatching(/^stacks\/orgs\/acme\/dev\/us-east-1\.yaml: stacks\.name_pattern '\{tenant\}-\{environment\}-\{stage\}' needs vars\.environment/)]);
  });

  it('a manifest name: wins over name_template and name_pattern', () => {
    expect(resolveFixture({ [DEV]: 'name: my-stack\n' + devVars + component }).instances[0].stack).toBe('my-stack');
  });

  it('name_template wins over name_pattern', () => {
    const resolved = resolveFixture({
      'atmos.yaml': 'stacks:\n  base_path: stacks\n  included_paths: ["orgs/**/*"]\n  name_pattern: "{stage}"\n  name_template: "{{ .vars.tenant }}-{{ .vars.stage }}-{{ .vars.region }}"\n',
      [DEV]: 'vars: {tenant: acme, stage: dev, region: us-east-1}\n' + component,
    });
    expect(resolved.instances[0].stack).toBe('acme-dev-us-east-1');
  });

  it('falls back to the manifest path without extension', () => {
    const resolved = resolveFixture({
      'atmos.yaml': 'stacks:\n  base_path: stacks\n  included_paths: ["orgs/**/*"]\n',
      [DEV]: component,
    });
    expect(resolved.instances[0].stack).toBe('orgs/acme/dev/us-east-1');
    expect(resolved.instances[0].workspace).toBe('orgs-acme-dev-us-east-1');
  });
});

describe('workspace, backend and varfile', () => {
  const withBackend = (component: string) => ({
    [DEV]: [
      devVars.trimEnd(),
      'terraform:',
      '  backend_type: s3',
      '  backend:',
      '    s3: {bucket: tfstate, key: terraform.tfstate, region: us-east-1, dynamodb_table: locks}',
      'components:',
      '  terraform:',
      component,
      '',
    ].join('\n'),
  });

  it('defaults: workspace = stack, s3 workspace_key_prefix = component, remote state = backend', () => {
    const out = describeFixture(withBackend('    vpc: {}'), 'vpc', 'acme-ue1-dev');
    expect(out.workspace).toBe('acme-ue1-dev');
    expect(out.backend_type).toBe('s3');
    expect(out.backend).toEqual({ bucket: 'tfstate', key: 'terraform.tfstate', region: 'us-east-1', dynamodb_table: 'locks', workspace_key_prefix: 'vpc' });
    expect(out.remote_state_backend_type).toBe('s3');
    expect(out.remote_state_backend).toEqual(out.backend);
  });

  it('instances of one folder keep their own backend settings and bases', () => {
    const files = withBackend([
      '    base: {metadata: {type: abstract}, backend: {s3: {encrypt: true}}}',
      '    vpc/a: {metadata: {component: vpc}}',
      '    vpc/b: {metadata: {component: vpc}, backend: {s3: {bucket: other}}}',
      '    vpc/c: {metadata: {component: vpc, inherits: [base]}}',
    ].join('\n'));
    const backendOf = (component: string) => describeFixture(files, component, 'acme-ue1-dev').backend as Record<string, unknown>;
    expect(backendOf('vpc/a')).toMatchObject({ bucket: 'tfstate', workspace_key_prefix: 'vpc' });
    expect(backendOf('vpc/a').encrypt).toBeUndefined();
    expect(backendOf('vpc/b')).toMatchObject({ bucket: 'other', workspace_key_prefix: 'vpc' });
    expect(backendOf('vpc/c')).toMatchObject({ bucket: 'tfstate', encrypt: true, workspace_key_prefix: 'vpc' });
  });

  it('a derived component (metadata.component) gets <stack>-<component> and its folder as key prefix', () => {
    const out = describeFixture(withBackend('    vpc/blue: {metadata: {component: infra/vpc}}'), 'vpc/blue', 'acme-ue1-dev');
    expect(out.workspace).toBe('acme-ue1-dev-vpc-blue');
    expect((out.backend as Record<string, unknown>).workspace_key_prefix).toBe('infra-vpc');
    expect(out.component).toBe('infra/vpc');
  });

  it('honours terraform_workspace, _pattern and _template', () => {
    expect(describeFixture(withBackend('    vpc: {metadata: {terraform_workspace: fixed}}'), 'vpc', 'acme-ue1-dev').workspace).toBe('fixed');
    expect(describeFixture(withBackend('    vpc: {metadata: {terraform_workspace_pattern: "{tenant}-{stage}-{component}"}}'), 'vpc', 'acme-ue1-dev').workspace).toBe('acme-dev-vpc');
    expect(describeFixture(withBackend('    vpc: {metadata: {terraform_workspace_template: "{{ .vars.stage }}/{{ .atmos_component }}"}}'), 'vpc', 'acme-ue1-dev').workspace).toBe('dev-vpc');
  });

  it('workspaces_enabled: false gives "default"', () => {
    const out = describeFixture({
      'atmos.yaml': 'components: {terraform: {workspaces_enabled: false}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"], name_pattern: "{tenant}-{environment}-{stage}"}\n',
      ...withBackend('    vpc: {}'),
    }, 'vpc', 'acme-ue1-dev');
    expect(out.workspace).toBe('default');
  });

  it('remote_state_backend merges over the backend; the component may change backend_type', () => {
    const out = describeFixture(withBackend('    vpc:\n      remote_state_backend: {s3: {role_arn: reader}}\n    local-one:\n      backend_type: local\n      backend: {local: {path: x.tfstate}}'), 'vpc', 'acme-ue1-dev');
    expect(out.remote_state_backend).toMatchObject({ bucket: 'tfstate', role_arn: 'reader' });
    const local = describeFixture(withBackend('    local-one:\n      backend_type: local\n      backend: {local: {path: x.tfstate}}'), 'local-one', 'acme-ue1-dev');
    expect(local.backend_type).toBe('local');
    expect(local.backend).toEqual({ path: 'x.tfstate' });
  });
});

describe('templates over component sections', () => {
  it('renders .vars, .settings, .atmos_component, .atmos_stack and .workspace after merging', () => {
    const out = describeFixture({
      'stacks/catalog/app.yaml': 'components:\n  terraform:\n    app:\n      vars:\n        name: "{{ .vars.tenant }}-{{ .vars.stage }}-{{ .atmos_component }}"\n        where: "{{ .atmos_stack }}/{{ .workspace }}"\n        owner: "{{ .settings.owner | upper }}"\n',
      [DEV]: `import: [catalog/app]\n${devVars}settings: {owner: platform}\n`,
    }, 'app', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ name: 'acme-dev-app', where: 'acme-ue1-dev/acme-ue1-dev', owner: 'PLATFORM' });
  });

  it('renders templates whichever layer wrote them: global, terraform, base, component, overrides, map keys', () => {
    const out = describeFixture({
      'stacks/catalog/base.yaml': [
        'components:',
        '  terraform:',
        '    base:',
        '      metadata: {type: abstract}',
        '      vars: {from_base: "{{ .vars.stage }}-base", nested: {deep: ["x", "{{ .atmos_component }}"]}}',
        '      settings: {base_setting: "{{ .atmos_stack }}"}',
        '    app:',
        '      metadata: {inherits: [base]}',
        '      vars: {own: "{{ .vars.tenant }}", "key-{{ .vars.stage }}": 1, literal: !literal "{{ kept }}"}',
        '      env: {OWN_ENV: "{{ .vars.stage }}"}',
        '    plain:',
        '      vars: {untouched: yes-really}',
        '',
      ].join('\n'),
      [DEV]: [
        'import: [catalog/base]',
        devVars.trimEnd(),
        '  global: "{{ .vars.environment }}-global"',
        'terraform:',
        '  vars: {from_terraform: "{{ .atmos_component }}-tf"}',
        'overrides:',
        '  vars: {from_overrides: "{{ .vars.stage }}-over"}',
        '',
      ].join('\n'),
    }, 'app', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({
      global: 'ue1-global', from_terraform: 'app-tf', from_base: 'dev-base', nested: { deep: ['x', 'app'] },
      own: 'acme', 'key-dev': 1, from_overrides: 'dev-over',
    });
    expect((out.vars as Record<string, unknown>).literal).toBe('!literal {{ kept }}');
    expect(out.settings).toMatchObject({ base_setting: 'acme-ue1-dev' });
    expect(out.env).toMatchObject({ OWN_ENV: 'dev' });
  });

  it.each([
    ['backend', '  backend: {s3: {bucket: "tf-{{ .vars.stage }}"}}', '', (out: Record<string, unknown>) => (out.backend as Record<string, unknown>).bucket, 'tf-dev'],
    ['command', '', '      command: "{{ .vars.tenant }}-tofu"', (out: Record<string, unknown>) => out.command, 'acme-tofu'],
    ['metadata', '', '      metadata: {description: "{{ .atmos_component }} in {{ .vars.stage }}"}', (out: Record<string, unknown>) => (out.metadata as Record<string, unknown>).description, 'app in dev'],
    ['dependencies', '', '      dependencies: {files: ["configs/{{ .vars.stage }}.json"]}', (out: Record<string, unknown>) => (out.dependencies as { files: string[] }).files[0], 'configs/dev.json'],
  ])('renders a template in %s, outside the merged sections, on its own', (_where, terraformLine, componentLine, read, expected) => {
    const out = describeFixture({
      [DEV]: [devVars.trimEnd(), 'terraform:', '  backend_type: s3', terraformLine || '  backend: {s3: {bucket: plain}}', 'components:', '  terraform:', '    app:',
        componentLine || '      vars: {plain: yes}', ''].join('\n'),
    }, 'app', 'acme-ue1-dev');
    expect(read(out)).toBe(expected);
  });

  it('evaluations > 1 lets a value use another rendered value', () => {
    const files = {
      'atmos.yaml': 'stacks: {base_path: stacks, included_paths: ["orgs/**/*"], name_pattern: "{tenant}-{environment}-{stage}"}\ntemplates: {settings: {enabled: true, evaluations: 2}}\n',
      [DEV]: `${devVars}components:\n  terraform:\n    app:\n      vars:\n        a: "{{ .vars.stage }}"\n        b: "{{ .vars.a }}-b"\n`,
    };
    expect(describeFixture(files, 'app', 'acme-ue1-dev').vars).toMatchObject({ a: 'dev', b: 'dev-b' });
  });

  it('--process-templates=false and templates.settings.enabled: false keep templates as written', () => {
    const files = { [DEV]: `${devVars}components:\n  terraform:\n    app:\n      vars: {a: "{{ .vars.stage }}"}\n` };
    expect(describeFixture(files, 'app', 'acme-ue1-dev', { processTemplates: false }).vars).toMatchObject({ a: '{{ .vars.stage }}' });
  });

  it('a template error names the manifest and line that wrote it', () => {
    const error = userError(() => resolveFixture({
      'stacks/catalog/app.yaml': 'components:\n  terraform:\n    app:\n      vars:\n        bad: "{{ .vars.stage | nosuchfunction }}"\n',
      [DEV]: `import: [catalog/app]\n${devVars}`,
    }));
    expect(error.code).toBe('TEMPLATE_ERROR');
    expect(error.location?.file).toMatch(/catalog\/app\.yaml$/);
    expect(error.location?.line).toBe(5);
    expect(error.message).toContain('nosuchfunction');
  });

  it('keeps YAML functions unevaluated but renders templates in their arguments', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    app:\n      vars:\n        vpc_id: !terraform.state vpc {{ .atmos_stack }} vpc_id\n`,
    }, 'app', 'acme-ue1-dev');
    expect((out.vars as Record<string, unknown>).vpc_id).toBe('!terraform.state vpc acme-ue1-dev vpc_id');
  });
});

describe('the same component in several top-level manifests', () => {
  const second = 'stacks/orgs/acme/dev/us-east-1-extra.yaml';

  it('is fine when the configuration is identical', () => {
    const resolved = resolveFixture({
      [DEV]: `${devVars}components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}}}\n`,
      [second]: `${devVars}components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}}}\n`,
    });
    expect(resolved.instances.filter((i) => i.component === 'vpc')).toHaveLength(1);
  });

  it('is an error naming both manifests when it differs', () => {
    const error = userError(() => resolveFixture({
      [DEV]: `${devVars}components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}}}\n`,
      [second]: `${devVars}components: {terraform: {vpc: {vars: {cidr: 10.9.0.0/16}}}}\n`,
    }));
    expect(error.code).toBe('CONFLICTING_COMPONENT');
    expect(error.message).toContain('stacks/orgs/acme/dev/us-east-1.yaml');
    expect(error.message).toContain('stacks/orgs/acme/dev/us-east-1-extra.yaml');
  });
});

describe('deps and deps_all', () => {
  it('list the manifests that set the final vars/env/settings/backend keys (first one per key for deps)', () => {
    const out = describeFixture({
      'stacks/catalog/base.yaml': 'components: {terraform: {base: {metadata: {type: abstract}, vars: {x: 1}}}}\n',
      'stacks/catalog/app.yaml': 'components: {terraform: {app: {metadata: {inherits: [base]}}}}\n',
      'stacks/catalog/other.yaml': 'components: {terraform: {other: {}}}\n',
      'stacks/mixins/region.yaml': 'vars: {region: us-east-1, stage: overridden-later}\n',
      'stacks/mixins/empty.yaml': 'vars: {}\n',
      [DEV]: `import: [catalog/base, catalog/app, catalog/other, mixins/region, mixins/empty]\n${devVars}`,
    }, 'app', 'acme-ue1-dev');
    expect(out.deps).toEqual(['catalog/base', 'mixins/region', 'orgs/acme/dev/us-east-1']);
    expect(out.deps_all).toEqual(['catalog/base', 'mixins/region', 'orgs/acme/dev/us-east-1']);
  });

  it('deps_all also lists lower-priority manifests that set a key; the stack manifest is always in deps_all', () => {
    const out = describeFixture({
      'stacks/mixins/team.yaml': 'vars: {team: from-mixin}\n',
      'stacks/catalog/app.yaml': 'components: {terraform: {app: {vars: {team: from-catalog}}}}\n',
      [DEV]: `import: [mixins/team, catalog/app]\n${devVars}`,
    }, 'app', 'acme-ue1-dev');
    expect((out.vars as Record<string, unknown>).team).toBe('from-catalog');
    expect(out.deps).toEqual(['catalog/app', 'orgs/acme/dev/us-east-1']);
    expect(out.deps_all).toEqual(['catalog/app', 'mixins/team', 'orgs/acme/dev/us-east-1']);
  });

  it('a manifest stays in deps for the keys the component does not hide; an unset key names no manifest', () => {
    const files = {
      'stacks/mixins/team.yaml': 'vars: {team: from-mixin, owner: from-mixin}\n',
      'stacks/mixins/extra.yaml': 'vars: {only_here: 1}\n',
      'stacks/catalog/app.yaml': 'components:\n  terraform:\n    app:\n      vars: {team: from-catalog, only_here: !unset }\n    app2:\n      vars: {team: x}\n',
      [DEV]: `import: [mixins/team, mixins/extra, catalog/app]\n${devVars}`,
    };
    const app = describeFixture(files, 'app', 'acme-ue1-dev');
    expect(app.vars).not.toHaveProperty('only_here');
    expect(app.deps).toEqual(['catalog/app', 'mixins/team', 'orgs/acme/dev/us-east-1']);
    expect(app.deps_all).toEqual(['catalog/app', 'mixins/team', 'orgs/acme/dev/us-east-1']);
    const app2 = describeFixture(files, 'app2', 'acme-ue1-dev');
    expect(app2.deps).toEqual(['catalog/app', 'mixins/extra', 'mixins/team', 'orgs/acme/dev/us-east-1']);
  });
});

describe('describe output', () => {
  it('has Atmos\'s keys', () => {
    const out = describeFixture({ [DEV]: `${devVars}components: {terraform: {vpc: {}}}\n` }, 'vpc', 'acme-ue1-dev');
    for (const key of ['atmos_component', 'atmos_stack', 'atmos_stack_file', 'atmos_manifest', 'component', 'stack', 'vars', 'settings', 'env',
      'backend', 'backend_type', 'remote_state_backend', 'remote_state_backend_type', 'providers', 'command', 'metadata', 'overrides',
      'inheritance', 'imports', 'deps', 'deps_all', 'workspace']) {
      expect(out).toHaveProperty(key);
    }
    expect(out).toMatchObject({ atmos_component: 'vpc', atmos_stack: 'acme-ue1-dev', atmos_stack_file: 'orgs/acme/dev/us-east-1', atmos_manifest: 'orgs/acme/dev/us-east-1', component: 'vpc', stack: 'acme-ue1-dev', command: 'terraform' });
  });
});

describe('!include', () => {
  it('includes YAML, JSON and text at parse time (so the value merges), with a query', () => {
    const resolved = resolveFixture({
      'stacks/catalog/tags.yaml': 'prod: {team: platform, cost: 1}\n',
      'config/limits.json': '{"cpu": 2, "memory": {"max": 512}}',
      'config/banner.txt': 'hello\n',
      [DEV]: `${devVars}components:\n  terraform:\n    app:\n      vars:\n        tags: !include catalog/tags.yaml .prod\n        limits: !include ../../../../config/limits.json\n        memory: !include ../../../../config/limits.json .memory.max\n        banner: !include.raw ../../../../config/banner.txt\n`,
    });
    const app = resolved.instances.find((i) => i.component === 'app')!;
    expect(app.sections.vars).toMatchObject({ tags: { team: 'platform', cost: 1 }, limits: { cpu: 2, memory: { max: 512 } }, memory: 512, banner: 'hello\n' });
    expect(app.includedFiles.map((f) => f.slice(resolved.root.length + 1)).sort()).toEqual(['config/banner.txt', 'config/limits.json', 'stacks/catalog/tags.yaml']);
  });

  it('an include beside !append in the same map keeps the append working', () => {
    const out = describeFixture({
      'stacks/catalog/extra.yaml': 'x: 1\n',
      [DEV]: `${devVars}components:\n  terraform:\n    app:\n      vars:\n        nested:\n          tags: !append [b]\n          extra: !include catalog/extra.yaml\n`,
    }, 'app', 'acme-ue1-dev');
    expect((out.vars as Record<string, unknown>).nested).toEqual({ tags: ['b'], extra: { x: 1 } });
  });

  it('a missing file is an error naming the manifest line; remote and outside paths are refused', () => {
    const missing = userError(() => resolveFixture({ [DEV]: `${devVars}components:\n  terraform:\n    app:\n      vars:\n        x: !include nope.yaml\n` }));
    expect(missing.code).toBe('FUNCTION_ERROR');
    expect(missing.location).toMatchObject({ line: 9 });
    expect(userError(() => resolveFixture({ [DEV]: `${devVars}settings:\n  x: !include https://example.com/x.yaml\n` })).message).toContain('remote includes are not supported');
    expect(userError(() => resolveFixture({ [DEV]: `${devVars}settings:\n  x: !include /etc/hostname\n` })).code).toBe('IMPORT_ESCAPES_REPO');
  });
});

describe('Go templates next to ${{ }} expressions', () => {
  it('leaves inline expressions for run time while rendering templates around them', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    app:\n      vars:\n        vpc_id: \${{ output.vpc.vpc_id }}\n        name: "{{ .vars.stage }}-\${{ vars.tenant }}"\n        escaped: "$\${{ x }}"\n`,
    }, 'app', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ vpc_id: '${{ output.vpc.vpc_id }}', name: 'dev-${{ vars.tenant }}', escaped: '$${{ x }}' });
  });
});

describe('a later resolution of the same workspace (describe affected\'s base side)', () => {
  it('reuses the earlier parsed manifests, except the changed files and the manifests including one, and reads given contents instead of the files', () => {
    const files = {
      'stacks/catalog/vpc.yaml': 'components:\n  terraform:\n    vpc:\n      vars: {cidr: 10.0.0.0/16}\n',
      'stacks/catalog/app.yaml': 'components:\n  terraform:\n    app:\n      vars: {tags: {team: platform}, size: !include ../size.yaml}\n',
      'stacks/size.yaml': '1\n',
      [DEV]: `import: [catalog/vpc, catalog/app]\n${devVars}`,
    };
    const root = writeWorkspace(files);
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const head = resolveStacks(config, { env: {} });
    const vpcCatalog = join(root, 'stacks/catalog/vpc.yaml');
    const sizeFile = join(root, 'stacks/size.yaml');
    const vars = (resolved: ResolvedStacks, component: string) => resolved.instances.find((i) => i.component === component)!.sections.vars;

    // Nothing changed: the parsed catalog values are the earlier ones, object for object.
    const same = resolveStacks(config, { env: {}, earlier: { resolved: head, changed: new Set() } });
    expect(vars(same, 'app').tags).toBe(vars(head, 'app').tags);

    // The vpc catalog changed (its base content given) and so did the file app's catalog includes: both read again.
    const contents = new Map([[vpcCatalog, Buffer.from('components:\n  terraform:\n    vpc:\n      vars: {cidr: 10.9.0.0/16}\n')]]);
    writeFileSync(sizeFile, '2\n');
    const base = resolveStacks(config, { env: {}, manifestContents: contents, earlier: { resolved: head, changed: new Set([vpcCatalog, sizeFile]) } });
    expect(vars(base, 'vpc').cidr).toBe('10.9.0.0/16');
    expect(vars(base, 'app')).toMatchObject({ size: 2, tags: { team: 'platform' } });
    expect(vars(base, 'app').tags).not.toBe(vars(head, 'app').tags);
    expect(readFileSync(vpcCatalog, 'utf8')).toContain('10.0.0.0/16');
  });
});
