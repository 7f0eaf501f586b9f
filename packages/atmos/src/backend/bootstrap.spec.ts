/**
 * Backend bootstrap: the exact AWS requests (aws-sdk-client-mock answers them), for a backend
 * that does not exist, one that does, one that is half there, and servers that do not implement
 * a setting. The local S3 and DynamoDB servers of the e2e run cannot show versioning, KMS,
 * policies or point-in-time recovery: these requests are proven here.
 */
import {
  CreateTableCommand, DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient, DynamoDBServiceException, UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, EnableKeyRotationCommand, GetKeyRotationStatusCommand, KMSClient, KMSServiceException } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand, GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadBucketCommand,
  PutBucketEncryptionCommand, PutBucketPolicyCommand, PutBucketVersioningCommand, PutPublicAccessBlockCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../aws/clients';
import { AwsCallError } from '../aws/errors';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import { userError } from '../testing/user-errors';
import { stackBackends, type StateBackend } from './backends';
import { bootstrapBackend, isUnsupported, tlsOnlyPolicy, type BootstrapResult } from './bootstrap';

const BUCKET = 'acme-plat-use1-shared-tfstate';
const TABLE = 'acme-plat-use1-shared-tfstate-lock';
const KEY_ARN = 'arn:aws:kms:us-east-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ENV = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY', AWS_SECRET_ACCESS_KEY: 'example-secret', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' };

const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);
const kms = mockClient(KMSClient);

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}
function dynamoError(name: string, status = 400): DynamoDBServiceException {
  return new DynamoDBServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}
function kmsError(name: string, status = 400): KMSServiceException {
  return new KMSServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

const ACTIVE_TABLE = {
  TableName: TABLE, TableStatus: 'ACTIVE' as const,
  KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' as const }],
  SSEDescription: { Status: 'ENABLED' as const, SSEType: 'KMS' as const, KMSMasterKeyArn: KEY_ARN },
};

function backend(extra: Partial<StateBackend> = {}, endpoints: StateBackend['target']['endpoints'] = {}): StateBackend {
  return {
    bucket: BUCKET, table: TABLE, lockfile: false, region: 'us-east-1', components: ['tfstate-backend'], credentialsOf: 'tfstate-backend',
    target: { region: 'us-east-1', endpoints, forcePathStyle: false, roles: [], owner: "the s3 backend of 'tfstate-backend' in stack 'shared-use1'", settingPrefix: 'terraform.backend.s3', file: '/repo/stacks/orgs/plat/shared/us-east-1.yaml' },
    ...extra,
  };
}

let clients: AwsClients;
let lines: string[];
let warnings: string[];

async function run(b: StateBackend = backend(), dryRun = false): Promise<BootstrapResult> {
  return bootstrapBackend(b, { clients, dryRun, log: (l) => lines.push(l), warn: (w) => warnings.push(w), tableWaitSeconds: 5 });
}

/** The bucket, table and key do not exist; the first DescribeTable says so, the next ones see the new table. */
function nothingExists(): void {
  s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
  dynamodb.on(DescribeTableCommand).rejectsOnce(dynamoError('ResourceNotFoundException')).resolves({ Table: ACTIVE_TABLE });
  kms.on(DescribeKeyCommand).rejects(kmsError('NotFoundException'));
  kms.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN } });
}

beforeEach(() => {
  s3.reset();
  dynamodb.reset();
  kms.reset();
  clients = new AwsClients({ env: ENV, verbose: false });
  lines = [];
  warnings = [];
});
afterEach(() => clients.destroy());
afterAll(removeFixtures);

