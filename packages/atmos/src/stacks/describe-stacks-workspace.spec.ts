/**
 * `workspace` in `describe stacks` vs `describe component`, as Atmos v1.226.1 prints them.
 * describe component / terraform: internal/exec/utils.go sets Context.Component and
 * Context.BaseComponent, so BuildTerraformWorkspace (internal/exec/stack_utils.go) gives
 * `<stack>-<component>` for a component with a base (metadata.component naming another folder),
 * as website/docs/tutorials/atmos-component-migrations-in-yaml.mdx shows
 * (`atmos describe component vpc1 --stack plat-ue2-dev` -> `workspace: plat-ue2-dev-vpc1`).
 * describe stacks: describe_stacks_component_processor.go passes the context resolveStackName
 * returns (vars only under name_pattern, empty under a manifest name or name_template), so the
 * base-component branch never fires there and `{component}` is empty.
 */
import { describeStacks } from './describe';
import { describeFixture, removeFixtures, resolveFixture } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const STACK = 'stacks/orgs/acme/ue1/dev.yaml';
const vars = 'vars: {tenant: acme, environment: ue1, stage: dev}\n';
const components = [
  'components:',
  '  terraform:',
  '    vpc: {vars: {}}',
  '    vpc-2: {metadata: {component: vpc}}',
  '    vpc-3: {metadata: {component: vpc, terraform_workspace_pattern: "{tenant}-{stage}-{component}"}}',
  '    vpc-4: {metadata: {component: vpc, terraform_workspace: pinned}}',
  '    vpc-5: {metadata: {component: vpc, terraform_workspace_template: "{{ .vars.stage }}-t"}}',
  '',
].join('\n');

function workspaces(stackFile: string, stack: string) {
  const resolved = resolveFixture({ 'components/terraform/vpc/main.tf': '', [STACK]: stackFile });
  const described = describeStacks(resolved.instances, resolved.describeContext) as Record<string, { components: { terraform: Record<string, { workspace: string }> } }>;
  return Object.fromEntries(Object.entries(described[stack].components.terraform).map(([name, section]) => [name, section.workspace]));
}

describe('describe stacks workspace (Atmos v1.226.1)', () => {
  it('a component with metadata.component: describe stacks prints the stack name, describe component <stack>-<component>', () => {
    expect(workspaces(`${vars}${components}`, 'acme-ue1-dev')).toEqual({
      vpc: 'acme-ue1-dev',
      'vpc-2': 'acme-ue1-dev',
      'vpc-3': 'acme-dev-', // {component} is empty in describe stacks
      'vpc-4': 'pinned',
      'vpc-5': 'dev-t',
    });
    const files = { 'components/terraform/vpc/main.tf': '', [STACK]: `${vars}${components}` };
    expect(describeFixture(files, 'vpc-2', 'acme-ue1-dev').workspace).toBe('acme-ue1-dev-vpc-2');
    expect(describeFixture(files, 'vpc-3', 'acme-ue1-dev').workspace).toBe('acme-dev-vpc-3');
  });

  it('under a manifest name: the pattern has no vars in describe stacks', () => {
    expect(workspaces(`name: my-stack\n${vars}${components}`, 'my-stack')).toMatchObject({ 'vpc-2': 'my-stack', 'vpc-3': '--' });
  });
});
