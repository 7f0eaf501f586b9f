/**
 * The generators through the real Nx CLI (`nx g @org/atmos:...`, NX_DAEMON=false) in temporary
 * copies of the repository's own workspace and of the offline example: what they write, that
 * `nx show projects` lists the new instances, that `atmos-nx describe component` resolves them
 * with the right region, environment and state key, that terraform plans them, and that the
 * state key is the one the README names, in the local S3 server, written by real terraform.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { awsEnv, s3BackendConfig, startEmulators, type Emulators } from '../harness/emulators';
import { lingeringProcesses } from '../harness/processes';
import { requireTerraform } from '../harness/terraform';
import { formatRunResult, runCommand, type Workspace } from '../harness/workspace';
import { changedFiles, copyOfOfflineExample, copyOfRepositoryWorkspace, describeComponent, expectOneLineError, nx, nxOk, projects, requireBuiltPlugin } from './helpers';

jest.setTimeout(600_000);

const TERRAFORM = requireTerraform().path;
const workspaces: Workspace[] = [];

beforeAll(() => requireBuiltPlugin());

afterAll(async () => {
  const survivors = (await Promise.all(workspaces.map((ws) => lingeringProcesses(ws.path('.'))))).flat();
  for (const ws of workspaces) ws.cleanup();
  if (survivors.length > 0) throw new Error(`processes left running: ${survivors.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`);
});

describe("in a copy of the repository's own workspace", () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = copyOfRepositoryWorkspace();
    workspaces.push(ws);
  });

  it('nx g @org/atmos:environment --help describes the options', async () => {
    const r = await nxOk(ws, ['g', '@org/atmos:environment', '--help']);
    for (const option of ['--account', '--region', '--tenant', '--from', '--components', '--cidr', '--force']) expect(r.stdout).toContain(option);
  });

  it('--dry-run prints the files and writes nothing', async () => {
    const r = await nxOk(ws, ['g', '@org/atmos:environment', '--account=staging', '--region=us-west-2', '--dry-run']);
    expect(r.stdout).toContain('CREATE stacks/orgs/plat/staging/us-west-2.yaml');
    expect(r.stdout + r.stderr).toContain('NOTE: The "dryRun" flag means no changes were made.');
    expect(changedFiles(ws)).toEqual([]);
  });

  it('adds staging-usw2: nx show projects lists its instances, describe resolves region, environment and state key', async () => {
    const r = await nxOk(ws, ['g', '@org/atmos:environment', '--account=staging', '--region=us-west-2']);
    expect(r.stdout).toContain('Stack staging-usw2: stacks/orgs/plat/staging/us-west-2.yaml (copied from staging-use1, an environment of account staging)');
    expect(r.stdout).toContain('Next: nx run vpc-staging-usw2:plan');
    expect(changedFiles(ws)).toEqual(['stacks/orgs/plat/staging/us-west-2.yaml']);
    const printed = /New Nx projects \(\d+\): (.*)/.exec(r.stdout)![1].split(', ');
    expect(printed).toContain('vpc-staging-usw2');
    const listed = await projects(ws);
    for (const name of printed) expect(listed).toContain(name);
    expect(listed.filter((name) => name.endsWith('-staging-usw2')).sort()).toEqual([...printed].sort());

    const vpc = await describeComponent(ws, 'vpc', 'staging-usw2');
    expect(vpc.vars).toMatchObject({ region: 'us-west-2', environment: 'usw2', stage: 'staging', tenant: 'plat' });
    expect(vpc.workspace).toBe('staging-usw2');
    expect(vpc.backend_type).toBe('s3');
    expect(vpc.backend.workspace_key_prefix).toBe('plat/staging/usw2/vpc');
    expect(vpc.backend.key).toBe('terraform.tfstate');
    // The new environment's VPC got its own block (staging-use1 has 10.20.0.0/16).
    const cidrs = await Promise.all(['dev-use1', 'dev-usw2', 'staging-use1', 'prod-use1', 'prod-usw2'].map(async (stack) => (await describeComponent(ws, 'vpc', stack)).vars.cidr_block));
    expect(cidrs).not.toContain(vpc.vars.cidr_block);

    const again = await nx(ws, ['g', '@org/atmos:environment', '--account=staging', '--region=us-west-2']);
    expectOneLineError(again, 'stacks/orgs/plat/staging/us-west-2.yaml already exists (stack staging-usw2): refusing to overwrite; pass --force to replace it');
    ws.commit('staging-usw2');
  });

  it('--from=dev-use1 --components=vpc,eks: only those instances, the copied overrides kept', async () => {
    const r = await nxOk(ws, ['g', '@org/atmos:environment', '--from=dev-use1', '--account=dev', '--region=eu-west-1', '--components=vpc,eks']);
    expect(r.stdout).toContain('Created stacks/mixins/region/eu-west-1.yaml');
    expect(changedFiles(ws)).toEqual(['stacks/mixins/region/eu-west-1.yaml', 'stacks/orgs/plat/dev/eu-west-1.yaml']);
    expect((await projects(ws)).filter((name) => name.endsWith('-dev-euw1'))).toEqual(['eks-dev-euw1', 'vpc-dev-euw1']);
    const [from, vpc] = [await describeComponent(ws, 'vpc', 'dev-use1'), await describeComponent(ws, 'vpc', 'dev-euw1')];
    expect(vpc.vars).toMatchObject({ region: 'eu-west-1', environment: 'euw1', stage: 'dev' });
    expect(vpc.backend.workspace_key_prefix).toBe('plat/dev/euw1/vpc');
    // Overrides of dev-use1 other than the address block are copied as they are.
    const { cidr_block: fromBlock, region: _r, environment: _e, tags: _t, ...fromRest } = from.vars;
    const { cidr_block: newBlock, region: _r2, environment: _e2, tags: _t2, ...newRest } = vpc.vars;
    expect(newRest).toEqual(fromRest);
    expect(newBlock).not.toBe(fromBlock);
    ws.commit('dev-euw1');
  });

  it('component --catalog, then the catalog entry imported by the new stack: a new instance that terraform validates', async () => {
    const r = await nxOk(ws, ['g', '@org/atmos:component', '--name=opensearch', '--catalog', '--description=Search cluster']);
    expect(r.stdout).toContain('Next: add "- catalog/opensearch" to the import list of a stack manifest');
    expect(changedFiles(ws)).toEqual(['README.md', 'main.tf', 'outputs.tf', 'variables.tf', 'versions.tf'].map((f) => `components/terraform/opensearch/${f}`).concat('stacks/catalog/opensearch.yaml').sort());
    const dir = ws.path('components/terraform/opensearch');
    for (const args of [['fmt', '-check', '-diff'], ['init', '-backend=false', '-input=false'], ['validate']]) {
      const t = await runCommand(TERRAFORM, args, { cwd: dir, timeoutMs: 120_000 });
      if (t.exitCode !== 0) throw new Error(`terraform ${args.join(' ')} failed\n${formatRunResult(t)}`);
    }
    fs.rmSync(path.join(dir, '.terraform'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, '.terraform.lock.hcl'), { force: true });

    const entry = await nxOk(ws, ['g', '@org/atmos:catalog-entry', '--component=vpc', '--name=vpc-large']);
    expect(entry.stdout).toContain('Catalog entry vpc-large: stacks/catalog/network.yaml');
    expect(entry.stdout).toContain('Required (each stack sets them): cidr_block');

    const manifest = 'stacks/orgs/plat/staging/us-west-2.yaml';
    const doc = parseDocument(ws.readFile(manifest));
    doc.addIn(['import'], 'catalog/opensearch');
    ws.writeFile(manifest, doc.toString());
    expect(await projects(ws)).toContain('opensearch-staging-usw2');
    expect((await describeComponent(ws, 'opensearch', 'staging-usw2')).vars).toMatchObject({ name: 'opensearch', region: 'us-west-2', environment: 'usw2' });
  });

  it('user mistakes are one-line errors and leave the workspace as it was', async () => {
    ws.commit('before mistakes');
    const cases: Array<[string[], string]> = [
      [['g', '@org/atmos:environment', '--account=staging', '--region=mars-1'], '--region="mars-1" is not an AWS region: use one of af-south-1,'],
      [['g', '@org/atmos:environment', '--account=Prod', '--region=us-west-2'], `--account="Prod" is not accepted: use lower-case letters, digits and '_'`],
      [['g', '@org/atmos:environment', '--account=qa', '--region=us-west-2', '--from=nope'], '--from=nope is not a stack of this workspace: use one of '],
      [['g', '@org/atmos:environment', '--account=qa', '--region=us-west-2', '--cidr=10.1.2.3/16'], '--cidr=10.1.2.3/16 has host bits set'],
      [['g', '@org/atmos:component', '--name=vpc'], 'already exist: refusing to overwrite component vpc; pass --force'],
      [['g', '@org/atmos:component', '--name=Bad_Name'], '--name="Bad_Name" is not accepted'],
      [['g', '@org/atmos:catalog-entry', '--component=nope'], 'component folder components/terraform/nope not found'],
      [['g', '@org/atmos:catalog-entry', '--component=vpc'], 'stacks/catalog/network.yaml already defines vpc: refusing to overwrite it; pass --force'],
    ];
    for (const [args, message] of cases) {
      expectOneLineError(await nx(ws, [...args, '--no-interactive']), message);
      expect(changedFiles(ws)).toEqual([]);
    }
  });
});

describe('the state key layout, against the local S3 server with real terraform', () => {
  let ws: Workspace;
  let emu: Emulators;
  beforeAll(async () => {
    emu = await startEmulators({ s3: true, dynamodb: true, bucket: 'tfstate-keys', lockTable: 'tfstate-keys-lock' });
    ws = copyOfRepositoryWorkspace();
    workspaces.push(ws);
  });
  afterAll(async () => emu?.stop());

  it('vpc in staging-usw2 of tenant plat is stored at plat/staging/usw2/vpc/staging-usw2/terraform.tfstate', async () => {
    await nxOk(ws, ['g', '@org/atmos:environment', '--account=staging', '--region=us-west-2']);
    // The reference backend, pointed at the emulator: bucket, endpoints and the emulator's
    // switches replace the real account's; key and workspace_key_prefix stay as the stacks write them.
    const defaults = 'stacks/orgs/plat/_defaults.yaml';
    const doc = parseDocument(ws.readFile(defaults));
    const s3 = doc.getIn(['terraform', 'backend', 's3']) as { delete(key: string): void; set(key: string, value: unknown): void; get(key: string): unknown };
    for (const key of ['assume_role', 'dynamodb_table', 'bucket', 'region']) s3.delete(key);
    for (const [key, value] of Object.entries(s3BackendConfig(emu.endpoints, { bucket: 'tfstate-keys', table: 'tfstate-keys-lock' }))) if (key !== 'key') s3.set(key, value);
    s3.set('encrypt', false);
    expect(s3.get('workspace_key_prefix')).toBe('{{ .vars.tenant }}/{{ .vars.stage }}/{{ .vars.environment }}/{{ .atmos_component }}');
    ws.writeFile(defaults, doc.toString());
    // vpc needs the AWS provider; tests are offline, so its resources become terraform_data (its variables stay).
    ws.writeFile('components/terraform/vpc/main.tf', 'resource "terraform_data" "vpc" {\n  input = var.cidr_block\n}\n');
    ws.writeFile('components/terraform/vpc/outputs.tf', 'output "vpc_cidr" {\n  value = terraform_data.vpc.output\n}\n');
    ws.writeFile('components/terraform/vpc/versions.tf', 'terraform {\n  required_version = ">= 1.5"\n}\n');

    const r = await nx(ws, ['run', 'vpc-staging-usw2:deploy', '--excludeTaskDependencies'], awsEnv(emu.endpoints), 300_000);
    if (r.exitCode !== 0) throw new Error(`deploy failed\n${formatRunResult(r)}`);
    const listed = await emu.clients.s3.send(new ListObjectsV2Command({ Bucket: 'tfstate-keys' }));
    expect((listed.Contents ?? []).map((object) => object.Key)).toEqual(['plat/staging/usw2/vpc/staging-usw2/terraform.tfstate']);
  });
});

describe('in a copy of the offline example', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = copyOfOfflineExample();
    workspaces.push(ws);
  });

  it('adds staging-usw2 and terraform plans vpc-staging-usw2', async () => {
    const before = await projects(ws);
    const r = await nxOk(ws, ['g', '@org/atmos:environment', '--account=staging', '--region=us-west-2']);
    expect(r.stdout).toContain('Stack staging-usw2: stacks/orgs/plat/staging/us-west-2.yaml');
    const printed = /New Nx projects \(\d+\): (.*)/.exec(r.stdout)![1].split(', ');
    expect(printed).toContain('vpc-staging-usw2');
    const after = await projects(ws);
    expect(after.filter((name) => !before.includes(name)).sort()).toEqual([...printed].sort());
    const vpc = await describeComponent(ws, 'vpc', 'staging-usw2');
    expect(vpc.vars).toMatchObject({ region: 'us-west-2', environment: 'usw2', stage: 'staging', tenant: 'plat' });
    expect(vpc.workspace).toBe('staging-usw2');
    const plan = await nx(ws, ['run', 'vpc-staging-usw2:plan', '--excludeTaskDependencies'], {}, 300_000);
    if (plan.exitCode !== 0) throw new Error(`plan failed\n${formatRunResult(plan)}`);
    const output = (plan.stdout + plan.stderr).replace(/\x1b\[[0-9;]*m/g, '');
    expect(output).toMatch(/Plan: \d+ to add/);
    expect(output).toContain('us-west-2');
  });
});
