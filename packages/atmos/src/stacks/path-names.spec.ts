/**
 * Names that become paths (stack, component, component folder, workspace) are refused where they
 * are read when a segment is empty, `.` or `..`, the name is absolute, holds a NUL or a segment
 * starts with `-`; `/` stays a separator.
 */
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import { pathNameProblem } from './path-names';
import { userError } from '../testing/user-errors';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';

describe('pathNameProblem', () => {
  it.each(['vpc', 'lambda/orders', 'eks/cluster/blue', 'orgs/acme/dev/us-east-1', 'a.b', 'x..y', 'v-1', '.hidden/ok'.slice(1), 'a/.x'.replace('.', '')])('accepts %s', (name) => {
    expect(pathNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'is empty'],
    ['..', "'..' path segment"],
    ['.', "'.' path segment"],
    ['a/../b', "'..' path segment"],
    ['a/./b', "'.' path segment"],
    ['../..', "'..' path segment"],
    ['/etc', 'absolute'],
    ['a//b', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['a\0b', 'NUL'],
    ['-destroy', "starting with '-'"],
    ['a/-x', "starting with '-'"],
  ])('refuses %j (%s)', (name, problem) => {
    expect(pathNameProblem(name)).toContain(problem);
  });

  it('accepts a segment that only starts with a dot but is not . or ..', () => {
    expect(pathNameProblem('.config')).toBeUndefined();
    expect(pathNameProblem('a/..b')).toBeUndefined();
  });
});

describe('names read from manifests', () => {
  it('refuses a component named ..', () => {
    const error = userError(() => resolveFixture({ [DEV]: `${devVars}components:\n  terraform:\n    "..":\n      vars: {a: 1}\n` }));
    expect(error.code).toBe('INVALID_NAME');
    expect(error.message).toContain("component name '..'");
    expect(error.location?.file).toMatch(/us-east-1\.yaml$/);
    // The component's map (its first key) is where the name's section starts.
    expect(error.location?.line).toBe(8);
  });

  it('refuses a stack named .. (name:), naming the manifest', () => {
    const error = userError(() => resolveFixture({ [DEV]: `name: ".."\n${devVars}components:\n  terraform:\n    vpc: {}\n` }));
    expect(error.code).toBe('INVALID_NAME');
    expect(error.message).toContain("stack name '..'");
    expect(error.location?.file).toMatch(/us-east-1\.yaml$/);
  });

  it('accepts a name_pattern stack whose parts are dots: `..-ue1-dev` is one segment, not `..`', () => {
    const resolved = resolveFixture({ [DEV]: 'vars:\n  tenant: ".."\n  environment: ue1\n  stage: dev\ncomponents:\n  terraform:\n    vpc: {}\n' });
    expect(resolved.instances.map((i) => i.stack)).toEqual(['..-ue1-dev']);
  });

  it('refuses a stack name from a name_template that makes .. segments', () => {
    const error = userError(() => resolveFixture({
      'atmos.yaml': 'components: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"], name_template: "{{ .vars.tenant }}/{{ .vars.stage }}"}\n',
      [DEV]: 'vars:\n  tenant: ".."\n  stage: ".."\ncomponents:\n  terraform:\n    vpc: {}\n',
    }));
    expect(error.code).toBe('INVALID_NAME');
    expect(error.message).toContain("stack name '../..'");
  });

  it('refuses a component folder (metadata.component) leading out of the components folder', () => {
    const error = userError(() => resolveFixture({ [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      metadata:\n        component: ../../../etc\n` }));
    expect(error.code).toBe('INVALID_NAME');
    expect(error.message).toContain("component folder of 'vpc' (metadata.component) '../../../etc'");
    expect(error.location?.line).toBe(9);
  });

  it('refuses a workspace starting with - (it would be read as a flag)', () => {
    const error = userError(() => resolveFixture({ [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      metadata:\n        terraform_workspace: -or-create\n` }));
    expect(error.code).toBe('INVALID_NAME');
    expect(error.message).toContain('Terraform workspace');
  });

  it('accepts / as a separator in component and stack names', () => {
    const resolved = resolveFixture({
      'atmos.yaml': 'components: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n',
      [DEV]: 'components:\n  terraform:\n    lambda/orders: {}\n    eks/cluster: {metadata: {component: eks/cluster}}\n',
    });
    expect(resolved.instances.map((i) => `${i.component}@${i.stack}`).sort()).toEqual(['eks/cluster@orgs/acme/dev/us-east-1', 'lambda/orders@orgs/acme/dev/us-east-1']);
  });
});