describe('a backend that does not exist', () => {
  it('creates the key (rotation, alias), the bucket with its four settings, and the table with SSE and point-in-time recovery', async () => {
    nothingExists();
    const result = await run();
    expect(kms.commandCalls(CreateKeyCommand)[0].args[0].input).toEqual({ Description: `Encrypts Terraform state in ${BUCKET}`, KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' });
    expect(kms.commandCalls(EnableKeyRotationCommand)[0].args[0].input).toEqual({ KeyId: KEY_ID });
    expect(kms.commandCalls(CreateAliasCommand)[0].args[0].input).toEqual({ AliasName: `alias/${BUCKET}`, TargetKeyId: KEY_ID });
    expect(s3.commandCalls(CreateBucketCommand)[0].args[0].input).toEqual({ Bucket: BUCKET, ObjectOwnership: 'BucketOwnerEnforced' });
    expect(s3.commandCalls(PutBucketVersioningCommand)[0].args[0].input).toEqual({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } });
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0].args[0].input).toEqual({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true }] },
    });
    expect(s3.commandCalls(PutPublicAccessBlockCommand)[0].args[0].input).toEqual({
      Bucket: BUCKET, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    const policy = JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0].args[0].input.Policy!);
    expect(policy.Statement).toEqual([{
      Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }]);
    expect(dynamodb.commandCalls(CreateTableCommand)[0].args[0].input).toEqual({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN },
    });
    expect(dynamodb.commandCalls(UpdateContinuousBackupsCommand)[0].args[0].input).toEqual({ TableName: TABLE, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    expect(result.created).toEqual([`KMS key ${KEY_ID}`, `KMS alias alias/${BUCKET}`, `S3 bucket ${BUCKET}`, `DynamoDB table ${TABLE} (LockID string hash key, on demand)`]);
    expect(result.applied).toEqual(['key rotation', 'versioning (Enabled)', `default encryption (SSE-KMS with alias/${BUCKET}, bucket key)`,
      'public access block (all four settings on)', 'bucket policy (TLS only: DenyInsecureTransport)', 'point-in-time recovery', `encryption with alias/${BUCKET}`]);
    expect(result.existed).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('outside us-east-1 the bucket names its region (LocationConstraint)', async () => {
    nothingExists();
    await run(backend({ region: 'eu-west-1', target: { ...backend().target, region: 'eu-west-1' } }));
    expect(s3.commandCalls(CreateBucketCommand)[0].args[0].input.CreateBucketConfiguration).toEqual({ LocationConstraint: 'eu-west-1' });
  });

  it('a server that does not implement a setting gets a warning naming each setting, and the rest is still applied', async () => {
    nothingExists();
    s3.on(PutBucketVersioningCommand).rejects(s3Error('NotImplemented', 501));
    s3.on(PutBucketEncryptionCommand).rejects(s3Error('NotImplemented', 501));
    s3.on(PutPublicAccessBlockCommand).rejects(s3Error('NotImplemented', 501));
    s3.on(PutBucketPolicyCommand).rejects(s3Error('NotImplemented', 501));
    dynamodb.on(UpdateContinuousBackupsCommand).rejects(dynamoError('UnknownOperationException'));
    dynamodb.on(DescribeTableCommand).rejectsOnce(dynamoError('ResourceNotFoundException')).resolves({ Table: { ...ACTIVE_TABLE, SSEDescription: undefined } });
    const result = await run();
    expect(warnings).toEqual([
      "versioning (Enabled) not applied: AWS's s3 in us-east-1 answered NotImplemented (HTTP 501) to PutBucketVersioning",
      `default encryption (SSE-KMS with alias/${BUCKET}, bucket key) not applied: AWS's s3 in us-east-1 answered NotImplemented (HTTP 501) to PutBucketEncryption`,
      "public access block (all four settings on) not applied: AWS's s3 in us-east-1 answered NotImplemented (HTTP 501) to PutPublicAccessBlock",
      "bucket policy (TLS only: DenyInsecureTransport) not applied: AWS's s3 in us-east-1 answered NotImplemented (HTTP 501) to PutBucketPolicy",
      "point-in-time recovery not applied: AWS's dynamodb in us-east-1 answered UnknownOperationException (HTTP 400) to UpdateContinuousBackups",
      `encryption of DynamoDB table ${TABLE} not applied: AWS's dynamodb in us-east-1 accepted SSESpecification but reports no encryption (SSEDescription); set it on the table (tfstate-backend does once it adopts it)`,
    ]);
    expect(result.created).toContain(`S3 bucket ${BUCKET}`);
    expect(result.applied).toEqual(['key rotation']);
  });

  it('a server that takes PUT ?versioning for CreateBucket (s3rver answers BucketAlreadyExists): not applied, a warning', async () => {
    nothingExists();
    s3.on(PutBucketVersioningCommand).rejects(s3Error('BucketAlreadyExists', 409));
    await run();
    expect(warnings).toEqual(["versioning (Enabled) not applied: AWS's s3 in us-east-1 answered BucketAlreadyExists (HTTP 409) to PutBucketVersioning"]);
  });

  it('a custom S3 endpoint without a KMS endpoint: no key (a warning says so), SSE-S3, no KMS call', async () => {
    nothingExists();
    const local = backend({}, { s3: 'http://127.0.0.1:4569', dynamodb: 'http://127.0.0.1:4567' });
    await run(local);
    expect(kms.calls()).toHaveLength(0);
    expect(warnings[0]).toBe(`KMS key alias/${BUCKET} not created, so default encryption uses SSE-S3 (AES256) and the lock table AWS's own key: the backend's S3 endpoint http://127.0.0.1:4569 is not AWS's and no KMS endpoint is set (AWS_ENDPOINT_URL_KMS)`);
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0].args[0].input.ServerSideEncryptionConfiguration).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(dynamodb.commandCalls(CreateTableCommand)[0].args[0].input.SSESpecification).toEqual({ Enabled: true });
  });

  it('a KMS that does not implement CreateKey: a warning, and SSE-S3', async () => {
    nothingExists();
    kms.on(CreateKeyCommand).rejects(kmsError('UnknownOperationException'));
    await run(backend({}, { kms: 'http://127.0.0.1:4599' }));
    expect(warnings[0]).toBe(`KMS key alias/${BUCKET} not created (kms at http://127.0.0.1:4599 answered UnknownOperationException (HTTP 400)), so default encryption uses SSE-S3 (AES256) and the lock table AWS's own key`);
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0].args[0].input.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
  });

  it('--dry-run looks and creates nothing', async () => {
    nothingExists();
    await run(backend(), true);
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
    expect(dynamodb.commandCalls(CreateTableCommand)).toHaveLength(0);
    expect(kms.calls()).toHaveLength(0);
    expect(lines).toEqual([`  would create S3 bucket ${BUCKET}`, `  would create DynamoDB table ${TABLE}`, `  would use    KMS key alias/${BUCKET} (created when missing, rotation enabled)`]);
  });
});

