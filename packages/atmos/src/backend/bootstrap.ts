/**
 * Backend bootstrap (the seed's "Terraform Backend Architecture" and its "Backend Exists?"
 * branch): creates, with the AWS SDK, what a stack's s3 backend needs before terraform can keep
 * state in it, and nothing else:
 *   - a KMS key with rotation enabled, aliased `alias/<bucket>` (the name tfstate-backend gives it);
 *   - the S3 bucket: versioning, default SSE-KMS with that key (bucket key on), public access
 *     blocked, a bucket policy refusing plain HTTP;
 *   - the DynamoDB lock table: `LockID` string hash key, on demand, encrypted with the key,
 *     point-in-time recovery.
 * What exists already is used as it is: it is looked at, never changed, and a setting it lacks is
 * a warning (the tfstate-backend component sets it once it adopts the bucket and table). Nothing is
 * ever deleted, no object is written, so no state can be lost. A server that does not implement
 * a setting (s3rver, dynalite, MinIO: NotImplemented, UnknownOperationException, ...) gets a
 * warning naming that setting: no setting is ever skipped silently.
 */
import {
  CreateTableCommand, DescribeContinuousBackupsCommand, DescribeTableCommand, UpdateContinuousBackupsCommand, waitUntilTableExists,
  type DescribeContinuousBackupsCommandOutput, type DynamoDBClient, type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, EnableKeyRotationCommand, GetKeyRotationStatusCommand, type GetKeyRotationStatusCommandOutput, type KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand, GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadBucketCommand,
  PutBucketEncryptionCommand, PutBucketPolicyCommand, PutBucketVersioningCommand, PutPublicAccessBlockCommand,
  type GetBucketEncryptionCommandOutput, type GetBucketPolicyCommandOutput, type GetBucketVersioningCommandOutput, type GetPublicAccessBlockCommandOutput, type S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients';
import { AwsCallError, explainAwsError, wantsCallerAccount } from '../aws/errors';
import type { AwsService, AwsTarget } from '../aws/target';
import { AtmosUserError } from '../errors/user-error';
import type { StateBackend } from './backends';

export interface BootstrapOptions {
  clients: AwsClients;
  /** Look only: say what would be created, create nothing. */
  dryRun?: boolean;
  /** One line of progress ("created S3 bucket ..."). */
  log: (line: string) => void;
  /** One warning (a setting not applied or not checked), without the "warning: " prefix. */
  warn: (line: string) => void;
  /** How long to wait for a new table to become ACTIVE. */
  tableWaitSeconds?: number;
}

export interface BootstrapResult {
  /** What was created, e.g. `S3 bucket acme-tfstate`. */
  created: string[];
  /** What already existed and was used as it is. */
  existed: string[];
  /** Settings applied to what was created, e.g. `versioning`. */
  applied: string[];
  warnings: string[];
}

/** The answers of a server that does not implement an operation. */
const UNSUPPORTED_CODES = new Set(['NotImplemented', 'UnknownOperationException', 'UnknownOperation', 'UnsupportedOperation', 'UnsupportedOperationException',
  'NotSupported', 'NotSupportedException', 'InvalidAction', 'MethodNotAllowed', 'NotImplementedException']);

export function isUnsupported(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; $fault?: unknown };
  if (e.$metadata === undefined && e.$fault === undefined) return false;
  return UNSUPPORTED_CODES.has(e.Code ?? e.name ?? '') || e.$metadata?.httpStatusCode === 501;
}

const UNSUPPORTED = Symbol('unsupported');
type Answer<T> = T | typeof UNSUPPORTED;
type ServiceClient = S3Client | DynamoDBClient | KMSClient;

interface Key {
  arn: string;
  alias: string;
}

