import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { describeAffected, type Dependent } from '../stacks/affected';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { withDependents } from './affected-dependents';

afterAll(removeFixtures);

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });

/**
 * web depends on app and vpc (declared), app on vpc (declared), db on nothing; inferred: report
 * reads app's output (!terraform.output), dash db's (atmos.Component in a template), audit
 * db's (an inline `${{ output... }}` expression).
 */
const CATALOG = (vpcCidr: string, appSize: number) => `components:
  terraform:
    vpc: {vars: {cidr: ${vpcCidr}}}
    db: {vars: {size: 1}}
    app: {vars: {size: ${appSize}}, settings: {depends_on: {1: {component: vpc}}}}
    web: {vars: {x: 1}, settings: {depends_on: {1: {component: app}, 2: {component: vpc}}}}
    report: {vars: {url: !terraform.output app url}}
    dash: {vars: {host: '{{ (atmos.Component "db" .atmos_stack).outputs.host }}'}}
    audit: {vars: {db_host: '\${{ output.db.host }}'}}
`;

function repo(): string {
  const components = Object.fromEntries(['vpc', 'db', 'app', 'web', 'report', 'dash', 'audit'].map((name) => [`components/terraform/${name}/main.tf`, 'variable "cidr" {\n  default = null\n}\n']));
  const root = writeWorkspace({
    ...components,
    'stacks/catalog/all.yaml': CATALOG('a', 1),
    'stacks/orgs/acme/dev.yaml': 'import: [catalog/all]\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
    'stacks/orgs/acme/prod.yaml': 'import: [catalog/all]\nvars: {tenant: acme, environment: ue1, stage: prod}\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  return root;
}

const shape = (dependents: Dependent[] | null): unknown[] => (dependents ?? []).map((d) => [d.stack_slug, d.included_in_dependents, ...(d.dependents.length ? [shape(d.dependents)] : [])]);

describe('describe affected --include-dependents', () => {
  it('each entry\'s dependents with theirs (declared and inferred from references), in its stack; included_in_dependents as Atmos marks it', () => {
    const root = repo();
    writeFileSync(join(root, 'stacks/catalog/all.yaml'), CATALOG('b', 1));
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const dev = withDependents(config, describeAffected(config, 'main', {}).filter((e) => e.stack === 'acme-ue1-dev'), root, undefined);
    expect(dev.map((e) => [e.stack_slug, e.included_in_dependents, shape(e.dependents)])).toEqual([
      // web is app's dependent and vpc's own: in vpc's tree it is marked where a sibling's tree holds it too.
      ['acme-ue1-dev-vpc', false, [['acme-ue1-dev-app', false, [['acme-ue1-dev-report', false], ['acme-ue1-dev-web', false]]], ['acme-ue1-dev-web', true]]],
    ]);
    expect(dev[0].dependents?.[0]).toMatchObject({ component: 'app', component_type: 'terraform', component_path: 'components/terraform/app', tenant: 'acme', stage: 'dev', stack: 'acme-ue1-dev' });

    // app changes too: it is in vpc's tree, so marked; its own tree is there.
    writeFileSync(join(root, 'stacks/catalog/all.yaml'), CATALOG('b', 2));
    const both = withDependents(config, describeAffected(config, 'main', {}).filter((e) => e.stack === 'acme-ue1-dev'), root, undefined, { onlyInStack: 'acme-ue1-dev' });
    expect(both.map((e) => [e.stack_slug, e.included_in_dependents, shape(e.dependents)])).toEqual([
      ['acme-ue1-dev-app', true, [['acme-ue1-dev-report', false], ['acme-ue1-dev-web', false]]],
      ['acme-ue1-dev-vpc', false, [['acme-ue1-dev-app', false, [['acme-ue1-dev-report', false], ['acme-ue1-dev-web', false]]], ['acme-ue1-dev-web', true]]],
    ]);
  });

  it('dependents inferred from a template\'s atmos.Component and an inline output expression count too (the edges nx graph draws)', () => {
    const root = repo();
    writeFileSync(join(root, 'stacks/catalog/all.yaml'), CATALOG('a', 1).replace('db: {vars: {size: 1}}', 'db: {vars: {size: 2}}'));
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const entries = withDependents(config, describeAffected(config, 'main', {}), root, undefined);
    expect(entries.map((e) => [e.stack_slug, shape(e.dependents)])).toEqual([
      ['acme-ue1-dev-db', [['acme-ue1-dev-audit', false], ['acme-ue1-dev-dash', false]]],
      ['acme-ue1-prod-db', [['acme-ue1-prod-audit', false], ['acme-ue1-prod-dash', false]]],
    ]);
  });

  it('a deleted entry has no dependents', () => {
    const root = repo();
    writeFileSync(join(root, 'stacks/orgs/acme/prod.yaml'), 'vars: {tenant: acme, environment: ue1, stage: prod}\ncomponents: {terraform: {db: {vars: {size: 1}}}}\n');
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const entries = withDependents(config, describeAffected(config, 'main', {}), root, undefined);
    expect(entries.find((e) => e.component === 'vpc')).toMatchObject({ deleted: true, dependents: [], included_in_dependents: false });
  });
});
