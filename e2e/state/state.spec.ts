/**
 * State management end to end: the real Nx CLI (NX_DAEMON=false), real terraform, state in
 * s3rver with DynamoDB locks in dynalite, in a temporary git workspace from e2e/state/fixture
 * (the reference layout in small: stacks dev-use1 and prod-use1, state keys
 * plat/<stage>/<environment>/<component>/<workspace>/terraform.tfstate, settings.backup: true for
 * every instance of stage prod through prod/_defaults.yaml).
 */
import * as fs from 'fs';
import * as path from 'path';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Emulators, s3BackendConfig, startEmulators } from '../harness/emulators';
import { readStateObject } from '../harness/state';
import { requireTerraform } from '../harness/terraform';
import { createWorkspace, type Workspace } from '../harness/workspace';
import { killLingering } from '../harness/processes';
import { expectFailure, expectOk, nx, nxEnv, requireBuiltPlugin, type NxResult } from '../executors/helpers';

jest.setTimeout(300_000);

const BUCKET = 'tfstate-state';
const TABLE = 'tf-locks-state';
const key = (stage: string, component: string, workspace: string) => `plat/${stage}/use1/${component}/${workspace}/terraform.tfstate`;

let emu: Emulators;
let s3: S3Client;
let ddb: DynamoDBClient;
let ws: Workspace;

beforeAll(async () => {
  requireTerraform();
  requireBuiltPlugin();
  emu = await startEmulators({ s3: true, dynamodb: true, bucket: BUCKET, lockTable: TABLE });
  ({ s3, dynamodb: ddb } = emu.clients);
  ws = createWorkspace({ fixture: path.join(__dirname, 'fixture'), prefix: 'atmos-e2e-state-' });
  fs.symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), ws.path('node_modules'));
  // The tenant defaults: the reference's state key layout, on the emulators.
  const backend = { ...s3BackendConfig(emu.endpoints, { bucket: BUCKET, table: TABLE }), encrypt: false,
    workspace_key_prefix: '{{ .vars.tenant }}/{{ .vars.stage }}/{{ .vars.environment }}/{{ .atmos_component }}' };
  ws.writeFile('stacks/orgs/plat/_defaults.yaml', `vars:\n  tenant: plat\nterraform:\n  backend_type: s3\n  backend:\n    s3: ${JSON.stringify(backend)}\n`);
  ws.gitInit();
});

afterAll(async () => {
  // Killed by PID (they run inside the temp workspace), and reported: nothing we started may survive.
  const survivors = ws ? await killLingering(ws.root) : [];
  await emu?.stop();
  ws?.cleanup();
  expect(survivors).toEqual([]);
});

const run = (args: string[], timeoutMs = 180_000): Promise<NxResult> => nx(ws, emu.endpoints, args, timeoutMs);

async function keys(prefix = ''): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function objectText(objectKey: string): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey }));
  return response.Body!.transformToString('utf8');
}

/** The backup an output line names: `... -> s3://bucket/key`. */
function namedBackup(output: string): string {
  const match = /state backup \([^)]*\): s3:\/\/[^ ]+ -> s3:\/\/([^/\s]+)\/(\S+)/.exec(output);
  if (!match) throw new Error(`no backup named in:\n${output}`);
  expect(match[1]).toBe(BUCKET);
  return match[2];
}

