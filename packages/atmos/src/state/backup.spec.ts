import { CopyObjectCommand, GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeAwsClients } from '../aws/clients';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import { backupStamp, backupState, describeBackup, s3BackupKey } from './backup';
import { backupSelected, StateBackupHook, stateChangingReason } from './backup-hook';
import { instanceStateLocation, stateLocation } from './location';

const AT = new Date('2026-12-02T00:45:00.123Z');
const STATE = '{"version":4,"serial":3,"resources":[{"mode":"managed","type":"terraform_data","name":"x","instances":[{}]}]}';
const body = (text: string) => ({ transformToString: async () => text }) as unknown as GetObjectCommandOutput['Body'];
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' };

afterEach(() => {
  removeFixtures();
  closeAwsClients();
});

const S3_STACK = `
vars: {tenant: plat, environment: use1, stage: dev}
terraform:
  backend_type: s3
  backend:
    s3:
      bucket: plat-tfstate
      region: us-east-1
      key: terraform.tfstate
      workspace_key_prefix: "{{ .vars.tenant }}/{{ .vars.stage }}/{{ .vars.environment }}/{{ .atmos_component }}"
      kms_key_id: alias/tfstate
components:
  terraform:
    vpc:
      settings: {backup: true}
      vars: {name: x}
    dns:
      vars: {name: y}
`;

function s3Instance(component = 'vpc') {
  const resolved = resolveFixture({ 'stacks/orgs/dev.yaml': S3_STACK, 'components/terraform/vpc/main.tf': '', 'components/terraform/dns/main.tf': '' });
  return { root: resolved.root, instance: resolved.instances.find((i) => i.component === component)! };
}

describe('backup key layout', () => {
  it('is the state key, .backups/, a sortable UTC timestamp and the reason', () => {
    expect(backupStamp(AT)).toBe('20261202T004500123Z');
    expect(s3BackupKey('plat/dev/use1/vpc/plat-use1-dev/terraform.tfstate', AT, 'apply'))
      .toBe('plat/dev/use1/vpc/plat-use1-dev/terraform.tfstate.backups/20261202T004500123Z-apply.tfstate');
  });

  it('finds the state where terraform keeps it: <workspace_key_prefix>/<workspace>/<key>', () => {
    const { root, instance } = s3Instance();
    const location = instanceStateLocation(instance, root, ENV);
    expect(location).toMatchObject({ kind: 's3', bucket: 'plat-tfstate', key: 'plat/dev/use1/vpc/plat-use1-dev/terraform.tfstate', workspace: 'plat-use1-dev' });
  });
});

describe('S3 backups', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());

  it('copy the object inside the bucket, encrypted as the backend encrypts state', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(STATE) });
    s3.on(CopyObjectCommand).resolves({});
    const { root, instance } = s3Instance();
    const result = await backupState(instanceStateLocation(instance, root, ENV), { workspaceRoot: root, owner: instance, reason: 'apply', env: ENV, now: AT });
    expect(result.backup).toBe('s3://plat-tfstate/plat/dev/use1/vpc/plat-use1-dev/terraform.tfstate.backups/20261202T004500123Z-apply.tfstate');
    const calls = s3.commandCalls(CopyObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      Bucket: 'plat-tfstate',
      Key: 'plat/dev/use1/vpc/plat-use1-dev/terraform.tfstate.backups/20261202T004500123Z-apply.tfstate',
      CopySource: 'plat-tfstate/plat/dev/use1/vpc/plat-use1-dev/terraform.tfstate',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/tfstate',
    });
    expect(describeBackup(result, 'before apply')).toMatch(/^state backup \(before apply\): s3:\/\/plat-tfstate\/.*terraform\.tfstate -> s3:\/\/plat-tfstate\/.*-apply\.tfstate$/);
  });

  it('encode the copy source key segment by segment', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(STATE) });
    s3.on(CopyObjectCommand).resolves({});
    const location = stateLocation('s3', { bucket: 'b', key: 'a b/c+d.tfstate', region: 'us-east-1' }, 'default', { component: 'x', stack: 's' }, ENV);
    await backupState(location, { workspaceRoot: '/w', owner: { component: 'x', stack: 's' }, reason: 'on-demand', env: ENV, now: AT });
    expect(s3.commandCalls(CopyObjectCommand)[0].args[0].input.CopySource).toBe('b/a%20b/c%2Bd.tfstate');
  });

  it('say there is nothing to back up when the state does not exist yet (first apply)', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
    const { root, instance } = s3Instance();
    const result = await backupState(instanceStateLocation(instance, root, ENV), { workspaceRoot: root, owner: instance, reason: 'apply', env: ENV, now: AT });
    expect(result.backup).toBeUndefined();
    expect(describeBackup(result, 'before apply')).toBe('state backup (before apply): no state at s3://plat-tfstate/plat/dev/use1/vpc/plat-use1-dev/terraform.tfstate yet, nothing to back up');
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('say so when the state holds nothing yet (terraform writes an empty state for a new workspace)', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('{"version":4,"serial":0,"resources":[],"outputs":{}}') });
    const { root, instance } = s3Instance();
    const result = await backupState(instanceStateLocation(instance, root, ENV), { workspaceRoot: root, owner: instance, reason: 'apply', env: ENV, now: AT });
    expect(describeBackup(result, 'before apply')).toMatch(/^state backup \(before apply\): the state at s3:\/\/plat-tfstate\/.*\/terraform\.tfstate holds no resources yet, nothing to back up$/);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('explain an access denial in one line naming both objects', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(STATE) });
    s3.on(CopyObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const { root, instance } = s3Instance();
    await expect(backupState(instanceStateLocation(instance, root, ENV), { workspaceRoot: root, owner: instance, reason: 'apply', env: ENV, now: AT }))
      .rejects.toThrow(/backing up the state of 'vpc' in stack 'plat-use1-dev' \(before apply\).*s3:\/\/plat-tfstate\/.*terraform\.tfstate -> s3:\/\/plat-tfstate\/.*-apply\.tfstate/);
  });
});

