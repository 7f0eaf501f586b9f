/**
 * Issue 17, class 6, end to end: `atmos.Component` in a Go template is answered at run time from
 * the other instance's real state, through the REAL Nx CLI and the REAL terraform, against the
 * harness's S3 emulator (the functions fixture: vpc's outputs vpc_id, private_subnet_ids and the
 * sensitive db_password).
 *
 * Expected values: Atmos v1.226.1 internal/exec/template_funcs_component.go componentFunc — the
 * other instance's describe section (`.vars.cidr`) with its terraform `outputs`
 * (`.outputs.vpc_id`, `index .outputs.private_subnet_ids 1`); the sensitive output is a secret
 * here, printed as *** by our masking.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Emulators, startEmulators } from '../harness/emulators';
import { lingeringProcesses } from '../harness/processes';
import { requireTerraform } from '../harness/terraform';
import { Workspace } from '../harness/workspace';
import { BUCKET, atmosNx, createFunctionsWorkspace, expectOk, isAlive, nx, requireBuiltPlugin } from './helpers';

jest.setTimeout(240_000);

const DEV = 'plat-ue1-dev';
const WEB = `web-${DEV}`;
const SECRET_OUTPUT_PREFIX = 'VpcPw-';

let emu: Emulators;
let ws: Workspace;

beforeAll(async () => {
  requireTerraform();
  requireBuiltPlugin();
  emu = await startEmulators({ s3: true });
  await emu.createBucket(BUCKET);
  ws = createFunctionsWorkspace(emu.endpoints);
  ws.writeFile('atmos.yaml', ws.readFile('atmos.yaml') + '\ntemplates:\n  settings:\n    enabled: true\n');
  ws.writeFile('components/terraform/web/main.tf', [
    'variable "tenant" {}', 'variable "environment" {}', 'variable "stage" {}',
    'variable "vpc_id" {}', 'variable "subnet" {}', 'variable "vpc_cidr" {}', 'variable "db_password" {}',
    'resource "terraform_data" "web" {',
    '  input = { vpc_id = var.vpc_id, subnet = var.subnet, vpc_cidr = var.vpc_cidr, db_password = var.db_password }',
    '}',
    '',
  ].join('\n'));
  ws.writeFile('stacks/orgs/plat/ue1/dev.yaml', [
    'import:', '  - catalog/_backend', '',
    'vars:', '  tenant: plat', '  environment: ue1', '  stage: dev', '',
    'components:', '  terraform:',
    '    vpc:', '      vars:', '        cidr: 10.10.0.0/16',
    '    web:', '      vars:',
    '        vpc_id: \'{{ (atmos.Component "vpc" .atmos_stack).outputs.vpc_id }}\'',
    '        subnet: \'{{ index (atmos.Component "vpc" .atmos_stack).outputs.private_subnet_ids 1 }}\'',
    '        vpc_cidr: \'{{ (atmos.Component "vpc" .atmos_stack).vars.cidr }}\'',
    '        db_password: \'{{ (atmos.Component "vpc" .atmos_stack).outputs.db_password }}\'',
    '',
  ].join('\n'));
  ws.git(['add', '-A']);
  ws.git(['commit', '-qm', 'web uses atmos.Component']);
});

afterAll(async () => {
  const survivors = ws ? await lingeringProcesses(ws.root) : [];
  const emulatorPids = Object.values(emu?.pids ?? {}) as number[];
  await emu?.stop();
  ws?.cleanup();
  expect(survivors).toEqual([]);
  for (const pid of emulatorPids) expect(isAlive(pid)).toBe(false);
});

it('nx run web:plan renders atmos.Component from vpc\'s applied state in S3, masking its sensitive output', async () => {
  expectOk(await nx(ws, emu.endpoints, ['run', `vpc-${DEV}:apply`, '--autoApprove', '--excludeTaskDependencies']));
  const plan = expectOk(await nx(ws, emu.endpoints, ['run', `${WEB}:plan`, '--excludeTaskDependencies']));
  expect(plan.output).toMatch(/Plan: 1 to add/);
  expect(plan.output).toMatch(/vpc_id\s+= "vpc-dev-4f2a"/);
  expect(plan.output).toMatch(/subnet\s+= "subnet-dev-b"/);
  expect(plan.output).toMatch(/vpc_cidr\s+= "10\.10\.0\.0\/16"/);
  expect(plan.output).toMatch(/db_password\s+= "\*\*\*"/);
  expect(plan.output).not.toContain(SECRET_OUTPUT_PREFIX);
  const varfile = path.join(ws.path('.atmos', 'work', DEV, 'web', 'components', 'terraform', 'web'), `${DEV}-web.terraform.tfvars.json`);
  const vars = JSON.parse(fs.readFileSync(varfile, 'utf8'));
  expect(vars).toMatchObject({ vpc_id: 'vpc-dev-4f2a', subnet: 'subnet-dev-b', vpc_cidr: '10.10.0.0/16' });
  expect(String(vars.db_password)).toMatch(new RegExp(`^${SECRET_OUTPUT_PREFIX}[0-9a-f]{20}$`));
});

it('atmos-nx describe component web shows the answered values; nx graph has the edge web -> vpc', async () => {
  const described = expectOk(await atmosNx(ws, emu.endpoints, ['describe', 'component', 'web', '-s', DEV, '--format', 'json']));
  expect(JSON.parse(described.stdout).vars).toMatchObject({ vpc_id: 'vpc-dev-4f2a', subnet: 'subnet-dev-b', vpc_cidr: '10.10.0.0/16', db_password: '***' });
  const graph = expectOk(await nx(ws, emu.endpoints, ['graph', '--file=graph.json']));
  expect(graph.exitCode).toBe(0);
  const deps = JSON.parse(ws.readFile('graph.json')).graph.dependencies[WEB] as Array<{ target: string }>;
  expect(deps.map((d) => d.target)).toContain(`vpc-${DEV}`);
});
