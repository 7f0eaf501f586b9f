/**
 * Issue 17, class 3: stacks with `helmfile:`, `packer:` and `ansible:` components are described
 * and listed as Atmos does; only terraform components become Nx projects.
 *
 * Expected values derived from Atmos v1.226.1:
 * - internal/exec/stack_processor_process_stacks.go ProcessStackConfig: per type, vars and
 *   settings are the globals merged with `<type>.vars` / `<type>.settings`; env is atmos.yaml's
 *   `env`, the global `env`, then `<type>.env`; the command is `<type>.command` over
 *   atmos.yaml's components.<type>.command (default: the type's name).
 * - internal/exec/stack_processor_merge.go mergeComponentConfigurations: bases (metadata.inherits)
 *   under the component; hooks only for the types supportsComponentHooks names (terraform,
 *   helmfile: no global or `<type>:` hooks layer for helmfile, GlobalAndTerraformHooks is
 *   terraform's); providers, backend and workspace only for terraform.
 * - internal/exec/describe_stacks.go buildComponentInfo: component_info.component_type is the type,
 *   component_path `<components.<type>.base_path>/<component>`, none without a base path
 *   (pkg/config/default.go: components/helmfile and components/packer by default, no ansible default).
 * - internal/exec/describe_stacks_component_processor.go processStackFile: the types of a stack
 *   each under components.<type> of the stack (ensureComponentEntryInMap creates only those used).
 */
import { runCli as cli } from '../testing/cli';
import { graphModel } from '../nx/plugin';
import { describeFixture, removeFixtures, resolveFixture, writeWorkspace } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const STACK = 'acme-ue1-dev';

const ATMOS_YAML = `
base_path: ""
components:
  terraform: {base_path: components/terraform}
  helmfile: {base_path: components/helmfile, command: /usr/local/bin/helmfile}
  packer: {base_path: components/packer}
stacks:
  base_path: stacks
  included_paths: ["orgs/**/*"]
  name_pattern: "{tenant}-{environment}-{stage}"
env:
  FROM_ATMOS_YAML: "1"
templates:
  settings:
    enabled: true
`;

const files: Record<string, string> = {
  'atmos.yaml': ATMOS_YAML,
  'components/terraform/eks/main.tf': 'variable "cluster" {\n  default = "x"\n}\n',
  'stacks/catalog/nginx.yaml': [
    'components:',
    '  helmfile:',
    '    nginx/defaults:',
    '      metadata: {type: abstract}',
    '      vars: {chart_version: "4.7.1", replicas: 1}',
    '      hooks: {notify: {events: [after-helmfile-apply]}}',
    '',
  ].join('\n'),
  [DEV]: [
    'import: [catalog/nginx]',
    'vars: {tenant: acme, environment: ue1, stage: dev}',
    'env: {GLOBAL_ENV: g}',
    'settings: {team: platform}',
    'hooks: {global: {events: [after-terraform-apply]}}',
    'terraform:',
    '  vars: {only_terraform: true}',
    'helmfile:',
    '  vars: {timeout: 600}',
    '  env: {HELM_CACHE_HOME: /tmp/helm}',
    '  settings: {helm: true}',
    'components:',
    '  terraform:',
    '    eks: {vars: {cluster: main}}',
    '  helmfile:',
    '    nginx:',
    '      metadata: {inherits: [nginx/defaults], component: nginx-ingress}',
    '      vars: {replicas: 3, name: "{{ .vars.stage }}-{{ .atmos_component }}"}',
    '  packer:',
    '    ami:',
    '      source: ./components/packer/ami-src',
    '      command: packer-1.10',
    '      vars: {region: us-east-1}',
    '  ansible:',
    '    webserver:',
    '      settings: {ansible: {playbook: site.yml}}',
    '',
  ].join('\n'),
};