describe('a backend that exists', () => {
  function everythingExists(): void {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }] } });
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: tlsOnlyPolicy(BUCKET, 'us-east-1') });
    dynamodb.on(DescribeTableCommand).resolves({ Table: ACTIVE_TABLE });
    dynamodb.on(DescribeContinuousBackupsCommand).resolves({ ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' } } });
  }

  it('is used as it is: only reads, nothing created, no KMS call, no warning', async () => {
    everythingExists();
    const result = await run();
    expect(result).toEqual({ created: [], applied: [], warnings: [], existed: [`S3 bucket ${BUCKET}`, `DynamoDB table ${TABLE}`] });
    const writes = [...s3.calls(), ...dynamodb.calls()].map((c) => c.args[0].constructor.name).filter((name) => !/^(Head|Get|Describe)/.test(name));
    expect(writes).toEqual([]);
    expect(kms.calls()).toHaveLength(0);
    expect(lines[0]).toBe(`  exists       S3 bucket ${BUCKET}: used as it is (bootstrap never changes what exists)`);
  });

  it('an existing bucket lacking settings is not changed: each missing one is a warning', async () => {
    everythingExists();
    s3.on(GetBucketVersioningCommand).resolves({});
    s3.on(GetBucketEncryptionCommand).rejects(s3Error('ServerSideEncryptionConfigurationNotFoundError', 404));
    s3.on(GetPublicAccessBlockCommand).rejects(s3Error('NoSuchPublicAccessBlockConfiguration', 404));
    s3.on(GetBucketPolicyCommand).rejects(s3Error('NoSuchBucketPolicy', 404));
    dynamodb.on(DescribeContinuousBackupsCommand).resolves({ ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } } });
    const result = await run();
    expect(result.warnings.map((w) => w.replace(/: not changed.*/, ''))).toEqual([
      `existing S3 bucket ${BUCKET} has no versioning (it is off)`,
      `existing S3 bucket ${BUCKET} has no default encryption with a KMS key (it is not set)`,
      `existing S3 bucket ${BUCKET} has no full public access block`,
      `existing S3 bucket ${BUCKET} has no bucket policy refusing plain HTTP (aws:SecureTransport)`,
      `existing DynamoDB table ${TABLE} has no point-in-time recovery`,
    ]);
    expect(s3.commandCalls(PutBucketVersioningCommand)).toHaveLength(0);
  });

  it('a server that cannot report a setting: "not checked" names it', async () => {
    everythingExists();
    s3.on(GetBucketVersioningCommand).rejects(s3Error('NotImplemented', 501));
    dynamodb.on(DescribeContinuousBackupsCommand).rejects(dynamoError('UnknownOperationException'));
    const result = await run();
    expect(result.warnings).toEqual([
      "versioning of the existing bucket not checked: AWS's s3 in us-east-1 answered NotImplemented (HTTP 501) to GetBucketVersioning",
      "point-in-time recovery of the existing table not checked: AWS's dynamodb in us-east-1 answered UnknownOperationException (HTTP 400) to DescribeContinuousBackups",
    ]);
  });

  it('half there (bucket made, table not): the table is created with the existing key; the bucket is left alone', async () => {
    everythingExists();
    dynamodb.on(DescribeTableCommand).rejectsOnce(dynamoError('ResourceNotFoundException')).resolves({ Table: ACTIVE_TABLE });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, KeyState: 'Enabled' } });
    kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
    const result = await run();
    expect(kms.commandCalls(DescribeKeyCommand)[0].args[0].input).toEqual({ KeyId: `alias/${BUCKET}` });
    expect(kms.commandCalls(CreateKeyCommand)).toHaveLength(0);
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
    expect(dynamodb.commandCalls(CreateTableCommand)[0].args[0].input.SSESpecification).toEqual({ Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN });
    expect(result.existed).toEqual([`S3 bucket ${BUCKET}`, `KMS key alias/${BUCKET}`]);
  });

  it('a lock table keyed otherwise is refused: terraform could not lock with it', async () => {
    everythingExists();
    dynamodb.on(DescribeTableCommand).resolves({ Table: { ...ACTIVE_TABLE, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] } });
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).message).toBe(`bootstrapping the backend: DynamoDB table ${TABLE} exists but its key is id (S): terraform locks with a LockID string hash key only`);
  });
});

