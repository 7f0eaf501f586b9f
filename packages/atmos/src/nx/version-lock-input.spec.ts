/**
 * `!version <name>` reads versions.lock.yaml (atmos.yaml version.lock_file) at run time (Atmos
 * v1.226.1 pkg/version/manager LockFilePath / ResolveLocked), so the lock file is an Nx input of
 * exactly the instances holding one: bumping a locked version makes them affected, nothing else.
 */
import { buildGraphModel } from './graph-model';
import { normaliseOptions } from './options';
import { FIXTURE_ATMOS_YAML, removeFixtures, resolveFixture } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const inputsOf = (files: Record<string, string>) => {
  const resolved = resolveFixture({ 'components/terraform/app/main.tf': 'variable "v" {\n  default = null\n}\n', ...files });
  const model = buildGraphModel({ workspaceRoot: resolved.root, resolved, options: normaliseOptions(undefined) });
  return Object.fromEntries(model.projects.map((p) => [p.name, p.inputs.filter((i): i is string => typeof i === 'string')]));
};

describe('the version lock file as an Nx input', () => {
  it('is an input of the instances that use !version, and only of them', () => {
    const inputs = inputsOf({
      'stacks/catalog/tools.yaml': 'components:\n  terraform:\n    tofu: {metadata: {component: app}, vars: {v: !version opentofu}}\n',
      'stacks/orgs/acme/ue1/dev.yaml': 'import: [catalog/tools]\nvars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    app: {vars: {v: plain}}\n',
      'stacks/orgs/acme/ue1/prod.yaml': 'vars: {tenant: acme, environment: ue1, stage: prod}\ncomponents:\n  terraform:\n    app: {vars: {v: plain}}\n',
    });
    expect(inputs['tofu-acme-ue1-dev']).toContain('{workspaceRoot}/versions.lock.yaml');
    expect(inputs['app-acme-ue1-dev']).not.toContain('{workspaceRoot}/versions.lock.yaml');
    expect(inputs['app-acme-ue1-prod']).not.toContain('{workspaceRoot}/versions.lock.yaml');
  });

  it('sees a !version that arrives through an !include of a YAML file', () => {
    const inputs = inputsOf({
      'config/tools.yaml': 'v: !version opentofu\n',
      'stacks/orgs/acme/ue1/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    app: {vars: !include config/tools.yaml}\n',
    });
    expect(inputs['app-acme-ue1-dev']).toContain('{workspaceRoot}/versions.lock.yaml');
  });

  it('follows atmos.yaml version.lock_file', () => {
    const inputs = inputsOf({
      'atmos.yaml': `${FIXTURE_ATMOS_YAML}version: {lock_file: config/versions.yaml}\n`,
      'stacks/orgs/acme/ue1/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    app: {vars: {v: !version opentofu}}\n',
    });
    expect(inputs['app-acme-ue1-dev']).toContain('{workspaceRoot}/config/versions.yaml');
  });
});