/** The TLS-only policy of the tfstate-backend component (statement DenyInsecureTransport). */
export function tlsOnlyPolicy(bucket: string, region: string): string {
  const arn = `arn:${partition(region)}:s3:::${bucket}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }],
  });
}

function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Bootstraps one backend; an AWS failure that is not "unsupported" stops it with a one-line error. */
export async function bootstrapBackend(backend: StateBackend, options: BootstrapOptions): Promise<BootstrapResult> {
  return new Bootstrap(backend, options).run();
}

class Bootstrap {
  private readonly result: BootstrapResult = { created: [], existed: [], applied: [], warnings: [] };
  private readonly target: AwsTarget;
  private readonly bucket: string;
  /** The alias tfstate-backend gives its key (alias/<label id>, the bucket's name). */
  private readonly alias: string;
  /** null: not looked for yet; undefined: there is no KMS to use. */
  private key: Key | undefined | null = null;

  constructor(private readonly backend: StateBackend, private readonly options: BootstrapOptions) {
    this.target = backend.target;
    this.bucket = backend.bucket;
    this.alias = `alias/${backend.bucket}`;
  }

  async run(): Promise<BootstrapResult> {
    const s3 = await this.options.clients.s3(this.target);
    const dynamodb = this.backend.table ? await this.options.clients.dynamodb(this.target) : undefined;
    // Look at both before creating anything: a bucket name taken by another account must stop
    // the run before a key or a table is made for it.
    const bucketExists = await this.bucketExists(s3);
    const table = dynamodb && this.backend.table ? await this.describeTable(dynamodb, this.backend.table) : undefined;
    if (!this.backend.table) {
      this.warning(this.backend.lockfile
        ? 'no terraform.backend.s3.dynamodb_table: no lock table to create (terraform locks with use_lockfile, an object in the bucket)'
        : 'no terraform.backend.s3.dynamodb_table and no use_lockfile: terraform will not lock this state; set one of them');
    }
    const tableExists = table !== undefined;
    if (this.options.dryRun) {
      this.say(bucketExists ? 'exists' : 'would create', `S3 bucket ${this.bucket}`);
      if (this.backend.table) this.say(tableExists ? 'exists' : 'would create', `DynamoDB table ${this.backend.table}`);
      if (!bucketExists || (this.backend.table && !tableExists)) this.say('would use', `KMS key ${this.alias} (created when missing, rotation enabled)`);
      return this.result;
    }
    if (bucketExists) {
      this.existing(`S3 bucket ${this.bucket}`);
      await this.checkBucket(s3);
    } else {
      const key = await this.ensureKey();
      await this.createBucket(s3, key);
    }
    if (dynamodb && this.backend.table) {
      if (table) {
        this.existing(`DynamoDB table ${this.backend.table}`);
        this.checkLockKey(table, this.backend.table);
        await this.checkTable(dynamodb, table, this.backend.table);
      } else {
        const key = await this.ensureKey();
        await this.createTable(dynamodb, this.backend.table, key);
      }
    }
    return this.result;
  }

  // ---- S3 ----

  private async bucketExists(s3: S3Client): Promise<boolean> {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const name = (error as { name?: string }).name;
      if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') return false;
      if (status === 301) {
        throw this.userError(`S3 bucket ${this.bucket} exists in another region than ${this.backend.region}`,
          'set terraform.backend.s3.region to the bucket\'s region, or choose another bucket name');
      }
      if (status === 403 && name !== 'AccessDenied' && name !== 'Forbidden') {
        throw this.userError(`S3 bucket ${this.bucket} exists but ${this.options.clients.identity(this.target)} may not use it (HTTP 403): it may belong to another AWS account`,
          'bucket names are global: choose another terraform.backend.s3.bucket, or use the credentials of the account that owns it');
      }
      throw await this.explain(error, 's3', 's3:ListBucket', `s3://${this.bucket}`, `looking for the state bucket ${this.bucket}`);
    }
  }

  private async createBucket(s3: S3Client, key: Key | undefined): Promise<void> {
    try {
      await s3.send(new CreateBucketCommand({
        Bucket: this.bucket,
        // ACLs disabled: every state object belongs to the bucket owner, whoever writes it.
        ObjectOwnership: 'BucketOwnerEnforced',
        ...(this.backend.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: this.backend.region as never } }),
      }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'BucketAlreadyOwnedByYou') {
        this.existing(`S3 bucket ${this.bucket}`);
        return;
      }
      if (name === 'BucketAlreadyExists') {
        throw this.userError(`S3 bucket name ${this.bucket} is taken by another AWS account`, 'bucket names are global: choose another terraform.backend.s3.bucket');
      }
      throw await this.explain(error, 's3', 's3:CreateBucket', `s3://${this.bucket}`, `creating the state bucket ${this.bucket}`);
    }
    this.created(`S3 bucket ${this.bucket}`);
    await this.setting(s3, 'versioning (Enabled)', 's3:PutBucketVersioning',
      new PutBucketVersioningCommand({ Bucket: this.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await this.setting(s3, key ? `default encryption (SSE-KMS with ${key.alias}, bucket key)` : 'default encryption (SSE-S3, AES256: no KMS key)', 's3:PutEncryptionConfiguration',
      new PutBucketEncryptionCommand({
        Bucket: this.bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [key
            ? { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.arn }, BucketKeyEnabled: true }
            : { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      }));
    await this.setting(s3, 'public access block (all four settings on)', 's3:PutBucketPublicAccessBlock',
      new PutPublicAccessBlockCommand({
        Bucket: this.bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }));
    await this.setting(s3, 'bucket policy (TLS only: DenyInsecureTransport)', 's3:PutBucketPolicy',
      new PutBucketPolicyCommand({ Bucket: this.bucket, Policy: tlsOnlyPolicy(this.bucket, this.backend.region) }));
  }

  /** An existing bucket is not changed: its missing settings are warnings. */
  private async checkBucket(s3: S3Client): Promise<void> {
    const bucket = `S3 bucket ${this.bucket}`;
    const versioning = await this.look<GetBucketVersioningCommandOutput>(s3, 'versioning', 's3:GetBucketVersioning', new GetBucketVersioningCommand({ Bucket: this.bucket }));
    if (versioning !== UNSUPPORTED && versioning?.Status !== 'Enabled') this.lacks(bucket, `versioning (it is ${versioning?.Status ?? 'off'})`);
    const encryption = await this.look<GetBucketEncryptionCommandOutput>(s3, 'default encryption', 's3:GetEncryptionConfiguration', new GetBucketEncryptionCommand({ Bucket: this.bucket }), ['ServerSideEncryptionConfigurationNotFoundError']);
    const algorithm = encryption === UNSUPPORTED ? undefined : encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    if (encryption !== UNSUPPORTED && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') this.lacks(bucket, `default encryption with a KMS key (it is ${algorithm ?? 'not set'})`);
    const block = await this.look<GetPublicAccessBlockCommandOutput>(s3, 'public access block', 's3:GetBucketPublicAccessBlock', new GetPublicAccessBlockCommand({ Bucket: this.bucket }), ['NoSuchPublicAccessBlockConfiguration']);
    const c = block === UNSUPPORTED ? undefined : block?.PublicAccessBlockConfiguration;
    if (block !== UNSUPPORTED && !(c?.BlockPublicAcls && c.IgnorePublicAcls && c.BlockPublicPolicy && c.RestrictPublicBuckets)) this.lacks(bucket, 'full public access block');
    const policy = await this.look<GetBucketPolicyCommandOutput>(s3, 'bucket policy', 's3:GetBucketPolicy', new GetBucketPolicyCommand({ Bucket: this.bucket }), ['NoSuchBucketPolicy']);
    if (policy !== UNSUPPORTED && !/aws:SecureTransport/.test(policy?.Policy ?? '')) this.lacks(bucket, 'bucket policy refusing plain HTTP (aws:SecureTransport)');
  }

  // ---- DynamoDB ----

  private async describeTable(dynamodb: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
    try {
      return (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw await this.explain(error, 'dynamodb', 'dynamodb:DescribeTable', `table ${table}`, `looking for the lock table ${table}`);
    }
  }

  /** terraform writes `LockID` (a string) items: a table keyed otherwise cannot lock. */
  private checkLockKey(description: TableDescription, table: string): void {
    const hash = description.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const type = description.AttributeDefinitions?.find((a) => a.AttributeName === hash)?.AttributeType;
    if (hash !== 'LockID' || type !== 'S' || (description.KeySchema?.length ?? 0) > 1) {
      throw this.userError(`DynamoDB table ${table} exists but its key is ${hash ?? '?'} (${type ?? '?'})${(description.KeySchema?.length ?? 0) > 1 ? ' with a range key' : ''}: terraform locks with a LockID string hash key only`,
        'point terraform.backend.s3.dynamodb_table at another table name (bootstrap creates it); existing tables are never changed');
    }
  }

  private async createTable(dynamodb: DynamoDBClient, table: string, key: Key | undefined): Promise<void> {
    try {
      await dynamodb.send(new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: key ? { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.arn } : { Enabled: true },
      }));
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceInUseException') {
        this.existing(`DynamoDB table ${table}`);
        return;
      }
      throw await this.explain(error, 'dynamodb', 'dynamodb:CreateTable', `table ${table}`, `creating the lock table ${table}`);
    }
    this.created(`DynamoDB table ${table} (LockID string hash key, on demand)`);
    try {
      await waitUntilTableExists({ client: dynamodb, maxWaitTime: this.options.tableWaitSeconds ?? 300, minDelay: 1, maxDelay: 5 }, { TableName: table });
    } catch (error) {
      throw this.userError(`the lock table ${table} did not become ACTIVE: ${(error as Error).message.split('\n')[0]}`, 'run the bootstrap again (it uses the table once it exists)');
    }
    await this.setting(dynamodb, 'point-in-time recovery', 'dynamodb:UpdateContinuousBackups',
      new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    // A server may accept SSESpecification and ignore it (dynalite does): believe only what it reports.
    const created = await this.describeTable(dynamodb, table);
    if (created?.SSEDescription?.Status === 'ENABLED' || created?.SSEDescription?.Status === 'ENABLING') {
      this.applied(key ? `encryption with ${key.alias}` : 'encryption (AWS managed key)');
    } else {
      this.warning(`encryption of DynamoDB table ${table} not applied: ${this.endpoint('dynamodb')} accepted SSESpecification but reports no encryption (SSEDescription); set it on the table (tfstate-backend does once it adopts it)`);
    }
  }

  private async checkTable(dynamodb: DynamoDBClient, description: TableDescription, table: string): Promise<void> {
    const name = `DynamoDB table ${table}`;
    if (!description.SSEDescription || description.SSEDescription.Status === 'DISABLED') this.lacks(name, 'encryption with a KMS key (it reports no SSEDescription)');
    const backups = await this.look<DescribeContinuousBackupsCommandOutput>(dynamodb, 'point-in-time recovery', 'dynamodb:DescribeContinuousBackups', new DescribeContinuousBackupsCommand({ TableName: table }));
    if (backups !== UNSUPPORTED && backups?.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus !== 'ENABLED') {
      this.lacks(name, 'point-in-time recovery');
    }
  }

  // ---- KMS ----

  /** The key for new resources: `alias/<bucket>` when it exists, else a new key with rotation; undefined when there is no KMS. */
  private async ensureKey(): Promise<Key | undefined> {
    if (this.key !== null) return this.key;
    this.key = await this.findOrCreateKey();
    return this.key;
  }

  private async findOrCreateKey(): Promise<Key | undefined> {
    if (this.target.endpoints.s3 && !this.target.endpoints.kms) {
      // A key in AWS's KMS could not encrypt objects of an S3 server that is not AWS.
      this.warning(`KMS key ${this.alias} not created, so default encryption uses SSE-S3 (AES256) and the lock table AWS's own key: the backend's S3 endpoint ${this.target.endpoints.s3} is not AWS's and no KMS endpoint is set (AWS_ENDPOINT_URL_KMS)`);
      return undefined;
    }
    const kms = await this.options.clients.kms(this.target);
    let existing: { KeyId?: string; Arn?: string; KeyState?: string } | undefined;
    try {
      existing = (await kms.send(new DescribeKeyCommand({ KeyId: this.alias }))).KeyMetadata;
    } catch (error) {
      if (isUnsupported(error)) return this.noKms(error);
      if ((error as { name?: string }).name !== 'NotFoundException') throw await this.explain(error, 'kms', 'kms:DescribeKey', this.alias, `looking for the state key ${this.alias}`);
    }
    if (existing?.Arn && existing.KeyId) {
      if (existing.KeyState !== 'Enabled') {
        throw this.userError(`KMS key ${this.alias} exists but is ${existing.KeyState}: state encrypted with it could not be read`,
          existing.KeyState === 'PendingDeletion' ? `cancel its deletion (aws kms cancel-key-deletion --key-id ${existing.KeyId}) and enable it, then run again` : `enable it (aws kms enable-key --key-id ${existing.KeyId}), then run again`);
      }
      this.existing(`KMS key ${this.alias}`);
      const rotation = await this.look<GetKeyRotationStatusCommandOutput>(kms, 'key rotation', 'kms:GetKeyRotationStatus', new GetKeyRotationStatusCommand({ KeyId: existing.KeyId }));
      if (rotation !== UNSUPPORTED && !rotation?.KeyRotationEnabled) this.lacks(`KMS key ${this.alias}`, 'automatic key rotation');
      return { arn: existing.Arn, alias: this.alias };
    }
    let created: { KeyId?: string; Arn?: string } | undefined;
    try {
      created = (await kms.send(new CreateKeyCommand({
        Description: `Encrypts Terraform state in ${this.bucket}`,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
      }))).KeyMetadata;
    } catch (error) {
      if (isUnsupported(error)) return this.noKms(error);
      throw await this.explain(error, 'kms', 'kms:CreateKey', this.alias, `creating the state key ${this.alias}`);
    }
    if (!created?.KeyId || !created.Arn) throw this.userError(`KMS answered CreateKey without a key id (${this.endpoint('kms')})`, 'check the KMS endpoint (AWS_ENDPOINT_URL_KMS)');
    this.created(`KMS key ${created.KeyId}`);
    await this.setting(kms, 'key rotation', 'kms:EnableKeyRotation', new EnableKeyRotationCommand({ KeyId: created.KeyId }));
    try {
      await kms.send(new CreateAliasCommand({ AliasName: this.alias, TargetKeyId: created.KeyId }));
      this.created(`KMS alias ${this.alias}`);
    } catch (error) {
      throw await this.explain(error, 'kms', 'kms:CreateAlias', this.alias, `naming the state key ${created.KeyId} ${this.alias}`);
    }
    return { arn: created.Arn, alias: this.alias };
  }

  private noKms(error: unknown): undefined {
    this.warning(`KMS key ${this.alias} not created (${this.endpoint('kms')} answered ${codeOf(error)}), so default encryption uses SSE-S3 (AES256) and the lock table AWS's own key`);
    return undefined;
  }

  // ---- one call each ----

  /** Applies a setting to something just created; "not implemented" is a warning naming it. */
  private async setting(client: ServiceClient, what: string, action: string, command: { readonly input: unknown }): Promise<void> {
    try {
      await (client.send as (c: unknown) => Promise<unknown>)(command);
      this.applied(what);
    } catch (error) {
      // A server that does not know the sub-resource may take `PUT /<bucket>?versioning` for
      // CreateBucket (s3rver does): on a bucket just created, that answer means "not implemented".
      const misrouted = serviceOf(action) === 's3' && /^BucketAlready(Exists|OwnedByYou)$/.test((error as { name?: string }).name ?? '');
      if (isUnsupported(error) || misrouted) {
        this.warning(`${what} not applied: ${this.endpoint(serviceOf(action))} answered ${codeOf(error)} to ${operationOf(command)}`);
        return;
      }
      throw await this.explain(error, serviceOf(action), action, this.resourceOf(action), `setting ${what}`);
    }
  }

  /** Reads a setting of something that exists; `absent` codes mean "not set". */
  private async look<T>(client: ServiceClient, what: string, action: string, command: { readonly input: unknown }, absent: string[] = []): Promise<Answer<T | undefined>> {
    try {
      return (await (client.send as (c: unknown) => Promise<unknown>)(command)) as T;
    } catch (error) {
      const name = (error as { name?: string; Code?: string }).Code ?? (error as { name?: string }).name ?? '';
      if (absent.includes(name)) return undefined;
      if (isUnsupported(error)) {
        this.warning(`${what} of the existing ${serviceName(serviceOf(action))} not checked: ${this.endpoint(serviceOf(action))} answered ${codeOf(error)} to ${operationOf(command)}`);
        return UNSUPPORTED;
      }
      throw await this.explain(error, serviceOf(action), action, this.resourceOf(action), `checking the ${what} of ${this.resourceOf(action)}`);
    }
  }

  private resourceOf(action: string): string {
    const service = serviceOf(action);
    if (service === 's3') return `s3://${this.bucket}`;
    if (service === 'dynamodb') return `table ${this.backend.table}`;
    return this.alias;
  }

  private async explain(error: unknown, service: AwsService, action: string, resource: string, purpose: string): Promise<unknown> {
    const callerAccount = wantsCallerAccount(error, this.target) ? await this.options.clients.account(this.target, 0) : undefined;
    return explainAwsError(error, { service, action, resource, purpose: `bootstrapping the backend: ${purpose}`, target: this.target, callerAccount }, this.options.clients.env);
  }

  private userError(problem: string, hint: string): AtmosUserError {
    return new AwsCallError(`bootstrapping the backend: ${problem}`, hint, this.target.file ? { file: this.target.file } : undefined);
  }

  private endpoint(service: AwsService): string {
    const endpoint = this.target.endpoints[service];
    return endpoint ? `${service} at ${endpoint}` : `AWS's ${service} in ${this.target.region}`;
  }

  private say(verb: string, what: string): void {
    this.options.log(`  ${verb.padEnd(12)} ${what}`);
  }

  private created(what: string): void {
    this.result.created.push(what);
    this.say('created', what);
  }

  private existing(what: string): void {
    this.result.existed.push(what);
    this.say('exists', `${what}: used as it is (bootstrap never changes what exists)`);
  }

  private applied(what: string): void {
    this.result.applied.push(what);
    this.say('set', what);
  }

  private lacks(what: string, setting: string): void {
    this.warning(`existing ${what} has no ${setting}: not changed; tfstate-backend sets it once it adopts the ${what.split(' ').slice(0, -1).join(' ')} (see its README), or set it yourself`);
  }

  private warning(text: string): void {
    this.result.warnings.push(text);
    this.options.warn(text);
  }
}

/** The API operation of a command (`PutBucketEncryption`), which a server's answer is about. */
function operationOf(command: object): string {
  return command.constructor.name.replace(/Command$/, '');
}

function serviceOf(action: string): AwsService {
  return action.split(':')[0] as AwsService;
}

function serviceName(service: AwsService): string {
  return service === 's3' ? 'bucket' : service === 'dynamodb' ? 'table' : 'key';
}

function codeOf(error: unknown): string {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return `${e.Code ?? e.name ?? 'an error'}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}`;
}
