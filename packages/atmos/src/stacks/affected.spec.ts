import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import type { AtmosUserError } from '../errors/user-error';
import { FIXTURE_ATMOS_YAML, removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { compareWithBase, describeAffected } from './affected';
import { ignoredSectionWarnings } from './affected-sections';

// Counted, to tell which way the base was read (the extracting path makes an `atmos-affected-` folder).
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...actual, mkdtempSync: jest.fn(actual.mkdtempSync) };
});

afterAll(removeFixtures);

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' });
/** Every change in the work tree, committed. */
const commitAll = (root: string, message: string) => {
  git(root, 'add', '-A');
  git(root, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', message);
};

function repo(): string {
  const root = writeWorkspace({
    'stacks/catalog/vpc.yaml': 'components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}}}\n',
    'stacks/catalog/app.yaml': 'components: {terraform: {app: {vars: {size: 1}}}}\n',
    'stacks/orgs/acme/dev/ue1.yaml': 'import: [catalog/vpc, catalog/app]\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
    'stacks/orgs/acme/prod/ue1.yaml': 'import: [catalog/vpc, catalog/app]\nvars: {tenant: acme, environment: ue1, stage: prod}\n',
    'components/terraform/vpc/main.tf': 'variable "cidr" {}\n',
    'components/terraform/app/main.tf': 'module "m" {\n  source = "../modules/m"\n}\n',
    'components/terraform/modules/m/main.tf': '# module\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  commitAll(root, 'base');
  return root;
}

const affected = (root: string) => describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {}).map((a) => `${a.component}@${a.stack}:${a.affected}`);

describe('describeAffected (semantic, like Atmos)', () => {
  it('reports nothing without changes, and only instances whose resolved values changed', () => {
    const root = repo();
    expect(affected(root)).toEqual([]);
    // A catalog edit that changes vpc's vars affects vpc in both stacks, not app.
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.9.0.0/16}}}}\n');
    expect(affected(root)).toEqual(['vpc@acme-ue1-dev:stack.vars', 'vpc@acme-ue1-prod:stack.vars']);
  });

  it('a reformatting edit that resolves to the same values affects nothing', () => {
    const root = repo();
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), '# comment\ncomponents:\n  terraform:\n    app:\n      vars:\n        size: 1\n');
    expect(affected(root)).toEqual([]);
  });

  it('component folder and local module changes; new and deleted instances', () => {
    const root = repo();
    writeFileSync(join(root, 'components/terraform/modules/m/main.tf'), '# changed\n');
    writeFileSync(join(root, 'components/terraform/vpc/main.tf'), 'variable "cidr" { type = string }\n');
    expect(affected(root)).toEqual(['app@acme-ue1-dev:component.module', 'vpc@acme-ue1-dev:component', 'app@acme-ue1-prod:component.module', 'vpc@acme-ue1-prod:component']);
    rmSync(join(root, 'stacks/orgs/acme/prod/ue1.yaml'));
    mkdirSync(join(root, 'stacks/orgs/acme/stage'), { recursive: true });
    writeFileSync(join(root, 'stacks/orgs/acme/stage/ue1.yaml'), 'import: [catalog/app]\nvars: {tenant: acme, environment: ue1, stage: stage}\n');
    const result = affected(root);
    expect(result).toContain('app@acme-ue1-stage:stack.metadata');
    // The whole stack is gone: Atmos's deleted.stack.
    expect(result).toContain('vpc@acme-ue1-prod:deleted.stack');
  });

  it('files outside stacks/ and components/: an !include edited at head, and one only the base included (read from the whole base tree)', () => {
    const root = repo();
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared/size.yaml'), '1\n');
    writeFileSync(join(root, 'shared/old.yaml'), '7\n');
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {size: !include ../../shared/size.yaml, old: !include ../../shared/old.yaml}}}}\n');
    commitAll(root, 'includes');
    expect(affected(root)).toEqual([]);
    writeFileSync(join(root, 'shared/size.yaml'), '2\n');
    expect(affected(root)).toEqual(['app@acme-ue1-dev:stack.vars', 'app@acme-ue1-prod:stack.vars']);
    writeFileSync(join(root, 'shared/size.yaml'), '1\n');
    // Head no longer includes shared/old.yaml; the base still does, and resolves only with it.
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {size: !include ../../shared/size.yaml, old: 7}}}}\n');
    expect(affected(root)).toEqual([]);
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {size: !include ../../shared/size.yaml, old: 8}}}}\n');
    expect(affected(root)).toEqual(['app@acme-ue1-dev:stack.vars', 'app@acme-ue1-prod:stack.vars']);
  });
});

