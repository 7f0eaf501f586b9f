/**
 * Issue 17, class 4: stacks.name_pattern / name_template are evaluated per component section of
 * the stack being processed, and a catalog file included as a stack that does not set vars.stage
 * itself is not an error.
 *
 * Expected values derived from Atmos v1.226.1:
 * - internal/exec/describe_stacks_component_processor.go processComponentEntry -> resolveStackName:
 *   the name is computed for each component from that component's merged vars (name_pattern) or
 *   component section (name_template); when the pattern cannot be filled, "Fall back to filename
 *   when pattern validation fails" (the stack is the manifest's name, `catalog/vpc`).
 * - internal/exec/stack_utils.go BuildTerraformWorkspace: the same fallback for the workspace,
 *   with `/` replaced by `-`.
 * - internal/exec/utils.go findComponentInStacks: a stack whose name cannot be made is skipped
 *   (`continue`) when a component is looked up to run, so such instances are described, not run.
 */
import { runCli as cli } from '../testing/cli';
import { removeFixtures, resolveFixture, writeWorkspace } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const INCLUDE_ALL = `
base_path: ""
components: {terraform: {base_path: components/terraform}}
stacks:
  base_path: stacks
  included_paths: ["**/*"]
  excluded_paths: ["**/_defaults.yaml"]
  name_pattern: "{tenant}-{environment}-{stage}"
`;

const files = {
  'atmos.yaml': INCLUDE_ALL,
  'components/terraform/vpc/main.tf': 'variable "cidr" {}\nvariable "name" {}\n',
  // A catalog file matched by included_paths: no tenant/environment/stage of its own.
  'stacks/catalog/vpc.yaml': 'components:\n  terraform:\n    vpc:\n      vars: {cidr: 10.0.0.0/16}\n',
  'stacks/orgs/acme/dev.yaml': 'import: [catalog/vpc]\nvars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    vpc: {vars: {name: dev}}\n',
};

describe('stack names per component', () => {
  it('a catalog included as a stack without vars.stage is described under its file name, not an error, and is no project', () => {
    const resolved = resolveFixture(files);
    expect(resolved.instances.map((i) => `${i.component}@${i.stack}`)).toEqual(['vpc@acme-ue1-dev']);
    const catalog = resolved.describedOnly.find((i) => i.stack === 'catalog/vpc');
    expect(catalog).toMatchObject({ component: 'vpc', workspace: 'catalog-vpc' });
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]).toMatch(/^stacks\/catalog\/vpc\.yaml: stacks\.name_pattern .* needs vars\.tenant/);
  });

  it('components of one manifest with different vars land in different stacks', () => {
    const resolved = resolveFixture({
      'atmos.yaml': INCLUDE_ALL,
      'stacks/orgs/acme/mixed.yaml': 'vars: {tenant: acme, environment: ue1}\ncomponents:\n  terraform:\n' +
        '    vpc: {vars: {stage: dev}}\n    dns: {vars: {stage: prod}}\n',
    });
    expect(resolved.instances.map((i) => `${i.component}@${i.stack}`).sort()).toEqual(['dns@acme-ue1-prod', 'vpc@acme-ue1-dev']);
  });

  it('name_template is rendered over each component\'s own section', () => {
    const resolved = resolveFixture({
      'atmos.yaml': INCLUDE_ALL.replace('name_pattern: "{tenant}-{environment}-{stage}"', 'name_template: "{{ .vars.tenant }}-{{ .vars.stage }}"'),
      'stacks/orgs/acme/mixed.yaml': 'vars: {tenant: acme}\ncomponents:\n  terraform:\n    vpc: {vars: {stage: dev}}\n    dns: {vars: {stage: prod}}\n',
    });
    expect(resolved.instances.map((i) => `${i.component}@${i.stack}`).sort()).toEqual(['dns@acme-prod', 'vpc@acme-dev']);
  });
});

describe('atmos-nx on such a workspace', () => {
  it('list stacks and describe stacks show the file-named stack as Atmos does, with a warning', async () => {
    const root = writeWorkspace(files);
    const list = await cli(['list', 'stacks'], root);
    expect(list).toMatchObject({ code: 0, stdout: 'acme-ue1-dev\ncatalog/vpc\n' });
    expect(list.stderr).toMatch(/^warning: stacks\/catalog\/vpc\.yaml: stacks\.name_pattern/);
    const described = await cli(['describe', 'stacks', '--format', 'json'], root);
    expect(described.code).toBe(0);
    const stacks = JSON.parse(described.stdout);
    expect(Object.keys(stacks)).toEqual(['acme-ue1-dev', 'catalog/vpc']);
    expect(stacks['catalog/vpc'].components.terraform.vpc).toMatchObject({ vars: { cidr: '10.0.0.0/16' }, atmos_stack: 'catalog/vpc', workspace: 'catalog-vpc' });
    expect(stacks['acme-ue1-dev'].components.terraform.vpc.vars).toEqual({ tenant: 'acme', environment: 'ue1', stage: 'dev', cidr: '10.0.0.0/16', name: 'dev' });
  });

  it('describe component does not find a component in the file-named stack, as Atmos skips it there', async () => {
    const root = writeWorkspace(files);
    const skipped = await cli(['describe', 'component', 'vpc', '-s', 'catalog/vpc'], root);
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toMatch(/error: stack 'catalog\/vpc' does not exist/);
    expect(skipped.stderr).not.toMatch(/known stacks: .*catalog\/vpc/);
    const found = await cli(['describe', 'component', 'vpc', '-s', 'acme-ue1-dev', '--format', 'json'], root);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ atmos_stack: 'acme-ue1-dev', vars: { name: 'dev' } });
  });
});