describe('failures are one line', () => {
  it('a bucket name another account owns', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('Forbidden', 403));
    s3.on(HeadBucketCommand).rejects(s3Error('UnknownError', 403));
    dynamodb.on(DescribeTableCommand).rejects(dynamoError('ResourceNotFoundException'));
    const error = (await run().catch((e: unknown) => e)) as AwsCallError;
    expect(error.message).toMatch(new RegExp(`^bootstrapping the backend: S3 bucket ${BUCKET} exists but the default credential chain .* may not use it \\(HTTP 403\\): it may belong to another AWS account$`));
    expect(kms.calls()).toHaveLength(0);
  });

  it('BucketAlreadyExists on create', async () => {
    nothingExists();
    s3.on(CreateBucketCommand).rejects(s3Error('BucketAlreadyExists', 409));
    const error = (await run().catch((e: unknown) => e)) as AwsCallError;
    expect(error.message).toBe(`bootstrapping the backend: S3 bucket name ${BUCKET} is taken by another AWS account`);
    expect(error.hint).toContain('choose another terraform.backend.s3.bucket');
  });

  it('access denied names the action, the resource and who asked', async () => {
    nothingExists();
    s3.on(CreateBucketCommand).rejects(s3Error('AccessDenied', 403));
    const error = (await run().catch((e: unknown) => e)) as AwsCallError;
    expect(error.message).toContain(`bootstrapping the backend: creating the state bucket ${BUCKET} (s3://${BUCKET} in us-east-1`);
    expect(error.message).toContain(`is not allowed s3:CreateBucket on s3://${BUCKET} (AccessDenied)`);
  });

  it('a key pending deletion is refused with the command that cancels it', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    dynamodb.on(DescribeTableCommand).rejects(dynamoError('ResourceNotFoundException'));
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, KeyState: 'PendingDeletion' } });
    const error = (await run().catch((e: unknown) => e)) as AwsCallError;
    expect(error.message).toBe(`bootstrapping the backend: KMS key alias/${BUCKET} exists but is PendingDeletion: state encrypted with it could not be read`);
    expect(error.hint).toContain(`aws kms cancel-key-deletion --key-id ${KEY_ID}`);
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
  });
});

