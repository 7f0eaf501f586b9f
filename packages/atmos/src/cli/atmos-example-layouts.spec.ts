/**
 * `atmos-nx describe stacks` on the repository layouts Atmos v1.226.1 documents, each rebuilt
 * here as a small fixture of our own (same folder layout, atmos.yaml settings and values; not
 * Atmos's files), asserting the values Atmos shows for named instances:
 *   - quick-start simple (examples/quick-start-simple; website/docs/quick-start/simple):
 *     `stacks.name_template: "{{.vars.stage}}"`, deploy/<stage>.yaml importing catalog/station,
 *     `station` on the `weather` folder (metadata.component);
 *   - native terraform (examples/native-terraform; expected values from
 *     tests/snapshots/TestCLICommands_atmos_describe_component_vpc_-s_dev_(native-terraform_example).stdout.golden):
 *     stack `name: dev`, vars from `!include` of a .tfvars file, no name pattern;
 *   - demo-stacks (examples/demo-stacks): a catalog component overridden per deploy stack;
 *   - quick-start advanced (examples/quick-start-advanced; website/docs/quick-start/advanced):
 *     orgs/<namespace>/<tenant>/<stage>/<region>.yaml over a chain of _defaults, a region mixin and
 *     catalog defaults, a conditional name_template, an S3 backend in terraform: (its
 *     workspace_key_prefix defaulted to the component, internal/exec/stack_processor_backend.go
 *     setS3BackendDefaults) and tags rendered with gomplate (`strings.Title`, `strings.Quote`);
 *   - stack names (examples/stack-names; tests/snapshots/TestCLICommands_atmos_list_stacks_(stack-names_example).stdout.golden):
 *     a stack named by its file (`dev`) beside one named by `name:` (`production`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';

afterAll(removeFixtures);

type Described = Record<string, { components: { terraform: Record<string, Record<string, unknown>> } }>;

// The built CLI in its own process, as users run it (npm install builds it).
const BIN = join(__dirname, '..', '..', 'bin', 'atmos-nx.js');

function atmosNx(root: string, args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}

async function describeStacks(files: Record<string, string>): Promise<Described> {
  return JSON.parse(atmosNx(writeWorkspace(files), ['describe', 'stacks', '--format', 'json'])) as Described;
}

async function listStacks(files: Record<string, string>): Promise<string> {
  return atmosNx(writeWorkspace(files), ['list', 'stacks']);
}

const atmosYaml = (stacks: string) => `base_path: "./"\ncomponents:\n  terraform:\n    base_path: "components/terraform"\n    auto_generate_backend_file: false\nstacks:\n  base_path: "stacks"\n${stacks}`;

describe('Atmos example layouts through atmos-nx describe stacks', () => {
  it('quick-start simple: one stack per stage, the station on the weather folder', async () => {
    const station = (location: string, lang: string) => `vars:\n  stage: STAGE\nimport:\n  - catalog/station\ncomponents:\n  terraform:\n    station:\n      vars:\n        location: ${location}\n        lang: ${lang}\n`;
    const described = await describeStacks({
      'atmos.yaml': atmosYaml('  included_paths: ["deploy/**/*"]\n  excluded_paths: ["**/_defaults.yaml"]\n  name_template: "{{.vars.stage}}"\n'),
      'components/terraform/weather/main.tf': 'variable "location" {}\nvariable "lang" {}\nvariable "format" {}\nvariable "options" {}\nvariable "units" {}\nvariable "stage" {}\n',
      'stacks/catalog/station.yaml': 'components:\n  terraform:\n    station:\n      metadata:\n        component: weather\n      vars: {location: Los Angeles, lang: en, format: "", options: "0", units: m}\n',
      'stacks/deploy/dev.yaml': station('Stockholm', 'sv').replace('STAGE', 'dev'),
      'stacks/deploy/staging.yaml': station('Los Angeles', 'en').replace('STAGE', 'staging'),
      'stacks/deploy/prod.yaml': station('Los Angeles', 'en').replace('STAGE', 'prod'),
    });
    expect(Object.keys(described).sort()).toEqual(['dev', 'prod', 'staging']);
    const dev = described.dev.components.terraform.station;
    expect(dev.vars).toEqual({ stage: 'dev', location: 'Stockholm', lang: 'sv', format: '', options: '0', units: 'm' });
    expect(dev).toMatchObject({ component: 'weather', atmos_component: 'station', atmos_stack: 'dev', atmos_manifest: 'deploy/dev', imports: ['catalog/station'] });
    // describe stacks prints the stack name as the workspace of a component with metadata.component (class 9).
    expect(dev.workspace).toBe('dev');
    expect(described.prod.components.terraform.station.vars).toMatchObject({ location: 'Los Angeles', lang: 'en', stage: 'prod' });
  });

  it('native terraform: name: dev, vars from an !include of a .tfvars file', async () => {
    const files = {
      'atmos.yaml': atmosYaml('  included_paths: ["**/*"]\n  excluded_paths: ["**/_defaults.yaml"]\n'),
      'components/terraform/vpc/variables.tf': 'variable "cidr_block" {\n  type = string\n}\nvariable "environment" {\n  type = string\n}\nvariable "enable_dns_hostnames" {\n  default = true\n}\nvariable "tags" {\n  default = {}\n}\n',
      'components/terraform/vpc/envs/dev.tfvars': 'cidr_block = "10.0.0.0/16"\nenvironment = "dev"\nenable_dns_hostnames = true\ntags = {\n  Environment = "Development"\n  Team        = "platform"\n}\n',
      'stacks/_defaults.yaml': 'components:\n  terraform:\n    vpc:\n      vars:\n        enable_dns_hostnames: true\n',
      'stacks/dev.yaml': 'name: dev\nimport:\n  - _defaults\nvars:\n  environment: dev\ncomponents:\n  terraform:\n    vpc:\n      vars: !include ../components/terraform/vpc/envs/dev.tfvars\n',
    };
    const vpc = (await describeStacks(files)).dev.components.terraform.vpc;
    expect(vpc.vars).toEqual({ cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, environment: 'dev', tags: { Environment: 'Development', Team: 'platform' } });
    expect(vpc).toMatchObject({
      atmos_component: 'vpc', atmos_manifest: 'dev', atmos_stack: 'dev', atmos_stack_file: 'dev', component: 'vpc', stack: 'dev', workspace: 'dev',
      imports: ['_defaults'], deps: ['dev'], deps_all: ['_defaults', 'dev'], backend: {}, backend_type: '', inheritance: [],
    });
  });

  it('demo-stacks: the catalog defaults with each deploy stack\'s overrides', async () => {
    const deploy = (stage: string, location: string, lang: string) => `vars:\n  stage: ${stage}\nimport:\n  - catalog/myapp\ncomponents:\n  terraform:\n    myapp:\n      vars:\n        location: ${location}\n        lang: ${lang}\n`;
    const described = await describeStacks({
      'atmos.yaml': atmosYaml('  included_paths: ["deploy/**/*"]\n  excluded_paths: ["**/_defaults.yaml"]\n  name_template: "{{.vars.stage}}"\n'),
      'components/terraform/myapp/variables.tf': 'variable "location" {}\nvariable "lang" {}\nvariable "format" {}\nvariable "options" {}\nvariable "units" {}\nvariable "stage" {}\n',
      'stacks/catalog/myapp.yaml': 'components:\n  terraform:\n    myapp:\n      vars: {location: Los Angeles, lang: en, format: "", options: "0", units: m}\n',
      'stacks/deploy/dev.yaml': deploy('dev', 'Stockholm', 'sv'),
      'stacks/deploy/staging.yaml': deploy('staging', 'Los Angeles', 'en'),
      'stacks/deploy/prod.yaml': deploy('prod', 'Los Angeles', 'en'),
    });
    expect(described.dev.components.terraform.myapp).toMatchObject({ vars: { stage: 'dev', location: 'Stockholm', lang: 'sv', format: '', options: '0', units: 'm' }, workspace: 'dev', component: 'myapp' });
    expect(described.staging.components.terraform.myapp.vars).toMatchObject({ location: 'Los Angeles', lang: 'en', stage: 'staging' });
  });

  it('quick-start advanced: an org hierarchy, a region mixin, catalog defaults and an S3 backend', async () => {
    const described = await describeStacks({
      'atmos.yaml': atmosYaml('  included_paths: ["orgs/**/*"]\n  excluded_paths: ["**/_defaults.yaml"]\n' +
        '  name_template: "{{ if eq .vars.stage \\"local\\" }}local{{ else }}{{ .vars.tenant }}-{{ .vars.environment }}-{{ .vars.stage }}{{ end }}"\n') +
        'templates:\n  settings:\n    enabled: true\n',
      'components/terraform/s3-bucket/variables.tf': 'variable "force_destroy" {}\nvariable "versioning_enabled" {}\nvariable "tags" {}\n',
      'stacks/orgs/acme/_defaults.yaml': 'vars:\n  namespace: acme\nterraform:\n  vars:\n    tags:\n      atmos_stack: "{{ .atmos_stack }}"\n      terraform_workspace: "{{ .workspace }}"\n' +
        '      description: "{{ strings.Title .atmos_component }} component provisioned in the stack {{ .atmos_stack | strings.Quote }}"\n' +
        '  backend_type: s3\n  backend:\n    s3: {bucket: acme-plat-tfstate, key: terraform.tfstate, region: us-east-1, use_lockfile: true}\n',
      'stacks/orgs/acme/plat/_defaults.yaml': 'import:\n  - orgs/acme/_defaults\nvars:\n  tenant: plat\n',
      'stacks/orgs/acme/plat/dev/_defaults.yaml': 'import:\n  - orgs/acme/plat/_defaults\nvars:\n  stage: dev\n',
      'stacks/mixins/region/us-east-2.yaml': 'vars:\n  region: us-east-2\n  environment: ue2\n',
      'stacks/catalog/s3-bucket/defaults.yaml': 'components:\n  terraform:\n    s3-bucket:\n      metadata:\n        component: s3-bucket\n      vars:\n        force_destroy: false\n        versioning_enabled: true\n',
      'stacks/orgs/acme/plat/dev/us-east-2.yaml': 'import:\n  - orgs/acme/plat/dev/_defaults\n  - mixins/region/us-east-2\n  - catalog/s3-bucket/defaults\ncomponents:\n  terraform:\n    s3-bucket:\n      vars:\n        force_destroy: true\n        versioning_enabled: false\n',
    });
    const bucket = described['plat-ue2-dev'].components.terraform['s3-bucket'];
    expect(bucket.vars).toEqual({
      namespace: 'acme', tenant: 'plat', stage: 'dev', region: 'us-east-2', environment: 'ue2', force_destroy: true, versioning_enabled: false,
      tags: { atmos_stack: 'plat-ue2-dev', terraform_workspace: 'plat-ue2-dev', description: 'S3-Bucket component provisioned in the stack "plat-ue2-dev"' },
    });
    expect(bucket).toMatchObject({
      atmos_manifest: 'orgs/acme/plat/dev/us-east-2', workspace: 'plat-ue2-dev', backend_type: 's3',
      backend: { bucket: 'acme-plat-tfstate', key: 'terraform.tfstate', region: 'us-east-1', use_lockfile: true, workspace_key_prefix: 's3-bucket' },
      imports: ['catalog/s3-bucket/defaults', 'mixins/region/us-east-2', 'orgs/acme/_defaults', 'orgs/acme/plat/_defaults', 'orgs/acme/plat/dev/_defaults'],
    });
  });

  it('stack names: a file-named stack beside a name:-named one', async () => {
    const files = {
      'atmos.yaml': atmosYaml('  included_paths: ["**/*"]\n  excluded_paths: []\n'),
      'components/terraform/mock/main.tf': 'variable "environment" {}\nvariable "enabled" {}\n',
      'stacks/dev.yaml': 'components:\n  terraform:\n    mock:\n      vars: {environment: development, enabled: true}\n',
      'stacks/prod.yaml': 'name: "production"\ncomponents:\n  terraform:\n    mock:\n      vars: {environment: production, enabled: true}\n',
    };
    expect(await listStacks(files)).toBe('dev\nproduction\n');
    const described = await describeStacks(files);
    expect(described.production.components.terraform.mock).toMatchObject({ vars: { environment: 'production', enabled: true }, atmos_manifest: 'prod', workspace: 'production' });
    expect(described.dev.components.terraform.mock).toMatchObject({ vars: { environment: 'development', enabled: true }, workspace: 'dev' });
  });
});

