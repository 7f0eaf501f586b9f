/**
 * Issue 17, class 6: `atmos.Component` at run time renders the other instance's outputs (from its
 * real state) and sections.
 *
 * Expected values derived from Atmos v1.226.1 internal/exec/template_funcs_component.go
 * componentFunc: the result is ExecuteDescribeComponent's section of the other instance (vars,
 * settings, ... as describe prints them) with `outputs` added for a terraform component — its
 * terraform outputs, or remote_state_backend.static for the static backend
 * (GetComponentRemoteStateBackendStaticType); a disabled enclosing component (metadata.enabled:
 * false) gets empty sections without reading state (enclosingComponentDisabled /
 * emptyComponentSections). Website docs: functions/template/atmos.Component (`{{ (atmos.Component
 * "vpc" .stack).outputs.vpc_id }}`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../../config/load';
import { resolveStacks } from '../../stacks/engine';
import type { ComponentInstance } from '../../stacks/types';
import { runCli } from '../../testing/cli';
import { removeFixtures, writeWorkspace } from '../../testing/fixture-workspace';
import { readState } from '../../terraform/state';
import { ComponentTemplateAnswers, resolveAnswering, templateSecretsOf } from './component-template';

afterAll(removeFixtures);

const DEV = 'acme-ue1-dev';
const PROD = 'acme-ue1-prod';

const files = {
  'components/terraform/vpc/main.tf': 'output "vpc_id" { value = "x" }\n',
  'components/terraform/app/main.tf': 'variable "vpc_id" {}\n',
  'components/terraform/dns/main.tf': 'output "zone_id" { value = "Z123" }\n',
  'components/terraform/off/main.tf': 'variable "vpc_id" {}\n',
  'stacks/orgs/acme/dev.yaml': [
    'vars: {tenant: acme, environment: ue1, stage: dev}',
    'components:',
    '  terraform:',
    '    vpc: {vars: {cidr: 10.1.0.0/16}}',
    '    dns:',
    '      remote_state_backend_type: static',
    '      remote_state_backend: {static: {zone_id: Z123}}',
    '    app:',
    '      vars:',
    '        vpc_id: \'{{ (atmos.Component "vpc" .atmos_stack).outputs.vpc_id }}\'',
    '        subnet: \'{{ index (atmos.Component "vpc" .atmos_stack).outputs.subnets 1 }}\'',
    '        prod_cidr: \'{{ (atmos.Component "vpc" "acme-ue1-prod").vars.cidr }}\'',
    '        prod_vpc: \'{{ (atmos.Component "vpc" "acme-ue1-prod").outputs.vpc_id }}\'',
    '        zone: \'{{ (atmos.Component "dns" .atmos_stack).outputs.zone_id }}\'',
    '        password: \'{{ (atmos.Component "vpc" .atmos_stack).outputs.password }}\'',
    '    off:',
    '      metadata: {enabled: false}',
    '      vars: {vpc_id: \'{{ (atmos.Component "vpc" .atmos_stack).outputs.vpc_id }}\'}',
    '',
  ].join('\n'),
  'stacks/orgs/acme/prod.yaml': 'vars: {tenant: acme, environment: ue1, stage: prod}\ncomponents:\n  terraform:\n    vpc: {vars: {cidr: 10.2.0.0/16}}\n',
};

/** A state file where the default (local) backend keeps the instance's workspace. */
function writeState(root: string, component: string, workspace: string, outputs: Record<string, { value: unknown; sensitive?: boolean }>): void {
  const dir = join(root, '.atmos', 'state', component, 'terraform.tfstate.d', workspace);
  mkdirSync(dir, { recursive: true });
  const state = { version: 4, outputs: Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, { type: 'string', ...o }])), resources: [{ mode: 'managed', type: 'terraform_data', name: 'x', instances: [{}] }] };
  writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify(state));
}

function workspace(): string {
  const root = writeWorkspace(files);
  writeState(root, 'vpc', DEV, { vpc_id: { value: 'vpc-dev-1' }, subnets: { value: ['subnet-a', 'subnet-b'] }, password: { value: 'S3cret-Pw', sensitive: true } });
  writeState(root, 'vpc', PROD, { vpc_id: { value: 'vpc-prod-9' } });
  return root;
}

/** Answers from the workspace's statically resolved instances and their local state. */
function answersFor(root: string, allowMocks: boolean) {
  const config = loadAtmosConfig({ cwd: root, env: {} });
  const all = resolveStacks(config, { env: {} }).instances;
  const answers = new ComponentTemplateAnswers({
    findInstance: (component, stack) => all.find((i) => i.component === component && i.stack === stack),
    readState: (instance) => readState(instance, root, {}),
    describeContext: { basePath: config.basePath, stacksBasePath: config.stacks.basePath },
    allowMocks,
    log: () => undefined,
  });
  return { config, all, answers };
}

