/**
 * `overrides` across imports, as Atmos v1.226.1 carries them (internal/exec/stack_processor_utils.go
 * processYAMLConfigFileWithContextInternal: parentTerraformOverridesInline / ...Imports, merged
 * after each import; website/docs/stacks/overrides.mdx). Expected values worked out from that
 * function and matching the cases Atmos's own scenario `atmos-overrides-section` asserts
 * (internal/exec/describe_component_test.go TestDescribeComponentWithOverridesSection): an
 * override file imported before a component's catalog overrides it, imported after it does not,
 * and the stack's inline overrides win over every team's.
 */
import { describeFixture, removeFixtures } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const STACK = 'stacks/orgs/acme/ue1/dev.yaml';
const vars = 'vars: {tenant: acme, environment: ue1, stage: dev}\n';
const catalog = 'components:\n  terraform:\n    api:\n      vars:\n        tags: {owner: none, tier: none, cost: none, region: ue1}\n';
const files = {
  'stacks/catalog/api.yaml': catalog,
  'stacks/catalog/tag-policy.yaml': 'terraform:\n  overrides:\n    vars:\n      tags: {owner: policy, tier: policy}\n',
  'stacks/teams/payments.yaml': 'import: [catalog/api]\nterraform:\n  overrides:\n    vars:\n      tags: {owner: payments, tier: payments, cost: payments}\n',
  'stacks/teams/search.yaml': 'import: [catalog/api]\noverrides:\n  vars:\n    tags: {owner: search, tier: search}\n',
};
const tags = (stackFile: string) =>
  (describeFixture({ ...files, [STACK]: stackFile }, 'api', 'acme-ue1-dev').vars as { tags: Record<string, string> }).tags;

describe('overrides across imports (Atmos v1.226.1)', () => {
  it('an override file imported before the catalog reaches it', () => {
    expect(tags(`import: [catalog/tag-policy, catalog/api]\n${vars}`)).toEqual({ owner: 'policy', tier: 'policy', cost: 'none', region: 'ue1' });
  });

  it('an override file imported after the catalog does not reach it', () => {
    expect(tags(`import: [catalog/api, catalog/tag-policy]\n${vars}`)).toEqual({ owner: 'none', tier: 'none', cost: 'none', region: 'ue1' });
  });

  it('two teams importing the catalog: the later team wins where both set a key, the earlier keeps the rest', () => {
    expect(tags(`import: [teams/payments, teams/search]\n${vars}`)).toEqual({ owner: 'search', tier: 'search', cost: 'payments', region: 'ue1' });
  });

  it("the stack's own overrides win over every team's (they are inline at every level below)", () => {
    const stack = `import: [teams/payments, teams/search]\n${vars}terraform:\n  overrides:\n    vars:\n      tags: {owner: stack}\n`;
    expect(tags(stack)).toEqual({ owner: 'stack', tier: 'search', cost: 'payments', region: 'ue1' });
  });

  it("an import's overrides reach a component the importing file defines itself", () => {
    const stack = `import: [catalog/tag-policy]\n${vars}components:\n  terraform:\n    api:\n      vars:\n        tags: {owner: own, tier: own, cost: own}\n`;
    expect(tags(stack)).toEqual({ owner: 'policy', tier: 'policy', cost: 'own' });
  });
});

/**
 * One track per type (stack_processor_utils.go: finalTerraformOverrides from
 * [globalOverrides, terraformOverrides, parent...Inline], finalHelmfileOverrides the same with
 * helmfileOverrides; componentSection[overrides] set for terraform and helmfile components only).
 */
describe('overrides per component type (Atmos v1.226.1)', () => {
  const typed = {
    'stacks/catalog/apps.yaml': [
      'components:',
      '  terraform:\n    api:\n      vars: {owner: none, tier: none}',
      '  helmfile:\n    ingress:\n      vars: {owner: none, tier: none}',
      '  packer:\n    ami:\n      vars: {owner: none, tier: none}',
      '',
    ].join('\n'),
    'stacks/catalog/policy.yaml': [
      'overrides:\n  vars: {owner: global}',
      'terraform:\n  overrides:\n    vars: {tier: terraform}',
      'helmfile:\n  overrides:\n    vars: {tier: helmfile}',
      '',
    ].join('\n'),
    [STACK]: `import: [catalog/policy, catalog/apps]\n${vars}`,
  };
  const varsOf = (component: string) => describeFixture(typed, component, 'acme-ue1-dev').vars;

  it('terraform components get the global overrides under terraform.overrides', () => {
    expect(varsOf('api')).toMatchObject({ owner: 'global', tier: 'terraform' });
  });

  it('helmfile components get the global overrides under helmfile.overrides, not terraform.overrides', () => {
    expect(varsOf('ingress')).toMatchObject({ owner: 'global', tier: 'helmfile' });
  });

  it('packer components get no overrides', () => {
    expect(varsOf('ami')).toMatchObject({ owner: 'none', tier: 'none' });
  });
});
