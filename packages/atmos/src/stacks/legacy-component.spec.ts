/**
 * Issue 17, class 8: the legacy top-level `component: <name>` key of a component section.
 *
 * Expected values derived from Atmos v1.226.1:
 * - internal/exec/stack_processor_utils.go processBaseComponentConfigInternal: a base named by
 *   `component:` that the stack defines is merged below the component, after its own base (its
 *   `component:`, not followed when it is abstract); FinalBaseComponentName, which becomes the
 *   instance's `component`, is set only in the branch where the base component exists, to the
 *   farthest one reached.
 * - internal/exec/stack_processor_process_stacks_helpers_inheritance.go processMetadataInheritance:
 *   with no `metadata.component`, `component` is the top-level one found above, else the
 *   component's own name (so a `component:` naming only a folder keeps the instance's name).
 * - internal/exec/describe_stacks.go buildComponentInfo: component_info.component_path is
 *   <terraform base path>/<component>.
 */
import { describeFixture, removeFixtures } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';
const STACK = 'acme-ue1-dev';

describe('legacy component: key', () => {
  it('names a base component when the stack defines it: its config is inherited and it is the instance\'s component', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars: {cidr: 10.0.0.0/16, name: base}\n    vpc-blue:\n      component: vpc\n      vars: {name: blue}\n`,
    }, 'vpc-blue', STACK);
    expect(out.component).toBe('vpc');
    expect(out.vars).toMatchObject({ cidr: '10.0.0.0/16', name: 'blue' });
    expect(out.inheritance).toEqual(['vpc']);
    expect(out.component_info).toEqual({ component_path: 'components/terraform/vpc', component_type: 'terraform' });
  });

  it('when it names only a folder (no such component in the stack), the instance keeps its own name as component', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    vpc-blue:\n      component: vpc\n      vars: {name: blue}\n`,
    }, 'vpc-blue', STACK);
    expect(out.component).toBe('vpc-blue');
    expect(out.inheritance).toEqual([]);
    expect(out.component_info).toEqual({ component_path: 'components/terraform/vpc-blue', component_type: 'terraform' });
    // The backend's default key prefix follows the same name (processTerraformBackend gets BaseComponentName).
    expect(out.vars).toEqual({ tenant: 'acme', environment: 'ue1', stage: 'dev', name: 'blue' });
  });

  it('the workspace is <stack>-<instance> when the legacy key names a defined base, the stack when it names only a folder (BuildTerraformWorkspace)', () => {
    const files = {
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars: {}\n    vpc-blue:\n      component: vpc\n    net-blue:\n      component: network\n`,
    };
    expect(describeFixture(files, 'vpc-blue', STACK).workspace).toBe(`${STACK}-vpc-blue`);
    expect(describeFixture(files, 'net-blue', STACK).workspace).toBe(STACK);
    expect(describeFixture(files, 'vpc', STACK).workspace).toBe(STACK);
  });

  it('follows a chain of defined components to the farthest one; a name that is only a folder ends the chain', () => {
    const files = {
      [DEV]: `${devVars}components:\n  terraform:\n` +
        '    vpc:\n      vars: {level: vpc, from_vpc: true}\n' +
        '    vpc-1:\n      component: vpc\n      vars: {level: one}\n' +
        '    vpc-2:\n      component: vpc-1\n      vars: {level: two}\n' +
        '    net-1:\n      component: network\n      vars: {level: net-one}\n' +
        '    net-2:\n      component: net-1\n',
    };
    const two = describeFixture(files, 'vpc-2', STACK);
    expect(two.component).toBe('vpc');
    expect(two.vars).toMatchObject({ level: 'two', from_vpc: true });
    expect(two.inheritance).toEqual(['vpc-1', 'vpc']);
    // `network` is not a component of the stack: net-1 is the farthest defined one.
    const net = describeFixture(files, 'net-2', STACK);
    expect(net.component).toBe('net-1');
    expect(net.vars).toMatchObject({ level: 'net-one' });
    expect(describeFixture(files, 'net-1', STACK).component).toBe('net-1');
  });

  it('does not follow the `component:` of an abstract base', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n` +
        '    vpc:\n      vars: {from_vpc: true}\n' +
        '    vpc-defaults:\n      metadata: {type: abstract}\n      component: vpc\n      vars: {from_defaults: true}\n' +
        '    vpc-blue:\n      component: vpc-defaults\n',
    }, 'vpc-blue', STACK);
    expect(out.component).toBe('vpc-defaults');
    expect(out.inheritance).toEqual(['vpc-defaults']);
    expect(out.vars).toMatchObject({ from_defaults: true });
    expect(out.vars).not.toHaveProperty('from_vpc');
  });

  it('metadata.component still names the folder over a legacy component:', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars: {a: 1}\n    vpc-blue:\n      component: vpc\n      metadata: {component: infra/vpc}\n`,
    }, 'vpc-blue', STACK);
    expect(out.component).toBe('infra/vpc');
    expect(out.vars).toMatchObject({ a: 1 });
  });
});
