/**
 * Multi-account for real: the state backend lives in a "shared" account, and every stack reaches
 * it through the backend access role — terraform's own backend and the plugin's own reads
 * (`!terraform.state`, the destroy guard) alike. REAL Nx CLI, REAL terraform, `atmos-nx`.
 *
 *   s3rver accepts only the role's keys: the ambient keys fail with InvalidAccessKeyId, as they
 *   would against a bucket in another account; the local STS (e2e/harness/sts-server.ts) hands
 *   the role's keys out only to the ambient identity, and only with the right ExternalId.
 *
 * Stacks dev-use1 and prod-use1 (accounts 111111111111 and 222222222222 in the role names; one
 * shared backend in 444444444444). vpc (terraform_data) in both; app in dev reads vpc of both
 * stacks with !terraform.state.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Emulators, awsEnv, s3BackendConfig, s3Client, startEmulators, type StsCall } from '../harness/emulators';
import { lingeringProcesses } from '../harness/processes';
import { requireTerraform } from '../harness/terraform';
import { Workspace, createWorkspace, formatRunResult, type RunResult } from '../harness/workspace';
import { readStateObject } from '../harness/state';

jest.setTimeout(600_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');
const NX_BIN = path.join(NODE_MODULES, 'nx', 'dist', 'bin', 'nx.js');
const ATMOS_NX_BIN = path.join(NODE_MODULES, '@org', 'atmos', 'bin', 'atmos-nx.js');

const BUCKET = 'acme-plat-use1-shared-tfstate';
const TABLE = 'acme-plat-use1-shared-tfstate-lock';
const BACKEND_ROLE = 'arn:aws:iam::444444444444:role/acme-plat-use1-shared-tfstate-backend-access';
const EXTERNAL_ID = 'plat-backend-7Qx2';
const SESSION = 'atmos-e2e-plat';
const AMBIENT = { accessKeyId: 'AKIAPLATDEVELOPER', secretAccessKey: 'developer-secret-Zk31' };
const ROLE_KEYS = { accessKeyId: 'ASIABACKENDACCESS', secretAccessKey: 'role-secret-Jv88' };
/** Never printed by anything: keys, the external id. */
const NEVER_PRINTED = [AMBIENT.accessKeyId, AMBIENT.secretAccessKey, ROLE_KEYS.accessKeyId, ROLE_KEYS.secretAccessKey, EXTERNAL_ID];

const BACKEND_FILE = 'stacks/catalog/_backend.yaml';

let emu: Emulators;
let ws: Workspace;
let roleS3: S3Client;