describe('component folders and modules as Terraform finds them', () => {
  it('a module a *.tf.json declares, a module folder that is a link and a component folder that is a link: an edit of the real files affects them', () => {
    const root = repo();
    mkdirSync(join(root, 'components/terraform/modules/j'));
    writeFileSync(join(root, 'components/terraform/modules/j/main.tf'), '# j\n');
    writeFileSync(join(root, 'components/terraform/vpc/extra.tf.json'), JSON.stringify({ module: { j: { source: '../modules/j' } } }));
    fs.symlinkSync('m', join(root, 'components/terraform/modules/m-link'));
    writeFileSync(join(root, 'components/terraform/app/main.tf'), 'module "m" {\n  source = "../modules/m-link"\n}\n');
    fs.symlinkSync('vpc', join(root, 'components/terraform/vpc-link'));
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}, vpc2: {metadata: {component: vpc-link}, vars: {cidr: 10.1.0.0/16}}}}\n');
    commitAll(root, 'json module, links');
    writeFileSync(join(root, 'components/terraform/modules/j/main.tf'), '# j changed\n');
    expect(affected(root)).toEqual(['vpc@acme-ue1-dev:component.module', 'vpc2@acme-ue1-dev:component.module', 'vpc@acme-ue1-prod:component.module', 'vpc2@acme-ue1-prod:component.module']);
    git(root, 'checkout', '-q', '--', '.');
    writeFileSync(join(root, 'components/terraform/modules/m/main.tf'), '# m changed\n');
    expect(affected(root)).toEqual(['app@acme-ue1-dev:component.module', 'app@acme-ue1-prod:component.module']);
    git(root, 'checkout', '-q', '--', '.');
    writeFileSync(join(root, 'components/terraform/vpc/main.tf'), 'variable "cidr" { type = string }\n');
    expect(affected(root)).toEqual(['vpc@acme-ue1-dev:component', 'vpc2@acme-ue1-dev:component', 'vpc@acme-ue1-prod:component', 'vpc2@acme-ue1-prod:component']);
  });

  it('a component folder that is a link re-pointed to another folder: git names the link itself, and it is a change of the component', () => {
    const root = repo();
    fs.cpSync(join(root, 'components/terraform/vpc'), join(root, 'vpc-v2'), { recursive: true });
    writeFileSync(join(root, 'vpc-v2/main.tf'), 'variable "cidr" { type = string }\n');
    fs.symlinkSync('vpc', join(root, 'components/terraform/vpc-link'));
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {metadata: {component: vpc-link}, vars: {cidr: 10.0.0.0/16}}}}\n');
    commitAll(root, 'link');
    rmSync(join(root, 'components/terraform/vpc-link'));
    fs.symlinkSync('../../vpc-v2', join(root, 'components/terraform/vpc-link'));
    expect(affected(root)).toEqual(['vpc@acme-ue1-dev:component', 'vpc@acme-ue1-prod:component']);
  });
});

describe('the working tree, as Atmos reads it', () => {
  it('a new stack manifest in a folder git ignores is compared too (its instances are new)', () => {
    const root = repo();
    writeFileSync(join(root, '.gitignore'), 'tmp/\n');
    commitAll(root, 'ignore tmp/');
    mkdirSync(join(root, 'stacks/orgs/acme/tmp'), { recursive: true });
    writeFileSync(join(root, 'stacks/orgs/acme/tmp/ue1.yaml'), 'import: [catalog/vpc]\nvars: {tenant: acme, environment: ue1, stage: tmp}\n');
    expect(affected(root)).toEqual(['vpc@acme-ue1-tmp:stack.metadata']);
  });
});