describe('helmfile, packer and ansible components', () => {
  it('a helmfile component merges globals, helmfile:, its bases and itself, as Atmos describes it', () => {
    const out = describeFixture(files, 'nginx', STACK);
    expect(out).toEqual({
      atmos_component: 'nginx',
      atmos_manifest: 'orgs/acme/dev/us-east-1',
      atmos_stack: STACK,
      atmos_stack_file: 'orgs/acme/dev/us-east-1',
      command: '/usr/local/bin/helmfile',
      component: 'nginx-ingress',
      component_info: { component_path: 'components/helmfile/nginx-ingress', component_type: 'helmfile' },
      deps: ['catalog/nginx', 'orgs/acme/dev/us-east-1'],
      deps_all: ['catalog/nginx', 'orgs/acme/dev/us-east-1'],
      env: { FROM_ATMOS_YAML: '1', GLOBAL_ENV: 'g', HELM_CACHE_HOME: '/tmp/helm' },
      // Only the base's hooks: no global hooks layer for helmfile.
      hooks: { notify: { events: ['after-helmfile-apply'] } },
      imports: ['catalog/nginx'],
      inheritance: ['nginx/defaults'],
      metadata: { inherits: ['nginx/defaults'], component: 'nginx-ingress' },
      overrides: {},
      settings: { team: 'platform', helm: true },
      stack: STACK,
      // Templates render over the helmfile section too; terraform.vars do not reach it.
      vars: { tenant: 'acme', environment: 'ue1', stage: 'dev', timeout: 600, chart_version: '4.7.1', replicas: 3, name: 'dev-nginx' },
    });
  });

  it('packer and ansible components: the type\'s command by default, no hooks, no component_path without a base path', () => {
    const ami = describeFixture(files, 'ami', STACK);
    expect(ami).toMatchObject({ command: 'packer-1.10', component: 'ami', source: { uri: './components/packer/ami-src' } });
    expect(ami).not.toHaveProperty('hooks');
    expect(ami).not.toHaveProperty('backend');
    expect(ami).not.toHaveProperty('workspace');
    const webserver = describeFixture(files, 'webserver', STACK);
    expect(webserver).toMatchObject({ command: 'ansible', component_info: { component_type: 'ansible' }, settings: { team: 'platform', ansible: { playbook: 'site.yml' } } });
    expect(webserver.component_info).not.toHaveProperty('component_path');
  });

  it('the terraform component is unchanged by the other types (its hooks keep the global layer)', () => {
    const eks = describeFixture(files, 'eks', STACK);
    expect(eks.vars).toEqual({ tenant: 'acme', environment: 'ue1', stage: 'dev', only_terraform: true, cluster: 'main' });
    expect(eks.hooks).toEqual({ global: { events: ['after-terraform-apply'] } });
    expect(eks.workspace).toBe(STACK);
  });

  it('only terraform instances are runnable: the others are described only, and never Nx projects', () => {
    const resolved = resolveFixture(files);
    expect(resolved.instances.map((i) => i.component)).toEqual(['eks']);
    expect(resolved.describedOnly.map((i) => `${i.componentType}:${i.component}`).sort()).toEqual(['ansible:webserver', 'helmfile:nginx', 'helmfile:nginx/defaults', 'packer:ami']);
    expect(graphModel(writeWorkspace(files), undefined).projects.map((p) => p.name)).toEqual(['eks-acme-ue1-dev']);
  });

  it('a helmfile and a terraform component may share a name in one stack', () => {
    const resolved = resolveFixture({
      'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    app: {vars: {a: 1}}\n  helmfile:\n    app: {vars: {b: 2}}\n',
    });
    expect(resolved.instances.map((i) => i.sections.vars.a)).toEqual([1]);
    expect(resolved.describedOnly.map((i) => i.sections.vars.b)).toEqual([2]);
  });

  it('a mistake in a helmfile component names components.helmfile', () => {
    const problems: import('../errors/user-error').AtmosUserError[] = [];
    resolveFixture({ 'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  helmfile:\n    app: {metadata: {inherits: [nope]}}\n' }, { problems });
    expect(problems.map((p) => p.message)).toEqual(["component 'app' inherits from 'nope' (metadata.inherits), but 'nope' is not defined in this stack or its imports"]);
    expect(problems[0].hint).toMatch(/define components\.helmfile\.nope/);
  });
});

describe('atmos-nx on a stack with helmfile components', () => {
  it('describe stacks groups the components by type; list stacks, list components and describe component see them all', async () => {
    const root = writeWorkspace(files);
    const stacks = await cli(['describe', 'stacks', '--format', 'json'], root);
    expect(stacks.stderr).toBe('');
    expect(stacks.code).toBe(0);
    const described = JSON.parse(stacks.stdout)[STACK].components;
    expect(Object.keys(described).sort()).toEqual(['ansible', 'helmfile', 'packer', 'terraform']);
    expect(Object.keys(described.helmfile)).toEqual(['nginx', 'nginx/defaults']);
    expect(described.helmfile.nginx.vars.replicas).toBe(3);
    expect(described.terraform.eks.workspace).toBe(STACK);
    expect(await cli(['list', 'stacks'], root)).toMatchObject({ code: 0, stdout: `${STACK}\n` });
    expect(await cli(['list', 'components', '-s', STACK], root)).toMatchObject({ code: 0, stdout: 'ami\neks\nnginx\nnginx/defaults\nwebserver\n' });
    const nginx = await cli(['describe', 'component', 'nginx', '-s', STACK, '--format', 'json'], root);
    expect(nginx.code).toBe(0);
    expect(JSON.parse(nginx.stdout)).toMatchObject({ component: 'nginx-ingress', component_info: { component_type: 'helmfile' } });
  });

  it('a stack with only helmfile components is listed and described', async () => {
    const root = writeWorkspace({ 'stacks/orgs/acme/k8s.yaml': 'vars: {tenant: acme, environment: ue1, stage: k8s}\ncomponents:\n  helmfile:\n    nginx: {vars: {replicas: 2}}\n' });
    expect(await cli(['list', 'stacks'], root)).toMatchObject({ code: 0, stdout: 'acme-ue1-k8s\n' });
    const stacks = await cli(['describe', 'stacks', '-s', 'acme-ue1-k8s', '--format', 'json'], root);
    expect(stacks.code).toBe(0);
    expect(JSON.parse(stacks.stdout)).toEqual({ 'acme-ue1-k8s': { components: { helmfile: { nginx: expect.objectContaining({ vars: { tenant: 'acme', environment: 'ue1', stage: 'k8s', replicas: 2 } }) } } } });
  });
});