describe('isUnsupported', () => {
  it.each([['NotImplemented', 501], ['UnknownOperationException', 400], ['UnsupportedOperation', 400], ['InvalidAction', 400], ['Whatever', 501]])('%s (%d)', (name, status) => {
    expect(isUnsupported(s3Error(name, status))).toBe(true);
  });
  it('other errors and plain errors are not', () => {
    expect(isUnsupported(s3Error('AccessDenied', 403))).toBe(false);
    expect(isUnsupported(new Error('NotImplemented'))).toBe(false);
  });
});

describe('the backends of a stack', () => {
  const STACK = 'stacks/orgs/plat/shared/us-east-1.yaml';
  const ROLE = 'arn:aws:iam::444444444444:role/backend-access';
  const files = (backend: string, extra = '') => ({
    'atmos.yaml': 'components:\n  terraform:\n    base_path: components/terraform\nstacks:\n  base_path: stacks\n  included_paths: ["orgs/**/*"]\n  name_pattern: "{stage}-{environment}"\n',
    [STACK]: `vars:\n  stage: shared\n  environment: use1\nterraform:\n  backend_type: s3\n  backend:\n    s3:\n${backend}components:\n  terraform:\n    tfstate-backend:\n      backend:\n        s3:\n          assume_role: !unset\n    dns: {}\n${extra}`,
    'components/terraform/tfstate-backend/main.tf': '',
    'components/terraform/dns/main.tf': '',
  });

  it('instances sharing a bucket and table are one backend, reached with the shortest role chain', () => {
    const resolved = resolveFixture(files(`      bucket: ${BUCKET}\n      dynamodb_table: ${TABLE}\n      region: us-east-1\n      assume_role:\n        role_arn: ${ROLE}\n`));
    const { backends, localComponents } = stackBackends(resolved, 'shared-use1', ENV);
    expect(localComponents).toEqual([]);
    expect(backends).toHaveLength(1);
    expect(backends[0]).toMatchObject({ bucket: BUCKET, table: TABLE, region: 'us-east-1', components: ['dns', 'tfstate-backend'], credentialsOf: 'tfstate-backend' });
    expect(backends[0].target.roles).toEqual([]);
  });

  it('mistakes are one-line errors naming the setting and the manifest', () => {
    expect(userError(() => stackBackends(resolveFixture(files('      region: us-east-1\n')), 'shared-use1', ENV)).message)
      .toBe("terraform.backend.s3.bucket of the s3 backend of 'tfstate-backend' in stack 'shared-use1' is not set: there is no bucket to bootstrap");
    expect(userError(() => stackBackends(resolveFixture(files('      bucket: Not_Valid\n')), 'shared-use1', ENV)).message)
      .toContain('"Not_Valid" is not a valid S3 bucket name');
    expect(userError(() => stackBackends(resolveFixture(files(`      bucket: ${BUCKET}\n`)), 'nope', ENV)).message).toBe("stack 'nope' does not exist");
    expect(userError(() => stackBackends(resolveFixture(files(`      bucket: ${BUCKET}\n`)), 'shared-use1', ENV, 'vpc')).message).toBe("component 'vpc' is not deployed in stack 'shared-use1'");
    const gcs = { ...files(''), [STACK]: 'vars:\n  stage: shared\n  environment: use1\nterraform:\n  backend_type: gcs\n  backend:\n    gcs: {bucket: b}\ncomponents:\n  terraform:\n    dns: {}\n' };
    expect(userError(() => stackBackends(resolveFixture(gcs), 'shared-use1', ENV)).message).toBe(`'dns' in stack 'shared-use1' keeps its state in a "gcs" backend: bootstrap creates s3 backends only`);
  });

  it('instances with local state need no backend', () => {
    const local = { ...files(''), [STACK]: 'vars:\n  stage: shared\n  environment: use1\ncomponents:\n  terraform:\n    dns: {}\n' };
    expect(stackBackends(resolveFixture(local), 'shared-use1', ENV)).toEqual({ backends: [], localComponents: ['dns'] });
  });
});
