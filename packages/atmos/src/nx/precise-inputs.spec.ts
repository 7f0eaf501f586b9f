import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { resolveStacks } from '../stacks/engine';
import { FIXTURE_ATMOS_YAML, removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { branchChanges } from './changes';
import { preciseInputs } from './precise-inputs';

afterAll(removeFixtures);

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });

describe('preciseInputs: a changed file is an input of the instances whose compared configuration differs', () => {
  it('follows atmos.yaml describe.affected.sections, as describe affected does', () => {
    const catalog = (vars: string, env: string) => `components: {terraform: {vpc: {vars: {${vars}}, env: {${env}}}, app: {vars: {size: 1}}}}\n`;
    const root = writeWorkspace({
      'atmos.yaml': `${FIXTURE_ATMOS_YAML}describe:\n  affected:\n    sections: [env]\n`,
      'stacks/catalog/base.yaml': catalog('cidr: a', 'A: "1"'),
      'stacks/orgs/acme/dev/ue1.yaml': 'import: [catalog/base]\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
      'components/terraform/vpc/main.tf': '', 'components/terraform/app/main.tf': '',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const inputs = () => {
      const config = loadAtmosConfig({ cwd: root, env: {} });
      const head = resolveStacks(config, { env: {} });
      const precise = preciseInputs(config, head, branchChanges(root, {}, undefined), {});
      return head.instances.map((instance) => [instance.component, precise.changedOf(instance).map((file) => file.slice(root.length + 1))]);
    };
    // A vars edit: vars is not compared, so the changed catalog is nobody's input.
    writeFileSync(join(root, 'stacks/catalog/base.yaml'), catalog('cidr: b', 'A: "1"'));
    expect(inputs()).toEqual([['vpc', []], ['app', []]]);
    writeFileSync(join(root, 'stacks/catalog/base.yaml'), catalog('cidr: a', 'A: "2"'));
    expect(inputs()).toEqual([['vpc', ['stacks/catalog/base.yaml']], ['app', []]]);
  });

  it('a base from before atmos.yaml existed: every instance is new, its configuration files are its inputs', () => {
    const root = writeWorkspace({ 'README.md': 'before Atmos\n' });
    rmSync(join(root, 'atmos.yaml'));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'before Atmos');
    writeFileSync(join(root, 'atmos.yaml'), FIXTURE_ATMOS_YAML);
    mkdirSync(join(root, 'stacks/orgs/acme/dev'), { recursive: true });
    writeFileSync(join(root, 'stacks/orgs/acme/dev/ue1.yaml'), 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents: {terraform: {vpc: {vars: {cidr: a}}}}\n');
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const head = resolveStacks(config, { env: {} });
    // atmos.yaml is new, so it is a changed input of every instance, with the new manifest.
    const precise = preciseInputs(config, head, branchChanges(root, {}, undefined), {});
    expect(head.instances.map((instance) => precise.changedOf(instance).map((file) => file.slice(root.length + 1)).sort())).toEqual([['atmos.yaml', 'stacks/orgs/acme/dev/ue1.yaml']]);
  });

  it('a base whose import matches no manifest: every instance of every stack is new, as describe affected reports it (Atmos compares that base as empty)', () => {
    const stack = (stage: string, app: string) => `import: [catalog/vpc, ${app}]\nvars: {tenant: acme, environment: ue1, stage: ${stage}}\n`;
    const root = writeWorkspace({
      'stacks/catalog/vpc.yaml': 'components: {terraform: {vpc: {vars: {cidr: a}}}}\n',
      'stacks/catalog/app.yaml': 'components: {terraform: {app: {vars: {size: 1}}}}\n',
      'stacks/orgs/acme/dev/ue1.yaml': stack('dev', 'catalog/appz'),
      'stacks/orgs/acme/prod/ue1.yaml': stack('prod', 'catalog/app'),
      'components/terraform/vpc/main.tf': '', 'components/terraform/app/main.tf': '',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'a broken import on main');
    writeFileSync(join(root, 'stacks/orgs/acme/dev/ue1.yaml'), stack('dev', 'catalog/app'));
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const head = resolveStacks(config, { env: {} });
    const warnings: string[] = [];
    const precise = preciseInputs(config, head, branchChanges(root, {}, undefined), {}, (message) => warnings.push(message));
    expect(head.instances.map((instance) => [`${instance.component}@${instance.stack}`, precise.changedOf(instance).map((file) => file.slice(root.length + 1))]).sort()).toEqual([
      ['app@acme-ue1-dev', ['stacks/orgs/acme/dev/ue1.yaml']], ['app@acme-ue1-prod', ['stacks/orgs/acme/dev/ue1.yaml']],
      ['vpc@acme-ue1-dev', ['stacks/orgs/acme/dev/ue1.yaml']], ['vpc@acme-ue1-prod', ['stacks/orgs/acme/dev/ue1.yaml']],
    ]);
    // Why everything is affected is said, naming the base's broken import where it is written.
    expect(warnings).toEqual([expect.stringMatching(/^stacks\/orgs\/acme\/dev\/ue1\.yaml:1:\d+: .*import "catalog\/appz" matches no manifest: compared with nothing, every instance is new/)]);
  });

  it('a base whose manifest is not valid YAML (fixed on the branch): every instance whose stack files changed, and a warning naming the base\'s mistake', () => {
    const root = writeWorkspace({
      'stacks/catalog/vpc.yaml': 'components: {terraform: {vpc: {vars: {cidr: a}}}}\n',
      'stacks/orgs/acme/dev/ue1.yaml': 'import: [catalog/vpc]\nvars: {tenant: acme, environment: ue1, stage: dev\n',
      'stacks/orgs/acme/prod/ue1.yaml': 'import: [catalog/vpc]\nvars: {tenant: acme, environment: ue1, stage: prod}\n',
      'components/terraform/vpc/main.tf': '',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'invalid YAML on main');
    writeFileSync(join(root, 'stacks/orgs/acme/dev/ue1.yaml'), 'import: [catalog/vpc]\nvars: {tenant: acme, environment: ue1, stage: dev}\n');
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const head = resolveStacks(config, { env: {} });
    const warnings: string[] = [];
    const precise = preciseInputs(config, head, branchChanges(root, {}, undefined), {}, (message) => warnings.push(message));
    expect(head.instances.map((instance) => [instance.stack, precise.changedOf(instance).map((file) => file.slice(root.length + 1))]).sort()).toEqual([
      ['acme-ue1-dev', ['stacks/orgs/acme/dev/ue1.yaml']], ['acme-ue1-prod', []],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^stacks\/orgs\/acme\/dev\/ue1\.yaml:\d+(:\d+)?: at the base \([0-9a-f]{12}\): .+: every instance whose stack files changed since [0-9a-f]{12} counts as affected$/);
    expect(warnings[0]).not.toContain('atmos-affected-');
  });

  it('a manifest imported through a link to a file outside the stacks folder: the target is an input, so editing it selects the instances it changes', () => {
    const root = writeWorkspace({
      'shared/extra.yaml': 'components: {terraform: {vpc: {vars: {cidr: a}}}}\n',
      'stacks/catalog/app.yaml': 'components: {terraform: {app: {vars: {size: 1}}}}\n',
      'stacks/orgs/acme/dev/ue1.yaml': 'import: [catalog/link, catalog/app]\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
      'components/terraform/vpc/main.tf': '', 'components/terraform/app/main.tf': '',
    });
    symlinkSync('../../shared/extra.yaml', join(root, 'stacks/catalog/link.yaml'));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const inputs = () => {
      const config = loadAtmosConfig({ cwd: root, env: {} });
      const head = resolveStacks(config, { env: {} });
      const precise = preciseInputs(config, head, branchChanges(root, {}, undefined), {});
      const relative = (files: string[]) => files.map((file) => file.slice(root.length + 1));
      return head.instances.map((instance) => [instance.component, relative(precise.changedOf(instance)), relative(precise.unchangedOf(instance)).includes('shared/extra.yaml')]);
    };
    // Unchanged: the target is in the stack's shared input (another base may see it changed).
    expect(inputs()).toEqual([['vpc', [], true], ['app', [], true]]);
    writeFileSync(join(root, 'shared/extra.yaml'), 'components: {terraform: {vpc: {vars: {cidr: b}}}}\n');
    expect(inputs()).toEqual([['vpc', ['shared/extra.yaml'], false], ['app', [], false]]);
  });

  it('a base compared as empty while the only change lies outside the stacks folder: every instance still has a changed input', () => {
    const stack = (stage: string, imports: string) => `import: [${imports}]\nvars: {tenant: acme, environment: ue1, stage: ${stage}}\n`;
    const root = writeWorkspace({
      'stacks/catalog/vpc.yaml': 'components: {terraform: {vpc: {vars: {cidr: a}}}}\n',
      'stacks/orgs/acme/dev/ue1.yaml': stack('dev', 'catalog/vpc, ../../../../shared/extra'),
      'stacks/orgs/acme/prod/ue1.yaml': stack('prod', 'catalog/vpc'),
      'components/terraform/vpc/main.tf': '', 'components/terraform/app/main.tf': '',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'imports a file not there yet');
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared/extra.yaml'), 'components: {terraform: {app: {vars: {size: 1}}}}\n');
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const head = resolveStacks(config, { env: {} });
    const precise = preciseInputs(config, head, branchChanges(root, {}, undefined), {});
    expect(head.instances.map((instance) => [`${instance.component}@${instance.stack}`, precise.changedOf(instance).map((file) => file.slice(root.length + 1))]).sort()).toEqual([
      ['app@acme-ue1-dev', ['shared/extra.yaml']], ['vpc@acme-ue1-dev', ['shared/extra.yaml']], ['vpc@acme-ue1-prod', ['shared/extra.yaml']],
    ]);
  });
});