interface Captured extends RunResult {
  output: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function env(): Record<string, string | undefined> {
  return { ...awsEnv(emu.endpoints), AWS_ACCESS_KEY_ID: AMBIENT.accessKeyId, AWS_SECRET_ACCESS_KEY: AMBIENT.secretAccessKey, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_VERBOSE_LOGGING: undefined };
}

async function nx(args: string[]): Promise<Captured> {
  const r = await ws.run(process.execPath, [NX_BIN, ...args], { env: env(), timeoutMs: 540_000 });
  return { ...r, output: `${r.stdout}\n${r.stderr}`.replace(ANSI, '') };
}

async function atmosNx(args: string[]): Promise<Captured> {
  const r = await ws.run(process.execPath, [ATMOS_NX_BIN, ...args], { env: env(), timeoutMs: 120_000 });
  return { ...r, output: `${r.stdout}\n${r.stderr}`.replace(ANSI, '') };
}

function ok(r: Captured): Captured {
  if (r.timedOut || r.exitCode !== 0) throw new Error(`expected success\n${formatRunResult(r)}`);
  expectNothingSecret(r);
  return r;
}

function failed(r: Captured): Captured {
  if (r.timedOut || r.exitCode === 0) throw new Error(`expected a failure\n${formatRunResult(r)}`);
  expect(r.output).not.toMatch(/internal error|\n\s+at .+\(.+:\d+:\d+\)/);
  expectNothingSecret(r);
  return r;
}

function expectNothingSecret(r: Captured): void {
  for (const secret of NEVER_PRINTED) if (r.output.includes(secret)) throw new Error(`printed ${secret}\n${r.output}`);
}

/** The backend every stack imports: the harness's s3 settings plus the role, as terraform 1.11 spells it. */
function backendYaml(assumeRole: Record<string, unknown> | undefined): string {
  const s3 = {
    ...s3BackendConfig(emu.endpoints, { bucket: BUCKET, table: TABLE }),
    encrypt: false,
    endpoints: { s3: emu.endpoints.s3, dynamodb: emu.endpoints.dynamodb, sts: emu.endpoints.sts },
    ...(assumeRole ? { assume_role: assumeRole } : {}),
  };
  // JSON is YAML.
  return `terraform:\n  backend_type: s3\n  backend:\n    s3: ${JSON.stringify(s3)}\n`;
}

const ROLE_SETTINGS = { role_arn: BACKEND_ROLE, external_id: EXTERNAL_ID, session_name: SESSION, duration: '1h', tags: { Team: 'platform' } };

const VPC_TF = `
variable "stage" { type = string }
resource "terraform_data" "vpc" { input = "vpc-\${var.stage}-77" }
output "vpc_id" { value = terraform_data.vpc.output }
`;
const APP_TF = `
variable "vpc_id" { type = string }
variable "prod_vpc_id" { type = string }
resource "terraform_data" "app" { input = "\${var.vpc_id}+\${var.prod_vpc_id}" }
output "pair" { value = terraform_data.app.output }
`;

const stack = (stage: string, app: boolean) => [
  'import:', '  - catalog/_backend', '',
  'vars:', `  stage: ${stage}`, '  environment: use1', '',
  'components:', '  terraform:', '    vpc:', '      vars: {}',
  ...(app ? ['    app:', '      vars:', '        vpc_id: !terraform.state vpc vpc_id', '        prod_vpc_id: !terraform.state vpc prod-use1 vpc_id'] : []),
  '',
].join('\n');

const stsCallsOf = (calls: StsCall[]) => calls.map((c) => ({
  action: c.action, roleArn: c.roleArn, externalId: c.externalId, roleSessionName: c.roleSessionName, durationSeconds: c.durationSeconds, tags: c.tags,
  callerAccessKeyId: c.callerAccessKeyId, result: c.result,
}));
const EXPECTED_CALL = { action: 'AssumeRole', roleArn: BACKEND_ROLE, externalId: EXTERNAL_ID, roleSessionName: SESSION, durationSeconds: 3600, tags: { Team: 'platform' }, callerAccessKeyId: AMBIENT.accessKeyId, result: 'ok' };

beforeAll(async () => {
  requireTerraform();
  for (const file of ['executors/apply/executor.js', 'cli/main.js', 'aws/clients.js']) {
    const full = path.join(NODE_MODULES, '@org', 'atmos', 'dist', file);
    if (!fs.existsSync(full)) throw new Error(`the plugin is not built (${full} is missing): run \`npm run build\` in ${REPO_ROOT} first`);
  }
  emu = await startEmulators({
    s3: { accessKeys: [ROLE_KEYS] },
    dynamodb: true,
    sts: { roles: { [BACKEND_ROLE]: { ...ROLE_KEYS, externalId: EXTERNAL_ID, trustedAccessKeys: [AMBIENT.accessKeyId] } } },
  });
  await emu.createBucket(BUCKET);
  await emu.createLockTable(TABLE);
  roleS3 = s3Client(emu.endpoints, ROLE_KEYS);
  ws = createWorkspace({
    prefix: 'atmos-e2e-roles-',
    files: {
      'atmos.yaml': [
        'base_path: ""', 'components:', '  terraform:', '    base_path: components/terraform', '    auto_generate_backend_file: true',
        'stacks:', '  base_path: stacks', '  included_paths: ["orgs/**/*"]', '  name_pattern: "{stage}-{environment}"', '',
      ].join('\n'),
      'nx.json': JSON.stringify({ plugins: ['@org/atmos'], cacheDirectory: '.nx/cache' }),
      'package.json': JSON.stringify({ name: 'atmos-roles-e2e', private: true, version: '0.0.0' }),
      'components/terraform/vpc/main.tf': VPC_TF,
      'components/terraform/app/main.tf': APP_TF,
      'stacks/orgs/plat/dev/us-east-1.yaml': stack('dev', true),
      'stacks/orgs/plat/prod/us-east-1.yaml': stack('prod', false),
      [BACKEND_FILE]: backendYaml(ROLE_SETTINGS),
      '.gitignore': 'node_modules\n.nx\n.atmos\n',
    },
  });
  fs.symlinkSync(NODE_MODULES, ws.path('node_modules'));
  ws.gitInit();
});

afterAll(async () => {
  const survivors = ws ? await lingeringProcesses(ws.root) : [];
  roleS3?.destroy();
  await emu?.stop();
  ws?.cleanup();
  expect(survivors).toEqual([]);
});

it('the ambient keys alone cannot reach the shared state bucket; the role\'s keys can', async () => {
  const ambient = s3Client(emu.endpoints, AMBIENT);
  try {
    await expect(ambient.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
  } finally {
    ambient.destroy();
  }
  await expect(roleS3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).resolves.toBeDefined();
});

describe('through the backend access role', () => {
  it('terraform\'s own backend applies in both "accounts" with the assume_role settings (endpoints.sts)', async () => {
    await emu.resetStsCalls();
    const r = ok(await nx(['run-many', '-t', 'apply', '-p', 'vpc-dev-use1,vpc-prod-use1', '--autoApprove', '--parallel=1', '--output-style=static']));
    expect(r.output).toMatch(/Apply complete! Resources: 1 added/);
    expect((await readStateObject(roleS3, BUCKET, 'vpc/dev-use1/terraform.tfstate'))?.outputs.vpc_id.value).toBe('vpc-dev-77');
    expect((await readStateObject(roleS3, BUCKET, 'vpc/prod-use1/terraform.tfstate'))?.outputs.vpc_id.value).toBe('vpc-prod-77');
    const calls = stsCallsOf(await emu.stsCalls());
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toEqual(EXPECTED_CALL);
  });

  it('!terraform.state across the stacks reads through the role: one AssumeRole with the exact settings, --verbose names role and account', async () => {
    await emu.resetStsCalls();
    const r = ok(await atmosNx(['describe', 'component', 'app', '-s', 'dev-use1', '--format', 'json', '--verbose']));
    const described = JSON.parse(r.stdout);
    expect(described.vars).toMatchObject({ vpc_id: 'vpc-dev-77', prod_vpc_id: 'vpc-prod-77' });
    expect(stsCallsOf(await emu.stsCalls())).toEqual([EXPECTED_CALL]);
    expect(r.stderr).toContain(`aws: assuming role ${BACKEND_ROLE} (account 444444444444) as the default credential chain (AWS_ACCESS_KEY_ID from the environment) (session ${SESSION}, external_id ***, STS endpoint ${emu.endpoints.sts})`);
    expect(r.stderr).toContain(`aws: s3 in us-east-1 (endpoint ${emu.endpoints.s3}) as role ${BACKEND_ROLE} (account 444444444444)`);
    // The role settings as written, the external id masked.
    expect(described.backend.assume_role).toEqual({ ...ROLE_SETTINGS, external_id: '***' });
  });

  it('plan and apply of app: terraform and the plugin both go through the role', async () => {
    await emu.resetStsCalls();
    const plan = ok(await nx(['run', 'app-dev-use1:plan', '--output-style=static', '--verbose']));
    expect(plan.output).toMatch(/Plan: 1 to add/);
    // nx --verbose reaches the executor: the plugin's reads name the role and its account.
    expect(plan.output).toContain(`aws: assuming role ${BACKEND_ROLE} (account 444444444444) as the default credential chain (AWS_ACCESS_KEY_ID from the environment) (session ${SESSION}, external_id ***`);
    expect(plan.output).toContain('vpc-dev-77+vpc-prod-77');
    ok(await nx(['run', 'app-dev-use1:apply', '--output-style=static']));
    expect((await readStateObject(roleS3, BUCKET, 'app/dev-use1/terraform.tfstate'))?.outputs.pair.value).toBe('vpc-dev-77+vpc-prod-77');
    const calls = stsCallsOf(await emu.stsCalls());
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call).toEqual(EXPECTED_CALL);
  });

  it('the destroy guard reads the dependents\' state through the role and refuses', async () => {
    const r = failed(await nx(['run', 'vpc-dev-use1:destroy', '--autoApprove', '--output-style=static']));
    expect(r.output).toContain("cannot destroy 'vpc' in stack 'dev-use1': app-dev-use1 (1 resource) still depend on it");
    expect((await readStateObject(roleS3, BUCKET, 'vpc/dev-use1/terraform.tfstate'))?.resources?.length).toBe(1);
  });
});

describe('without the role, or with the wrong external_id', () => {
  afterEach(() => ws.writeFile(BACKEND_FILE, backendYaml(ROLE_SETTINGS)));

  it('with the ambient keys only, the read fails in one line: InvalidAccessKeyId, the identity, what to set', async () => {
    ws.writeFile(BACKEND_FILE, backendYaml(undefined));
    const r = failed(await atmosNx(['describe', 'component', 'app', '-s', 'dev-use1']));
    expect(r.stderr).toMatch(/^error: stacks\/orgs\/plat\/dev\/us-east-1\.yaml:\d+:\d+: !terraform\.state vpc vpc_id in 'app' \(stack 'dev-use1'\): reading the state of 'vpc' in stack 'dev-use1' /);
    // No role: who the ambient keys are comes from STS GetCallerIdentity.
    expect(r.stderr).toContain(`does not accept the credentials of the default credential chain (AWS_ACCESS_KEY_ID from the environment) in account 000000000000 (InvalidAccessKeyId)`);
    expect(r.stderr).toContain('set terraform.backend.s3.assume_role.role_arn to the role that reaches this resource');
    // The same line from the executor, where users run it.
    const plan = failed(await nx(['run', 'app-dev-use1:plan', '--output-style=static']));
    expect(plan.output).toMatch(/error: stacks\/orgs\/plat\/dev\/us-east-1\.yaml:\d+:\d+: !terraform\.state vpc vpc_id in 'app' \(stack 'dev-use1'\): .*\(InvalidAccessKeyId\)/);
    expect(plan.output).not.toMatch(/Plan: /);
  });

  it('a wrong external_id: AccessDenied on sts:AssumeRole, naming the role, the caller and the setting', async () => {
    ws.writeFile(BACKEND_FILE, backendYaml({ ...ROLE_SETTINGS, external_id: 'not-the-one' }));
    await emu.resetStsCalls();
    const r = failed(await atmosNx(['describe', 'component', 'app', '-s', 'dev-use1']));
    expect(r.stderr).toContain(`the default credential chain (AWS_ACCESS_KEY_ID from the environment) in account 000000000000 is not allowed sts:AssumeRole on ${BACKEND_ROLE} (AccessDenied, session ${SESSION}, with an external_id)`);
    expect(r.stderr).toContain(`allow it in the trust policy of ${BACKEND_ROLE} (its sts:ExternalId condition must match external_id), or change terraform.backend.s3.assume_role.role_arn`);
    expect(r.stderr).not.toContain('not-the-one');
    expect((await emu.stsCalls()).map((c) => [c.action, c.externalId, c.result])).toEqual([['AssumeRole', 'not-the-one', 'AccessDenied'], ['GetCallerIdentity', undefined, 'ok']]);
  });
});