describe('a base from before Atmos came to the repository', () => {
  it('has no atmos.yaml: every instance is new, with a warning (as Atmos treats a base without stacks), never an error about it', () => {
    const root = writeWorkspace({ 'README.md': 'before Atmos\n' });
    rmSync(join(root, 'atmos.yaml'));
    git(root, 'init', '-q', '-b', 'main');
    commitAll(root, 'before Atmos');
    const before = git(root, 'rev-parse', 'HEAD').trim();
    for (const [path, text] of Object.entries({
      'atmos.yaml': FIXTURE_ATMOS_YAML,
      'stacks/orgs/acme/dev/ue1.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents: {terraform: {vpc: {vars: {cidr: a}}}}\n',
      'components/terraform/vpc/main.tf': '',
    })) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const warnings: string[] = [];
    const entries = describeAffected(loadAtmosConfig({ cwd: root, env: {} }), before, {}, { onWarning: (message) => warnings.push(message) });
    expect(entries.map((entry) => [entry.stack_slug, entry.affected])).toEqual([['acme-ue1-dev-vpc', 'stack.metadata']]);
    expect(warnings).toEqual([`the base (${before.slice(0, 12)}) has no atmos.yaml: compared with nothing, every instance is new (as Atmos treats a base without stacks)`]);
  });
});

describe('a base whose atmos.yaml finds no stack manifests', () => {
  it('is compared as empty, with a warning (as Atmos), e.g. when the branch moves the stacks folder', () => {
    const root = repo();
    writeFileSync(join(root, 'atmos.yaml'), FIXTURE_ATMOS_YAML.replace(/base_path: "?stacks"?/, 'base_path: "stackz"'));
    commitAll(root, 'stacks.base_path names no folder');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(root, 'atmos.yaml'), FIXTURE_ATMOS_YAML);
    const warnings: string[] = [];
    const entries = describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {}, { onWarning: (message) => warnings.push(message) });
    expect(entries.map((entry) => `${entry.component}@${entry.stack}:${entry.affected}`)).toEqual(['app@acme-ue1-dev:stack.metadata', 'vpc@acme-ue1-dev:stack.metadata',
      'app@acme-ue1-prod:stack.metadata', 'vpc@acme-ue1-prod:stack.metadata']);
    expect(warnings).toEqual([`the base (${base.slice(0, 12)}) has no stack manifests under stackz: compared with nothing, every instance is new (as Atmos treats a base without stacks)`]);
  });
});