describe('state backups', () => {
  it('settings.backup (every instance of stage prod): nothing to back up on the first apply, a timestamped copy of the state before the next', async () => {
    const stateKey = key('prod', 'net', 'prod-use1-net');
    const first = expectOk(await run(['run', 'net-prod-use1:apply', '--autoApprove']));
    // Creating the workspace wrote an empty state: there is nothing in it to save.
    expect(first.output).toContain(`state backup (settings.backup, before apply): the state at s3://${BUCKET}/${stateKey} holds no resources yet, nothing to back up`);
    expect(await keys(`${stateKey}.backups/`)).toEqual([]);

    const before = await objectText(stateKey);
    ws.writeFile('stacks/orgs/plat/prod/us-east-1.yaml', ws.readFile('stacks/orgs/plat/prod/us-east-1.yaml').replace('name: net-prod', 'name: net-prod-2'));
    const second = expectOk(await run(['run', 'net-prod-use1:apply', '--autoApprove']));
    const backup = namedBackup(second.output);
    expect(backup).toMatch(new RegExp(`^${stateKey.replace(/\./g, '\\.')}\\.backups/\\d{8}T\\d{9}Z-apply\\.tfstate$`));
    expect(await keys(`${stateKey}.backups/`)).toEqual([backup]);
    // The copy is the state as it was before this apply: the old input, the old serial.
    expect(await objectText(backup)).toBe(before);
    const after = (await readStateObject(s3, BUCKET, stateKey))!;
    expect(JSON.stringify(after)).toContain('net-prod-2');
    expect(await objectText(backup)).not.toContain('net-prod-2');
  });

  it('an instance without settings.backup is applied without a copy; state-backup copies it on demand', async () => {
    const stateKey = key('dev', 'net', 'dev-use1-net');
    const applied = expectOk(await run(['run', 'net-dev-use1:apply', '--autoApprove']));
    expect(applied.output).not.toContain('state backup');
    expect(await keys(`${stateKey}.backups/`)).toEqual([]);

    const onDemand = expectOk(await run(['run', 'net-dev-use1:state-backup']));
    const backup = namedBackup(onDemand.output);
    expect(backup).toMatch(/-on-demand\.tfstate$/);
    expect(await objectText(backup)).toBe(await objectText(stateKey));
    // terraform does not take a backup for a workspace of its own.
    const workspaces = await run(['run', 'net-dev-use1:terraform', '--', 'workspace', 'list']);
    expect(expectOk(workspaces).output).not.toContain('backups');
  });

  it('state-backup of an instance never applied says there is nothing to back up', async () => {
    const r = expectOk(await run(['run', 'cache-dev-use1:state-backup']));
    expect(r.output).toContain(`state backup ('cache' in stack 'dev-use1'): no state at s3://${BUCKET}/${key('dev', 'cache', 'dev-use1-cache')} yet, nothing to back up`);
  });
});

describe('import', () => {
  const stateKey = key('dev', 'adopt', 'dev-use1');

  it('is refused in one line while the state is locked, with the force-unlock command; nothing is imported', async () => {
    // A held DynamoDB lock, as a crashed run leaves it (terraform's own lock record).
    const lockId = `${BUCKET}/${stateKey}`;
    const info = { ID: '6f1c2d3e-aaaa-bbbb-cccc-123456789abc', Operation: 'OperationTypeApply', Who: 'ci@runner-7', Version: '1.11.4', Created: new Date().toISOString(), Path: lockId, Info: '' };
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: lockId }, Info: { S: JSON.stringify(info) } } }));
    try {
      const r = expectFailure(await run(['run', 'adopt-dev-use1:import', '--address=terraform_data.existing', '--id=existing-1']),
        /error: import into 'adopt' in stack 'dev-use1' refused: its state is locked by another run \(ci@runner-7, OperationTypeApply\); nothing was imported/);
      expect(r.output).toContain('hint: wait for that run to finish and import again (--lockTimeout=5m waits for the lock); if that run is gone for good: nx run adopt-dev-use1:terraform -- force-unlock -force 6f1c2d3e-aaaa-bbbb-cccc-123456789abc');
      expect(await keys(stateKey)).toEqual([]);
      // Refused before terraform started (its init and workspace selection would meet the lock first).
      expect(r.output).not.toContain('Initializing the backend');
    } finally {
      await ddb.send(new DeleteItemCommand({ TableName: TABLE, Key: { LockID: { S: lockId } } }));
    }
  });

  it('without --address or --id is a one-line usage error', async () => {
    const r = expectFailure(await run(['run', 'adopt-dev-use1:import', '--id=x']), /error: import into 'adopt' in stack 'dev-use1' needs --address/);
    expect(r.output).toContain('hint: name the resource address in the configuration and the provider\'s ID of the existing object: nx run adopt-dev-use1:import --address=terraform_data.example --id=<id>');
  });

  it('imports the existing object with the generated varfile and backend into the instance\'s workspace, the ID exactly as typed', async () => {
    // Number-like, with a leading zero (an AWS account ID): it reaches terraform as typed (the schema says string).
    expectOk(await run(['run', 'adopt-dev-use1:import', '--address=terraform_data.existing', '--id=012345678901']));
    const state = (await readStateObject(s3, BUCKET, stateKey))!;
    const existing = state.resources.find((r) => r.name === 'existing')!;
    expect(existing.instances[0].attributes.id).toBe('012345678901');
  });

  it('import {} blocks run through plan and apply (terraform_data supports import)', async () => {
    const planned = expectOk(await run(['run', 'adopt-dev-use1:plan', '--', '-no-color']));
    expect(planned.output).toMatch(/terraform_data\.declared will be updated in-place\s+# \(imported from "declared-1"\)/);
    expect(planned.output).toMatch(/Plan: 1 to import, 0 to add, 2 to change, 0 to destroy\./);
    const applied = expectOk(await run(['run', 'adopt-dev-use1:apply']));
    expect(applied.output).toMatch(/Apply complete! Resources: 1 imported, 0 added, 2 changed, 0 destroyed\./);
    const state = (await readStateObject(s3, BUCKET, stateKey))!;
    const declared = state.resources.find((r) => r.name === 'declared')!;
    expect(declared.instances[0].attributes.id).toBe('declared-1');
  });
});