/**
 * The multi-type demos of Atmos v1.226.1, rebuilt in our own words (same layout, settings and
 * values; not Atmos's files). Expected values: the examples' own stack manifests and their test
 * cases, tests/test-cases/demo-ansible.yaml ("list stacks" shows dev and prod; describe component
 * hello-world -s dev/prod prints app_name my-app, app_version 1.0.0-dev / 2.0.0, app_port 8080 / 443)
 * and tests/test-cases/packer-docker.yaml ("list stacks" shows alpine; describe component alpine
 * prints component alpine, the message and dependencies.tools.packer 1.14.2). component_type and
 * command follow internal/exec/describe_stacks.go (component_info.component_type is the section's
 * type; the command defaults to the type's name, website/docs/components/{helmfile,packer,ansible}.mdx).
 */
describe('Atmos multi-type demos through atmos-nx', () => {
  type Typed = Record<string, { components: Record<string, Record<string, Record<string, unknown>>> }>;
  const typedAtmosYaml = (type: string) =>
    `base_path: "./"\ncomponents:\n  ${type}:\n    base_path: "components/${type}"\nstacks:\n  base_path: "stacks"\n  included_paths: ["deploy/**/*"]\n  excluded_paths: ["**/_defaults.yaml"]\n  name_template: "{{.vars.stage}}"\n`;

  it('demo-helmfile: an abstract catalog demo on the nginx folder, made real per stage', () => {
    // examples/demo-helmfile: catalog/demo.yaml declares `demo` abstract on component nginx with
    // chart values as vars; deploy/<stage>/demo.yaml imports it, sets vars.stage and type: real.
    const stage = (name: string) => `import:\n  - catalog/demo\nvars:\n  stage: ${name}\ncomponents:\n  helmfile:\n    demo:\n      metadata:\n        type: real\n`;
    const root = writeWorkspace({
      'atmos.yaml': typedAtmosYaml('helmfile').replace('components:\n  helmfile:\n    base_path: "components/helmfile"\n',
        'templates:\n  settings:\n    enabled: true\ncomponents:\n  helmfile:\n    base_path: "components/helmfile"\n    use_eks: false\n    kubeconfig_path: ""\n'),
      'components/helmfile/nginx/helmfile.yaml': 'releases:\n  - name: demo\n    chart: bitnami/nginx\n',
      'stacks/catalog/demo.yaml': 'components:\n  helmfile:\n    demo:\n      metadata: {type: abstract, component: nginx}\n' +
        '      dependencies:\n        tools: {helmfile: "v1.6.0", helm: "v3.21.2"}\n' +
        '      vars:\n        image: {tag: latest}\n        service: {type: ClusterIP, port: 80}\n        replicaCount: 1\n' +
        '        ingress:\n          enabled: true\n          hostname: fbi.com\n          paths: [/]\n          extraHosts:\n            - {name: "*.app.github.dev", path: /}\n            - {name: localhost, path: /}\n' +
        '        persistence: {enabled: false}\n',
      'stacks/deploy/dev/demo.yaml': stage('dev'),
      'stacks/deploy/staging/demo.yaml': stage('staging'),
      'stacks/deploy/prod/demo.yaml': stage('prod'),
    });
    expect(atmosNx(root, ['list', 'stacks'])).toBe('dev\nprod\nstaging\n');
    const described = JSON.parse(atmosNx(root, ['describe', 'stacks', '--format', 'json'])) as Typed;
    expect(Object.keys(described).sort()).toEqual(['dev', 'prod', 'staging']);
    const dev = described.dev.components.helmfile.demo;
    expect(dev.vars).toEqual({
      stage: 'dev', image: { tag: 'latest' }, service: { type: 'ClusterIP', port: 80 }, replicaCount: 1,
      ingress: { enabled: true, hostname: 'fbi.com', paths: ['/'], extraHosts: [{ name: '*.app.github.dev', path: '/' }, { name: 'localhost', path: '/' }] },
      persistence: { enabled: false },
    });
    expect(dev).toMatchObject({
      component: 'nginx', atmos_component: 'demo', atmos_stack: 'dev', atmos_manifest: 'deploy/dev/demo', command: 'helmfile',
      metadata: { type: 'real', component: 'nginx' }, component_info: { component_type: 'helmfile', component_path: 'components/helmfile/nginx' },
      imports: ['catalog/demo'],
    });
    // The abstract base is only a catalog entry; each stage's instance is the real one.
    expect(described.prod.components.helmfile.demo).toMatchObject({ vars: { stage: 'prod', replicaCount: 1 }, metadata: { type: 'real' } });
    const staging = JSON.parse(atmosNx(root, ['describe', 'component', 'demo', '-s', 'staging', '--format', 'json'])) as Record<string, unknown>;
    expect(staging).toMatchObject({ component: 'nginx', atmos_stack: 'staging', vars: { stage: 'staging', service: { port: 80 } }, component_info: { component_type: 'helmfile' } });
  });

  it('demo-ansible: hello-world with per-stage versions and ports, its playbook in settings', () => {
    // examples/demo-ansible: catalog/hello-world.yaml sets app_name, app_version, app_port and
    // settings.ansible.{playbook,inventory}; deploy/dev.yaml overrides app_version, deploy/prod.yaml
    // app_version and app_port.
    const root = writeWorkspace({
      'atmos.yaml': typedAtmosYaml('ansible'),
      'components/ansible/hello-world/site.yml': '- hosts: all\n  tasks: []\n',
      'components/ansible/hello-world/inventory.ini': '[local]\nlocalhost ansible_connection=local\n',
      'stacks/catalog/hello-world.yaml': 'components:\n  ansible:\n    hello-world:\n      vars: {app_name: my-app, app_version: "1.0.0", app_port: 8080}\n      settings:\n        ansible: {playbook: site.yml, inventory: inventory.ini}\n',
      'stacks/deploy/dev.yaml': 'vars:\n  stage: dev\nimport:\n  - catalog/hello-world\ncomponents:\n  ansible:\n    hello-world:\n      vars:\n        app_version: "1.0.0-dev"\n',
      'stacks/deploy/prod.yaml': 'vars:\n  stage: prod\nimport:\n  - catalog/hello-world\ncomponents:\n  ansible:\n    hello-world:\n      vars:\n        app_version: "2.0.0"\n        app_port: 443\n',
    });
    expect(atmosNx(root, ['list', 'stacks'])).toBe('dev\nprod\n');
    const described = JSON.parse(atmosNx(root, ['describe', 'stacks', '--format', 'json'])) as Typed;
    expect(described.dev.components.ansible['hello-world']).toMatchObject({
      vars: { stage: 'dev', app_name: 'my-app', app_version: '1.0.0-dev', app_port: 8080 },
      settings: { ansible: { playbook: 'site.yml', inventory: 'inventory.ini' } },
      component: 'hello-world', command: 'ansible', atmos_manifest: 'deploy/dev',
      component_info: { component_type: 'ansible', component_path: 'components/ansible/hello-world' },
    });
    const prod = JSON.parse(atmosNx(root, ['describe', 'component', 'hello-world', '-s', 'prod', '--format', 'json'])) as Record<string, unknown>;
    expect(prod.vars).toEqual({ stage: 'prod', app_name: 'my-app', app_version: '2.0.0', app_port: 443 });
  });

  it('packer-docker: one flat stack named by vars.stage, the alpine template and its packer version', () => {
    // examples/packer-docker: stacks/alpine.yaml (included by **/*.yaml) sets stage alpine and the
    // packer component alpine (metadata.component alpine, dependencies.tools.packer, vars.message).
    const root = writeWorkspace({
      'atmos.yaml': 'base_path: "."\ncomponents:\n  packer:\n    base_path: components/packer\nstacks:\n  base_path: stacks\n  included_paths: ["**/*.yaml"]\n  excluded_paths: []\n  name_template: "{{ .vars.stage }}"\n',
      'components/packer/alpine/image.pkr.hcl': 'variable "message" {\n  type = string\n}\n',
      'stacks/alpine.yaml': 'vars:\n  stage: alpine\ncomponents:\n  packer:\n    alpine:\n      metadata: {type: real, component: alpine}\n      dependencies:\n        tools: {packer: "1.14.2"}\n      vars:\n        message: "Hello from Atmos + Packer + Docker!"\n',
    });
    expect(atmosNx(root, ['list', 'stacks'])).toBe('alpine\n');
    const alpine = JSON.parse(atmosNx(root, ['describe', 'component', 'alpine', '-s', 'alpine', '--format', 'json'])) as Record<string, unknown>;
    expect(alpine).toMatchObject({
      component: 'alpine', atmos_stack: 'alpine', atmos_manifest: 'alpine', command: 'packer',
      vars: { stage: 'alpine', message: 'Hello from Atmos + Packer + Docker!' },
      dependencies: { tools: { packer: '1.14.2' } },
      component_info: { component_type: 'packer', component_path: 'components/packer/alpine' },
    });
    const described = JSON.parse(atmosNx(root, ['describe', 'stacks', '--format', 'json'])) as Typed;
    expect(described.alpine.components.packer.alpine).toMatchObject({ vars: { message: 'Hello from Atmos + Packer + Docker!' } });
  });
});