describe('a mistake in the base\'s stacks', () => {
  /** describe affected's error against main, as the user reads it. */
  const baseMistake = (root: string): string => {
    try {
      describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {});
    } catch (error) {
      return (error as AtmosUserError).format(root);
    }
    throw new Error('describe affected did not fail');
  };

  it('is reported as the base\'s, at the file\'s path in the repository (the extracted copy is gone), with what to do', () => {
    const root = repo();
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: [10.0.0.0/16}}}}\n');
    commitAll(root, 'broken');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}}}\n');
    const message = baseMistake(root);
    expect(message).toMatch(new RegExp(`^stacks/catalog/vpc.yaml:1:\\d+: at the base \\(${base.slice(0, 12)}\\): invalid YAML`));
    expect(message).toMatch(/that is the file as the base commit has it: describe affected compares against it, so compare against a base whose stacks resolve \(--base <ref>\)$/);
    expect(message).not.toMatch(/atmos-affected-/);
  });

  it('an import leading outside the repository at the base is named as the repository has it, never by the extracted copy\'s path', () => {
    const root = repo();
    const devStack = 'stacks/orgs/acme/dev/ue1.yaml';
    writeFileSync(join(root, devStack), 'import: [catalog/vpc, ../../../../../shared/x]\nvars: {tenant: acme, environment: ue1, stage: dev}\n');
    commitAll(root, 'an import out of the repository on main');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(root, devStack), 'import: [catalog/vpc, catalog/app]\nvars: {tenant: acme, environment: ue1, stage: dev}\n');
    const message = baseMistake(root);
    expect(message).toContain(`${devStack}:1:23: at the base (${base.slice(0, 12)}): import "../../../../../shared/x" resolves outside the repository ${root} (to ../shared/x`);
    expect(message).not.toMatch(/atmos-affected-/);
  });

  it('an import the base cannot find: the base is compared as empty, every instance of every stack is new, with a warning (as Atmos), never an error', () => {
    const root = repo();
    const devStack = 'stacks/orgs/acme/dev/ue1.yaml';
    writeFileSync(join(root, devStack), 'import:\n  - catalog/vpc\n  - catalog/appz\nvars: {tenant: acme, environment: ue1, stage: dev}\n');
    commitAll(root, 'broken import on main');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    // The branch fixes it: the prod stack did not change, yet Atmos reports it (its base is empty too).
    writeFileSync(join(root, devStack), 'import: [catalog/vpc, catalog/app]\nvars: {tenant: acme, environment: ue1, stage: dev}\n');
    const warnings: string[] = [];
    const entries = describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {}, { onWarning: (message) => warnings.push(message) });
    expect(entries.map((entry) => `${entry.component}@${entry.stack}:${entry.affected}`)).toEqual(['app@acme-ue1-dev:stack.metadata', 'vpc@acme-ue1-dev:stack.metadata',
      'app@acme-ue1-prod:stack.metadata', 'vpc@acme-ue1-prod:stack.metadata']);
    expect(warnings).toEqual([`${devStack}:3:5: at the base (${base.slice(0, 12)}): import "catalog/appz" matches no manifest: compared with nothing, every instance is new (as Atmos treats a base whose imports it cannot find)`]);
  });
});