async function answered(root: string, consumer: string): Promise<ComponentInstance> {
  const { config, answers } = answersFor(root, true);
  const resolved = await resolveAnswering((templateFunctions) => resolveStacks(config, { env: {}, templateFunctions }), answers);
  const instance = resolved.instances.find((i) => i.component === consumer && i.stack === DEV);
  if (!instance) throw new Error(`no ${consumer}`);
  return instance;
}

describe('atmos.Component at run time', () => {
  it('renders outputs from the real state (same and other stack), the other instance\'s sections, and static remote state', async () => {
    const root = workspace();
    const app = await answered(root, 'app');
    expect(app.sections.vars).toMatchObject({ vpc_id: 'vpc-dev-1', subnet: 'subnet-b', prod_cidr: '10.2.0.0/16', prod_vpc: 'vpc-prod-9', zone: 'Z123', password: 'S3cret-Pw' });
  });

  it('without the run-time answers (the static phase) the outputs are empty, never an error; a template failing on them waits for run time', () => {
    const root = workspace();
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const app = resolveStacks(config, { env: {} }).instances.find((i) => i.component === 'app');
    // `index` of the empty outputs fails: the section is kept as merged, rendered at run time.
    expect(app?.sections.vars.vpc_id).toBe('{{ (atmos.Component "vpc" .atmos_stack).outputs.vpc_id }}');
    const simple = writeWorkspace({ ...files, 'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    vpc: {}\n    app: {vars: {v: \'{{ (atmos.Component "vpc" .atmos_stack).outputs.vpc_id }}\', s: \'{{ .vars.stage }}\'}}\n' });
    const plain = resolveStacks(loadAtmosConfig({ cwd: simple, env: {} }), { env: {} }).instances.find((i) => i.component === 'app');
    expect(plain?.sections.vars).toMatchObject({ v: '<no value>', s: 'dev' });
  });

  it('a disabled component reads no state: its outputs are empty', async () => {
    const root = workspace();
    expect((await answered(root, 'off')).sections.vars.vpc_id).toBe('<no value>');
  });

  it('a component that does not exist is a clear error naming the call and the consumer', async () => {
    const root = writeWorkspace({ ...files, 'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    app: {vars: {v: \'{{ (atmos.Component "vcp" .atmos_stack).outputs.id }}\'}}\n' });
    await expect(answered(root, 'app')).rejects.toThrow(`atmos.Component "vcp" "${DEV}" in 'app' (stack '${DEV}'): component 'vcp' does not exist in stack '${DEV}'`);
  });

  it('atmos-nx describe component renders them, masking a sensitive output; --process-functions=false keeps the static render', async () => {
    const root = workspace();
    const shown = await runCli(['describe', 'component', 'app', '-s', DEV, '--format', 'json'], root);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    const vars = JSON.parse(shown.stdout).vars;
    expect(vars).toMatchObject({ vpc_id: 'vpc-dev-1', prod_vpc: 'vpc-prod-9', zone: 'Z123', password: '***' });
    expect(shown.stdout).not.toContain('S3cret-Pw');
    const secret = await runCli(['describe', 'component', 'app', '-s', DEV, '--format', 'json', '--show-secrets'], root);
    expect(JSON.parse(secret.stdout).vars.password).toBe('S3cret-Pw');
    const unprocessed = await runCli(['describe', 'component', 'app', '-s', DEV, '--format', 'json', '--process-functions=false'], root);
    expect(JSON.parse(unprocessed.stdout).vars.vpc_id).toBe('{{ (atmos.Component "vpc" .atmos_stack).outputs.vpc_id }}');
  });

  it('the other instance\'s YAML functions are evaluated in its section (describe component, as Atmos with ProcessYamlFunctions)', async () => {
    const root = writeWorkspace({
      ...files,
      'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents:\n  terraform:\n    vpc: {vars: {owner: !env VPC_OWNER nobody}}\n' +
        '    app: {vars: {vpc_id: \'{{ (atmos.Component "vpc" .atmos_stack).vars.owner }}\'}}\n',
    });
    writeState(root, 'vpc', DEV, { vpc_id: { value: 'vpc-dev-1' } });
    const shown = await runCli(['describe', 'component', 'app', '-s', DEV, '--format', 'json'], root, { VPC_OWNER: 'team-net' });
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout).vars.vpc_id).toBe('team-net');
  });

  it('the sensitive outputs an answer carried are recorded for the run\'s masking', async () => {
    const root = workspace();
    const { config, all, answers } = answersFor(root, false);
    await resolveAnswering((templateFunctions) => resolveStacks(config, { env: {}, templateFunctions }), answers);
    expect([...answers.secrets]).toContain('S3cret-Pw');
    expect(templateSecretsOf(all[0])).toEqual([]);
  });
});