describe('removed instances: orphans and destroy-orphan', () => {
  const cacheKey = key('dev', 'cache', 'dev-use1-cache');
  const scratchState = '.atmos/state/node/terraform.tfstate.d/dev-use1-scratch/terraform.tfstate';
  const atmosNx = (args: string[]) => ws.run(process.execPath, [ws.path('node_modules/.bin/atmos-nx'), ...args], { env: nxEnv(emu.endpoints), timeoutMs: 180_000 });
  let lastCommitWithThem: string;

  beforeAll(async () => {
    expectOk(await run(['run-many', '-t', 'apply', '-p', 'cache-dev-use1', 'scratch-dev-use1', '--autoApprove']));
    expect(ws.exists(scratchState)).toBe(true);
    lastCommitWithThem = ws.commit('apply cache and scratch');
  });

  it('nothing is listed while every instance with state is configured', async () => {
    const r = expectOk(await run(['run', 'atmos:orphans']));
    expect(r.output).toContain(`no removed instance has resources left in its state (looked in s3://${BUCKET}, .atmos/state)`);
  });

  it('an instance removed on a branch is listed from the backend\'s keys and from describe affected, with the last commit that had it', async () => {
    ws.git(['checkout', '-q', '-b', 'remove-cache']);
    const manifest = 'stacks/orgs/plat/dev/us-east-1.yaml';
    ws.writeFile(manifest, ws.readFile(manifest).replace(/    cache:\n(      .*\n)+?(?=    adopt:)/, '').replace(/    scratch:\n(      .*\n)+$/, ''));
    ws.commit('remove cache and scratch');
    const listed = expectOk(await run(['run', 'atmos:orphans']));
    expect(listed.output).toContain('2 removed instances still have resources in their state');
    const commit = lastCommitWithThem.slice(0, 12);
    expect(listed.output).toContain(`cache/dev-use1  s3://${BUCKET}/${cacheKey}  1 resource  last defined in ${commit}  (found in backend and describe affected)`);
    expect(listed.output).toContain(`scratch/dev-use1  ${scratchState}  1 resource  last defined in ${commit}  (found in backend and describe affected)`);
    expect(listed.output).toContain('destroy: nx run atmos:destroy-orphan --instance=cache/dev-use1 --confirm=cache/dev-use1');
    // Backups are never taken for states; the other instances are configured.
    expect(listed.output).not.toMatch(/net\/|adopt\//);
    const json = JSON.parse((await atmosNx(['orphans', '--format', 'json'])).stdout);
    expect(json.orphans.map((o: { instance: string }) => o.instance)).toEqual(['cache/dev-use1', 'scratch/dev-use1']);
  });

  it('destroy-orphan refuses, in one line, an unknown instance, a wrong or missing confirm, and an instance still configured', async () => {
    expectFailure(await run(['run', 'atmos:destroy-orphan', '--instance=cache/dev-use1']),
      /error: destroy-orphan destroys every resource in the state of cache\/dev-use1: it needs --confirm=cache\/dev-use1/);
    expectFailure(await run(['run', 'atmos:destroy-orphan', '--instance=cache/dev-use1', '--confirm=cache/prod-use1']),
      /error: --confirm=cache\/prod-use1 does not match --instance=cache\/dev-use1/);
    expectFailure(await run(['run', 'atmos:destroy-orphan', '--instance=nope/dev-use1', '--confirm=nope/dev-use1']),
      /error: unknown instance nope\/dev-use1: no commit among HEAD and the last 100 changes to the stacks defines 'nope' in stack 'dev-use1'/);
    expectFailure(await run(['run', 'atmos:destroy-orphan', '--instance=net/dev-use1', '--confirm=net/dev-use1']),
      /error: .*us-east-1\.yaml: net\/dev-use1 is not a removed instance: stack 'dev-use1' still defines 'net'/);
    const state = (await readStateObject(s3, BUCKET, cacheKey))!;
    expect(state.resources).toHaveLength(1);
  });

  it('destroys a removed instance with the configuration of the last commit that had it, after a backup; then it is no longer listed', async () => {
    const r = expectOk(await run(['run', 'atmos:destroy-orphan', '--instance=cache/dev-use1', '--confirm=cache/dev-use1']));
    expect(r.output).toContain(`destroy-orphan: cache/dev-use1, removed from the stacks, last defined in commit ${lastCommitWithThem.slice(0, 12)}: 1 resource in s3://${BUCKET}/${cacheKey}`);
    const backup = namedBackup(r.output);
    expect(backup).toMatch(/-destroy-orphan\.tfstate$/);
    expect(JSON.parse(await objectText(backup)).resources).toHaveLength(1);
    expect(r.output).toMatch(/Destroy complete! Resources: 1 destroyed\./);
    expect((await readStateObject(s3, BUCKET, cacheKey))!.resources).toEqual([]);
    // The configuration came from history: the working tree has no cache (and still does not).
    expect(ws.readFile('stacks/orgs/plat/dev/us-east-1.yaml')).not.toContain('cache:');

    expectFailure(await run(['run', 'atmos:destroy-orphan', '--instance=cache/dev-use1', '--confirm=cache/dev-use1']),
      /error: nothing to destroy: the state of removed instance cache\/dev-use1 at s3:\/\/\S+ holds no resources/);

    // The local one, from the CLI; then nothing is left.
    const local = await atmosNx(['destroy-orphan', '--instance=scratch/dev-use1', '--confirm=scratch/dev-use1']);
    if (local.exitCode !== 0) throw new Error(`${local.stdout}\n${local.stderr}`);
    expect(local.stderr).toMatch(/state backup \(before destroy-orphan\): \.atmos\/state\/node\/.* -> \.atmos\/state-backups\/dev-use1\/scratch\/\d{8}T\d{9}Z-destroy-orphan\.tfstate/);
    expect(JSON.parse(ws.readFile(scratchState)).resources).toEqual([]);
    const after = expectOk(await run(['run', 'atmos:orphans']));
    expect(after.output).toContain('no removed instance has resources left in its state');
    expect(after.output).toContain('2 state objects of removed instances hold no resources');
  });
});

describe('-migrate-state', () => {
  it('backs up the state in the backend being left, migrates it, and orphans calls the old object a copy left behind', async () => {
    const oldKey = key('dev', 'net', 'dev-use1-net');
    const newKey = 'moved/net/dev-use1-net/terraform.tfstate';
    const before = await objectText(oldKey);
    const manifest = 'stacks/orgs/plat/dev/us-east-1.yaml';
    ws.writeFile(manifest, ws.readFile(manifest).replace('        name: net-dev\n', '        name: net-dev\n      backend:\n        s3:\n          workspace_key_prefix: moved/net\n'));
    ws.commit('move the state of net');
    const refused = expectFailure(await run(['run', 'net-dev-use1:plan']), /the backend configuration of 'net' in stack 'dev-use1' changed since it was last initialised/);
    expect(refused.output).not.toContain('state backup');

    const migrated = expectOk(await run(['run', 'net-dev-use1:init', '--migrateState']));
    const line = /state backup \(before -migrate-state, the backend being left\): s3:\/\/(\S+) -> s3:\/\/\S+?\/(\S+)/.exec(migrated.output);
    expect(line?.[1]).toBe(`${BUCKET}/${oldKey}`);
    expect(line![2]).toMatch(new RegExp(`^${oldKey.replace(/\./g, '\\.')}\\.backups/\\d{8}T\\d{9}Z-migrate-state\\.tfstate$`));
    expect(await objectText(line![2])).toBe(before);
    // The new backend held nothing for this workspace: nothing of it to keep.
    expect(migrated.output).not.toContain('the state already in the new backend');
    expect(JSON.parse(await objectText(newKey)).resources).toHaveLength(1);

    const listed = expectOk(await run(['run', 'atmos:orphans']));
    expect(listed.output).toContain(`net/dev-use1  s3://${BUCKET}/${oldKey}  1 resource`);
    expect(listed.output).toContain(`a copy left behind by a backend change: net/dev-use1 keeps its state at s3://${BUCKET}/${newKey} now`);
    expect(listed.output).not.toContain('--instance=net/dev-use1');
  });
});