describe('the sections compared, as Atmos compares them', () => {
  const vpc = (sections: string) => `components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}${sections}}}}\n`;
  const commitVpc = (root: string, sections: string) => {
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), vpc(sections));
    commitAll(root, 'sections');
  };

  it('each section Atmos evaluates is a reason of its own; locals, overrides and hooks are not', () => {
    const root = repo();
    commitVpc(root, ', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform');
    const cases: Array<[string, string | undefined]> = [
      [', source: {uri: "github.com/acme/vpc", version: 1.1.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform', 'stack.source'],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.51.0}}, command: terraform', 'stack.dependencies'],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: tofu', 'stack.command'],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform, remote_state_backend_type: static',
        'stack.remote_state_backend_type'],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform, remote_state_backend_type: s3, remote_state_backend: {s3: {bucket: b}}',
        'stack.remote_state_backend'],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform, backend_type: local', 'stack.backend_type'],
      // Several differ: the first in Atmos's order is the reason.
      [', source: {uri: "github.com/acme/vpc", version: 2.0.0}, dependencies: {tools: {tflint: 0.60.0}}, command: tofu, settings: {x: 1}', 'stack.command'],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform, settings: {x: 1}', 'stack.settings'],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform, hooks: {h: {events: [after-terraform-apply]}}', undefined],
      [', source: {uri: "github.com/acme/vpc", version: 1.0.0}, dependencies: {tools: {tflint: 0.50.0}}, command: terraform, locals: {unused: 1}', undefined],
    ];
    for (const [sections, reason] of cases) {
      writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), vpc(sections));
      expect([sections, affected(root)]).toEqual([sections, reason ? [`vpc@acme-ue1-dev:${reason}`, `vpc@acme-ue1-prod:${reason}`] : []]);
    }
  });

  it('atmos.yaml describe.affected.sections replaces Atmos\'s table (hooks and custom names too); metadata and settings are always compared', () => {
    const root = repo();
    writeFileSync(join(root, 'atmos.yaml'), `${FIXTURE_ATMOS_YAML}describe:\n  affected:\n    sections: [env, hooks, generate, varz, settings, component, toString, __proto__]\n`);
    commitVpc(root, ', env: {A: "1"}, hooks: {h: {events: [after-terraform-apply]}}');
    const cases: Array<[string, string | undefined]> = [
      // vars is not in the list any more: a vars edit affects nothing.
      [', vars: {cidr: 10.1.0.0/16}, env: {A: "1"}, hooks: {h: {events: [after-terraform-apply]}}', undefined],
      [', env: {A: "2"}, hooks: {h: {events: [after-terraform-apply]}}', 'stack.env'],
      [', env: {A: "1"}, hooks: {h: {events: [before-terraform-plan]}}', 'stack.hooks'],
      [', env: {A: "1"}', 'stack.hooks'],
      [', env: {A: "1"}, hooks: {h: {events: [after-terraform-apply]}}, settings: {x: 1}', 'stack.settings'],
      [', env: {A: "1"}, hooks: {h: {events: [after-terraform-apply]}}, metadata: {locked: true}', 'stack.metadata'],
      [', env: {A: "1"}, hooks: {h: {events: [after-terraform-apply]}}, backend_type: local', undefined],
    ];
    const config = () => loadAtmosConfig({ cwd: root, env: {} });
    for (const [sections, reason] of cases) {
      writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), vpc(sections).replace('{vars: {cidr: 10.0.0.0/16}, vars:', '{vars:'));
      const expected = reason ? [`vpc@acme-ue1-dev:${reason}`, `vpc@acme-ue1-prod:${reason}`] : [];
      expect([sections, affected(root)]).toEqual([sections, expected]);
      // The full comparison (what the scoped one is checked against) selects the same sections.
      const full = compareWithBase(config(), 'main', {}, { scoped: false }).changed.map(({ instance, reasons }) => `${instance.component}@${instance.stack}:${reasons.all[0]}`);
      expect([sections, full]).toEqual([sections, expected]);
    }
    // Names an object has of its own (toString, __proto__) are names like any other.
    const noSection = (name: string) => `${join(root, 'atmos.yaml')}: describe.affected.sections lists "${name}", which is no section of a component (as in Atmos, it compares nothing): check the spelling`;
    expect(ignoredSectionWarnings(config())).toEqual([
      `${join(root, 'atmos.yaml')}: describe.affected.sections lists "generate", which atmos-nx does not compare: a change there affects nothing`,
      noSection('varz'), noSection('toString'), noSection('__proto__'),
    ]);
    // A new instance differs in every listed section its merged component has (hooks always, env always), as in Atmos.
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), `${vpc(', env: {A: "1"}, hooks: {h: {events: [after-terraform-apply]}}')}`.replace('vpc: {vars', 'vpc: {vars: {}}, vpc2: {vars'));
    const fresh = describeAffected(config(), 'main', {}).filter((entry) => entry.component === 'vpc2').map((entry) => entry.affected_all);
    expect(fresh).toEqual([['stack.metadata', 'stack.env', 'stack.hooks', 'stack.settings'], ['stack.metadata', 'stack.env', 'stack.hooks', 'stack.settings']]);
    // A list that places settings compares it there: the headline of a vars and settings change.
    writeFileSync(join(root, 'atmos.yaml'), `${FIXTURE_ATMOS_YAML}describe:\n  affected:\n    sections: [settings, vars]\n`);
    commitAll(root, 'settings first');
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), vpc(', settings: {x: 2}').replace('10.0.0.0/16', '10.2.0.0/16'));
    expect(affected(root).filter((entry) => entry.startsWith('vpc@'))).toEqual(['vpc@acme-ue1-dev:stack.settings', 'vpc@acme-ue1-prod:stack.settings']);
    // Atmos decodes a string into a list, split at commas.
    writeFileSync(join(root, 'atmos.yaml'), `${FIXTURE_ATMOS_YAML}describe:\n  affected:\n    sections: "vars, env"\n`);
    expect(config().describe?.affectedSections).toEqual(['vars', 'env']);
  });

  it('a changed local module is the reason before a change of the component folder itself, as in Atmos', () => {
    const root = repo();
    writeFileSync(join(root, 'components/terraform/modules/m/main.tf'), '# changed\n');
    writeFileSync(join(root, 'components/terraform/app/extra.tf'), '# new\n');
    expect(affected(root)).toEqual(['app@acme-ue1-dev:component.module', 'app@acme-ue1-prod:component.module']);
  });
});