describe('local backups', () => {
  it('copy the workspace state file into .atmos/state-backups, 0600, and say when there is none', async () => {
    const resolved = resolveFixture({ 'stacks/orgs/dev.yaml': 'vars: {tenant: plat, environment: use1, stage: dev}\ncomponents:\n  terraform:\n    vpc/blue: {metadata: {component: vpc}}\n', 'components/terraform/vpc/main.tf': '' });
    const instance = resolved.instances[0];
    const location = instanceStateLocation(instance, resolved.root, {});
    expect(location).toEqual({ kind: 'local', path: join(resolved.root, '.atmos/state/vpc/terraform.tfstate.d/plat-use1-dev-vpc-blue/terraform.tfstate'), workspace: 'plat-use1-dev-vpc-blue' });
    const options = { workspaceRoot: resolved.root, owner: instance, reason: 'on-demand' as const, env: {}, now: AT };
    expect(await backupState(location, options)).toEqual({ state: '.atmos/state/vpc/terraform.tfstate.d/plat-use1-dev-vpc-blue/terraform.tfstate' });

    if (location.kind !== 'local') throw new Error('local');
    mkdirSync(join(location.path, '..'), { recursive: true });
    writeFileSync(location.path, STATE);
    const result = await backupState(location, options);
    expect(result.backup).toBe('.atmos/state-backups/plat-use1-dev/vpc__blue/20261202T004500123Z-on-demand.tfstate');
    const copy = join(resolved.root, result.backup!);
    expect(readFileSync(copy, 'utf8')).toBe(STATE);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
  });
});

describe('when a backup is taken', () => {
  it('settings.backup selects the instance; a non-boolean is a one-line error naming the manifest', () => {
    expect(backupSelected(s3Instance('vpc').instance)).toBe(true);
    expect(backupSelected(s3Instance('dns').instance)).toBe(false);
    const resolved = resolveFixture({ 'stacks/orgs/dev.yaml': 'vars: {tenant: plat, environment: use1, stage: dev}\ncomponents:\n  terraform:\n    vpc: {settings: {backup: "yes"}}\n' });
    expect(() => backupSelected(resolved.instances[0])).toThrow(/settings\.backup of 'vpc' in stack 'plat-use1-dev' must be true or false \(got string\)/);
  });

  it('only commands that rewrite the state count', () => {
    expect(stateChangingReason(['apply', '-input=false', 'plan.tfplan'])).toBe('apply');
    expect(stateChangingReason(['destroy', '-auto-approve'])).toBe('destroy');
    expect(stateChangingReason(['import', 'a.b', 'id'])).toBe('import');
    expect(stateChangingReason(['state', 'rm', 'a.b'])).toBe('state');
    expect(stateChangingReason(['state', 'list'])).toBeUndefined();
    expect(stateChangingReason(['plan', '-out=x'])).toBeUndefined();
    expect(stateChangingReason(['output', '-json'])).toBeUndefined();
  });

  it('before -migrate-state: the backend being left, read from the workdir, and the state the new backend already holds', async () => {
    const s3 = mockClient(S3Client);
    s3.on(GetObjectCommand).resolves({ Body: body(STATE) });
    s3.on(CopyObjectCommand).resolves({});
    const { root, instance } = s3Instance('dns');
    const dataDir = join(root, 'work', '.terraform');
    mkdirSync(dataDir, { recursive: true });
    // What terraform records: every attribute, unset ones as null.
    writeFileSync(join(dataDir, 'terraform.tfstate'), JSON.stringify({ version: 3, backend: { type: 's3', config: { bucket: 'old-bucket', key: 'dns.tfstate', region: 'us-east-1', workspace_key_prefix: null, endpoints: { s3: null } } } }));
    writeFileSync(join(dataDir, 'environment'), 'plat-use1-dev');
    const lines: string[] = [];
    await new StateBackupHook({ instance, workspaceRoot: root, env: ENV, workdir: { dir: join(root, 'work'), dataDir }, log: (l) => lines.push(l) })
      .before(['init', '-input=false', '-migrate-state', '-force-copy']);
    const sources = s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input.CopySource);
    expect(sources).toEqual(['old-bucket/env%3A/plat-use1-dev/dns.tfstate', 'plat-tfstate/plat/dev/use1/dns/plat-use1-dev/terraform.tfstate']);
    expect(lines[0]).toMatch(/^state backup \(before -migrate-state, the backend being left\): s3:\/\/old-bucket\/env:\/plat-use1-dev\/dns\.tfstate -> .*-migrate-state\.tfstate$/);
    expect(lines[1]).toMatch(/the state already in the new backend\): .* -> .*-migrate-state-target\.tfstate$/);
    s3.restore();
  });

  it('an instance without settings.backup is not copied before apply', async () => {
    const { root, instance } = s3Instance('dns');
    const lines: string[] = [];
    await new StateBackupHook({ instance, workspaceRoot: root, env: ENV, workdir: { dir: root, dataDir: join(root, '.terraform') }, log: (l) => lines.push(l) }).before(['apply', 'x.tfplan']);
    expect(lines).toEqual([]);
    expect(existsSync(join(root, '.atmos/state-backups'))).toBe(false);
  });
});
