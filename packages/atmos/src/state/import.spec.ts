import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { closeAwsClients } from '../aws/clients';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import { lockHolder } from '../terraform/lock-error';
import { nxCommandLine } from '../terraform/arguments';
import type { InstanceRunRequest } from '../terraform/run';
import type { ComponentInstance } from '../stacks/types';
import { checkImport, explainImportLock, refuseWhileLocked } from './import';

const instance = { component: 'vpc', stack: 'dev-use1' } as ComponentInstance;
const request = (address?: string, id?: string) => ({ instance, import: { address, id }, commandLine: nxCommandLine('vpc-dev-use1') }) as InstanceRunRequest;

describe('import', () => {
  it('needs an address and an ID, and names the command to type', () => {
    expect(checkImport(request(' terraform_data.x ', 'abc'))).toEqual({ address: 'terraform_data.x', id: 'abc' });
    expect(() => checkImport(request(undefined, undefined))).toThrow("import into 'vpc' in stack 'dev-use1' needs --address and --id");
    expect(() => checkImport(request('a.b', undefined))).toThrow(/needs --id$/);
    expect(() => checkImport(request(undefined, 'x'))).toThrow(/needs --address$/);
    expect(() => checkImport(request('-lock=false', 'x'))).toThrow("import into 'vpc' in stack 'dev-use1': --address=-lock=false is not a resource address");
  });

  it('a held lock: one error line and the force-unlock hint, from both of terraform\'s lock messages', () => {
    const box = 'Error: Error acquiring the state lock\n│ Lock Info:\n│   ID:        1c6e0c5b-9d2a\n│   Path:      b/k\n│   Operation: OperationTypeApply\n│   Who:       ci@runner-7\n';
    const workspace = 'failed to lock s3 state: operation error DynamoDB: PutItem, RequestID: XYZ, ConditionalCheckFailedException\nLock Info:\n  ID:        2d7f\n  Who:       me@host\n';
    expect(lockHolder(box)).toEqual({ id: '1c6e0c5b-9d2a', who: 'ci@runner-7', operation: 'OperationTypeApply' });
    expect(lockHolder(workspace)).toEqual({ id: '2d7f', who: 'me@host', operation: undefined });
    expect(lockHolder('Error: Invalid resource address')).toBeUndefined();
    const lines: string[] = [];
    explainImportLock(lockHolder(box)!, request('a.b', 'x'), (line) => lines.push(line));
    expect(lines).toEqual([
      "error: import into 'vpc' in stack 'dev-use1' refused: its state is locked by another run (ci@runner-7, OperationTypeApply); nothing was imported",
      '  hint: wait for that run to finish and import again (--lockTimeout=5m waits for the lock); if that run is gone for good: nx run vpc-dev-use1:terraform -- force-unlock -force 1c6e0c5b-9d2a',
    ]);
  });
});

describe('import refuses before terraform runs while the s3 backend\'s lock is held', () => {
  const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' };
  const ddb = mockClient(DynamoDBClient);
  const s3 = mockClient(S3Client);
  afterEach(() => {
    ddb.reset();
    s3.reset();
    closeAwsClients();
    removeFixtures();
  });
  afterAll(() => {
    ddb.restore();
    s3.restore();
  });

  function s3Request(backend: string, lockTimeout?: string): InstanceRunRequest {
    const resolved = resolveFixture({ 'stacks/orgs/dev.yaml': `vars: {tenant: plat, environment: use1, stage: dev}\nterraform:\n  backend_type: s3\n  backend:\n    s3: {bucket: tfstate, region: us-east-1, key: terraform.tfstate, workspace_key_prefix: vpc, ${backend}}\ncomponents:\n  terraform:\n    vpc: {}\n` });
    return { ...request('a.b', 'x'), instance: resolved.instances[0], workspaceRoot: resolved.root, env: ENV, lockTimeout } as InstanceRunRequest;
  }

  it('the DynamoDB lock item of <bucket>/<key> names the holder', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { LockID: { S: 'tfstate/vpc/plat-use1-dev/terraform.tfstate' }, Info: { S: JSON.stringify({ ID: 'abc-1', Who: 'ci@runner', Operation: 'OperationTypeApply' }) } } });
    const req = s3Request('dynamodb_table: locks');
    await expect(refuseWhileLocked(req)).rejects.toThrow("import into 'vpc' in stack 'plat-use1-dev' refused: its state is locked by another run (ci@runner, OperationTypeApply); nothing was imported");
    expect(ddb.commandCalls(GetItemCommand)[0].args[0].input).toEqual({ TableName: 'locks', Key: { LockID: { S: 'tfstate/vpc/plat-use1-dev/terraform.tfstate' } }, ConsistentRead: true });
  });

  it('the .tflock object (use_lockfile) too; no lock, an unreadable lock table or --lockTimeout let terraform decide', async () => {
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => '{"ID":"f-2","Who":"me@host"}' } as unknown as GetObjectCommandOutput['Body'] });
    await expect(refuseWhileLocked(s3Request('use_lockfile: true'))).rejects.toThrow(/locked by another run \(me@host\)/);
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.Key).toBe('vpc/plat-use1-dev/terraform.tfstate.tflock');
    ddb.on(GetItemCommand).resolves({});
    await expect(refuseWhileLocked(s3Request('dynamodb_table: locks'))).resolves.toBeUndefined();
    ddb.on(GetItemCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(refuseWhileLocked(s3Request('dynamodb_table: locks'))).resolves.toBeUndefined();
    ddb.on(GetItemCommand).resolves({ Item: { Info: { S: '{}' } } });
    await expect(refuseWhileLocked(s3Request('dynamodb_table: locks', '5m'))).resolves.toBeUndefined();
  });
});