describe('the entries, with Atmos\'s fields', () => {
  it('every reason in affected_all, component_path, the context vars, the dependency file; deleted by component or with its stack', () => {
    const root = repo();
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config/rules.json'), '{}\n');
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {size: 1}, dependencies: {files: [config/rules.json]}}, old: {metadata: {enabled: false, component: app}}}}\n');
    commitAll(root, 'app depends on a file; old is disabled');
    // app: vars, env and its file change; old (disabled) is removed; the prod stack keeps only vpc.
    writeFileSync(join(root, 'config/rules.json'), '{"x": 1}\n');
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {size: 2}, env: {X: "1"}, dependencies: {files: [config/rules.json]}}}}\n');
    writeFileSync(join(root, 'stacks/orgs/acme/prod/ue1.yaml'), 'import: [catalog/vpc]\nvars: {tenant: acme, environment: ue1, stage: prod}\n');
    const entries = describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {});
    expect(entries.find((e) => e.stack === 'acme-ue1-dev' && e.component === 'app')).toEqual({
      component: 'app', component_type: 'terraform', component_path: 'components/terraform/app', tenant: 'acme', environment: 'ue1', stage: 'dev',
      stack: 'acme-ue1-dev', stack_slug: 'acme-ue1-dev-app', affected: 'stack.vars', affected_all: ['stack.vars', 'stack.env', 'file'], file: 'config/rules.json',
      dependents: null, included_in_dependents: false, settings: null,
    });
    expect(entries.filter((e) => e.deleted).map((e) => [e.component, e.stack, e.affected, e.affected_all, e.deletion_type])).toEqual([
      ['old', 'acme-ue1-dev', 'deleted', ['deleted'], 'component'],
      ['app', 'acme-ue1-prod', 'deleted', ['deleted'], 'component'],
      ['old', 'acme-ue1-prod', 'deleted', ['deleted'], 'component'],
    ]);
    rmSync(join(root, 'stacks/orgs/acme/prod/ue1.yaml'));
    expect(describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {}).filter((e) => e.stack === 'acme-ue1-prod').map((e) => [e.component, e.affected, e.deletion_type]))
      .toEqual([['app', 'deleted.stack', 'stack'], ['old', 'deleted.stack', 'stack'], ['vpc', 'deleted.stack', 'stack']]);
    // --include-settings
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}, settings: {team: net}}}}\n');
    const withSettings = describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {}, { includeSettings: true });
    expect(withSettings.find((e) => e.component === 'vpc' && e.stack === 'acme-ue1-dev')).toMatchObject({ affected: 'stack.settings', settings: { team: 'net' } });
  });
});

