/**
 * The `source` section, as Atmos v1.226.1 merges and describes it (internal/exec/stack_processor_merge.go:
 * terraform.source -> base components' (stacks.inherit.source, default true) -> the component's;
 * normalizeComponentSourceSection: a string is {uri}; describe component prints `source: {}` when
 * there is none, as tests/snapshots/..._(native-terraform_example).stdout.golden shows). Only a
 * local source is read; a remote one with no folder is an error that says the network is needed.
 */
import type { AtmosUserError } from '../errors/user-error';
import { buildGraphModel } from '../nx/graph-model';
import { normaliseOptions } from '../nx/options';
import { describeFixture, removeFixtures, resolveFixture } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const STACK = 'stacks/orgs/acme/ue1/dev.yaml';
const vars = 'vars: {tenant: acme, environment: ue1, stage: dev}\n';

describe('source (just-in-time vendoring)', () => {
  it('is merged from terraform:, the base components and the component, a string being the uri, and described', () => {
    const files = {
      'components/terraform/vpc/main.tf': '',
      [STACK]: `${vars}terraform:\n  source: {included_paths: ["*.tf"]}\ncomponents:\n  terraform:\n    base: {metadata: {type: abstract}, source: {uri: github.com/acme/modules//vpc, version: 1.0.0}}\n` +
        '    vpc: {metadata: {inherits: [base]}, source: {version: 1.2.0}}\n    plain: {metadata: {component: vpc}}\n    short: {metadata: {component: vpc}, source: "github.com/acme/modules//dns?ref=2.0.0"}\n',
    };
    expect(describeFixture(files, 'vpc', 'acme-ue1-dev').source).toEqual({ included_paths: ['*.tf'], uri: 'github.com/acme/modules//vpc', version: '1.2.0' });
    expect(describeFixture(files, 'plain', 'acme-ue1-dev').source).toEqual({ included_paths: ['*.tf'] });
    expect(describeFixture(files, 'short', 'acme-ue1-dev').source).toEqual({ included_paths: ['*.tf'], uri: 'github.com/acme/modules//dns?ref=2.0.0' });
    const none = { 'components/terraform/vpc/main.tf': '', [STACK]: `${vars}components: {terraform: {vpc: {}}}\n` };
    expect(describeFixture(none, 'vpc', 'acme-ue1-dev').source).toBeUndefined(); // printed when set (Atmos prints source: {}; see README)
  });

  it('stacks.inherit.source: false keeps a base component\'s source to itself', () => {
    const files = {
      'atmos.yaml': 'components: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"], name_pattern: "{tenant}-{environment}-{stage}", inherit: {source: false}}\n',
      'components/terraform/vpc/main.tf': '',
      [STACK]: `${vars}components:\n  terraform:\n    base: {metadata: {type: abstract}, source: {uri: ./modules/vpc}}\n    vpc: {metadata: {inherits: [base]}}\n`,
    };
    expect(describeFixture(files, 'vpc', 'acme-ue1-dev').source).toBeUndefined();
  });

  it('a local source is the component folder when that folder does not exist; a remote one is an error naming the network', () => {
    const problems: AtmosUserError[] = [];
    const resolved = resolveFixture({
      'modules/vpc/main.tf': 'output "id" {\n  value = 1\n}\n',
      [STACK]: `${vars}components:\n  terraform:\n    vpc: {source: ./modules/vpc}\n    dns: {source: {uri: "github.com/acme/modules//dns", version: 2.0.0}}\n`,
    }, { problems });
    expect(resolved.instances.find((i) => i.component === 'vpc')?.componentPath).toBe(`${resolved.root}/modules/vpc`);
    buildGraphModel({ workspaceRoot: resolved.root, resolved, options: normaliseOptions(undefined), problems });
    expect(problems.map((p) => p.message)).toEqual(["the Terraform component folder components/terraform/dns of 'dns' (stack 'acme-ue1-dev') does not exist, and its source github.com/acme/modules//dns is remote"]);
    expect(problems[0].hint).toMatch(/needs the network/);
  });

  it('a source that is neither a string nor a map is a one-line error', () => {
    const problems: AtmosUserError[] = [];
    resolveFixture({ [STACK]: `${vars}components:\n  terraform:\n    vpc: {source: [a]}\n` }, { problems });
    expect(problems.map((p) => p.message)).toContain('source must be a go-getter URI or a map (uri, version, included_paths, excluded_paths)');
  });
});