describe('affected_all and the dependency reason, as Atmos computes them', () => {
  const all = (root: string, component: string, stack = 'acme-ue1-dev') => {
    const found = describeAffected(loadAtmosConfig({ cwd: root, env: {} }), 'main', {}).find((e) => e.component === component && e.stack === stack);
    return found && [found.affected_all, found.file, found.folder];
  };

  it('a new instance differs in every section its merged component has; another folder named is the metadata change it is', () => {
    const root = repo();
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}, vpc2: {metadata: {component: vpc}}}}\n');
    expect(all(root, 'vpc2')).toEqual([['stack.metadata', 'stack.vars', 'stack.env', 'stack.providers', 'stack.backend', 'stack.backend_type',
      'stack.remote_state_backend', 'stack.remote_state_backend_type', 'stack.command', 'stack.settings'], undefined, undefined]);
    commitAll(root, 'vpc2');
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.0.0.0/16}}, vpc2: {metadata: {component: app}}}}\n');
    expect(all(root, 'vpc2')).toEqual([['stack.metadata'], undefined, undefined]);
  });

  it('declared files and folders are globs; the first that matches a changed file is the one reason', () => {
    const root = repo();
    mkdirSync(join(root, 'config/a'), { recursive: true });
    writeFileSync(join(root, 'config/rules.json'), '{}\n');
    writeFileSync(join(root, 'config/a/x.txt'), 'x\n');
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {size: 1}, dependencies: {files: [config/*.json], folders: ["config/{a,b}"]}}}}\n');
    commitAll(root, 'globs');
    writeFileSync(join(root, 'config/a/x.txt'), 'y\n');
    expect(all(root, 'app')).toEqual([['folder'], undefined, 'config/{a,b}']);
    writeFileSync(join(root, 'config/rules.json'), '{"x": 1}\n');
    expect(all(root, 'app')).toEqual([['file'], 'config/*.json', undefined]);
  });

  it('declared paths are cleaned as Atmos cleans them (./x, x/), and ( ) in them are plain characters', () => {
    const root = repo();
    mkdirSync(join(root, 'pol'), { recursive: true });
    mkdirSync(join(root, 'shared (old)/x'), { recursive: true });
    writeFileSync(join(root, 'cfg.json'), '1\n');
    writeFileSync(join(root, 'pol/p.rego'), 'a\n');
    writeFileSync(join(root, 'net(v2).json'), '1\n');
    writeFileSync(join(root, 'shared (old)/x/a.txt'), 'a\n');
    writeFileSync(join(root, 'stacks/catalog/app.yaml'),
      `components: {terraform: {app: {vars: {size: 1}, dependencies: {files: [./cfg.json, "net(v2).json", "${join(root, 'abs.json')}"], folders: [pol/, "shared (old)"]}}}}\n`);
    writeFileSync(join(root, 'abs.json'), '1\n');
    commitAll(root, 'dependencies');
    const reasonsAfter = (file: string) => {
      git(root, 'checkout', '-q', '--', '.');
      writeFileSync(join(root, file), 'changed\n');
      return all(root, 'app');
    };
    expect(reasonsAfter('cfg.json')).toEqual([['file'], './cfg.json', undefined]);
    expect(reasonsAfter('net(v2).json')).toEqual([['file'], 'net(v2).json', undefined]);
    // An absolute path inside the repository (Atmos's filepath.Abs keeps it; git names the file relative).
    expect(reasonsAfter('abs.json')).toEqual([['file'], join(root, 'abs.json'), undefined]);
    expect(reasonsAfter('pol/p.rego')).toEqual([['folder'], undefined, 'pol/']);
    expect(reasonsAfter('shared (old)/x/a.txt')).toEqual([['folder'], undefined, 'shared (old)']);
  });
});

describe('the base ref as typed', () => {
  it('is resolved to a commit first: a ref that reads as an option is refused and git writes nothing', () => {
    const root = repo();
    const written = join(root, 'written-by-git');
    const attempt = (ref: string) => () => describeAffected(loadAtmosConfig({ cwd: root, env: {} }), ref, {});
    for (const ref of [`--output=${written}`, '-p', 'no-such-branch', 'main\nHEAD', '']) {
      expect(attempt(ref)).toThrow(expect.objectContaining({ code: 'USAGE', message: `base ref ${JSON.stringify(ref)} names no commit of the repository ${root}` }));
    }
    expect(fs.existsSync(written)).toBe(false);
    // A branch, a tag, a commit and a revision expression name commits.
    git(root, 'tag', 'v1');
    const commit = git(root, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {size: 2}}}}\n');
    for (const ref of ['main', 'v1', commit, 'HEAD^{commit}']) {
      expect(describeAffected(loadAtmosConfig({ cwd: root, env: {} }), ref, {}).map((a) => a.stack_slug)).toEqual(['acme-ue1-dev-app', 'acme-ue1-prod-app']);
    }
  });
});

describe('manifests imported through a link', () => {
  it('an edit of the target affects the stacks importing the link, whichever way the base is read', () => {
    for (const link of ['file', 'folder'] as const) {
      const root = repo();
      // orgs/acme/prod imports vpc through stacks/linked (a link to the file, or to the catalog folder).
      if (link === 'file') {
        mkdirSync(join(root, 'stacks/linked'));
        fs.symlinkSync('../catalog/vpc.yaml', join(root, 'stacks/linked/vpc.yaml'));
      } else {
        fs.symlinkSync('catalog', join(root, 'stacks/linked'));
      }
      writeFileSync(join(root, 'stacks/orgs/acme/prod/ue1.yaml'), 'import: [linked/vpc, catalog/app]\nvars: {tenant: acme, environment: ue1, stage: prod}\n');
      commitAll(root, 'linked');
      expect(affected(root)).toEqual([]);
      writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.9.0.0/16}}}}\n');
      expect({ link, affected: affected(root) }).toEqual({ link, affected: ['vpc@acme-ue1-dev:stack.vars', 'vpc@acme-ue1-prod:stack.vars'] });
    }
  });
});

describe('how the base is read', () => {
  const extractions = () => {
    const calls = (fs.mkdtempSync as unknown as jest.Mock).mock.calls as unknown[][];
    const before = calls.length;
    return () => calls.slice(before).filter(([prefix]) => String(prefix).includes('atmos-affected-')).length;
  };

  it('a change that only edits files reads them from git, without extracting the base (an ignored file that is no stack changes nothing)', () => {
    const root = repo();
    writeFileSync(join(root, '.gitignore'), '.DS_Store\ntmp/\n');
    commitAll(root, 'ignores');
    writeFileSync(join(root, 'stacks/catalog/.DS_Store'), 'x');
    mkdirSync(join(root, 'stacks/tmp'));
    writeFileSync(join(root, 'stacks/tmp/notes.yaml'), 'not: a stack\n');
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.9.0.0/16}}}}\n');
    writeFileSync(join(root, 'stacks/orgs/acme/prod/ue1.yaml'), 'import: [catalog/vpc, catalog/app]\nvars: {tenant: acme, environment: ue1, stage: prod}\ncomponents: {terraform: {app: {vars: {size: 2}}}}\n');
    const extracted = extractions();
    expect(affected(root)).toEqual(['vpc@acme-ue1-dev:stack.vars', 'app@acme-ue1-prod:stack.vars', 'vpc@acme-ue1-prod:stack.vars']);
    expect(extracted()).toBe(0);
  });

  it('an added file, or a changed file the base reads by !include, is compared against the extracted base', () => {
    const root = repo();
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared/old.yaml'), '7\n');
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {old: !include ../../shared/old.yaml}}}}\n');
    commitAll(root, 'include');
    // Head stops including shared/old.yaml and writes its base value inline, while the file
    // changes: only the base reads the file, and it must read the base's 7, not the new 8.
    writeFileSync(join(root, 'shared/old.yaml'), '8\n');
    writeFileSync(join(root, 'stacks/catalog/app.yaml'), 'components: {terraform: {app: {vars: {old: 7}}}}\n');
    const extracted = extractions();
    expect(affected(root)).toEqual([]);
    expect(extracted()).toBe(1);
    writeFileSync(join(root, 'stacks/catalog/extra.yaml'), 'vars: {}\n');
    writeFileSync(join(root, 'stacks/catalog/vpc.yaml'), 'components: {terraform: {vpc: {vars: {cidr: 10.9.0.0/16}}}}\n');
    expect(affected(root)).toEqual(['vpc@acme-ue1-dev:stack.vars', 'vpc@acme-ue1-prod:stack.vars']);
    expect(extracted()).toBe(2);
  });
});
