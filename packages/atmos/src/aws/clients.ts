/**
 * THE place the plugin builds AWS clients. A client is made for a target (region, endpoint,
 * path style, credential chain) once per run and shared by every call aimed at the same target;
 * its credentials come from `CredentialChains`, so a role is assumed once per run, not per client.
 * With --verbose (or NX_VERBOSE_LOGGING=true, or ATMOS_LOGS_LEVEL=Debug) each client and each
 * role assumption is logged with the role and the account — never a key.
 */
import './node-support';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CredentialChains } from './credentials';
import { explainAwsError } from './errors';
import { awsVerboseLog, isAwsVerbose } from './verbose';
import { accountOfArn, chainKey, describeEndpoint, describeIdentity, describeRole, type AwsService, type AwsTarget } from './target';

export interface AwsClientsOptions {
  env?: Record<string, string | undefined>;
  /** Where --verbose lines go (stderr by default). */
  log?: (line: string) => void;
  verbose?: boolean;
  now?: () => number;
}

/** A connection that cannot be made within this time is an unreachable endpoint, not a hang. */
const CONNECTION_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 60_000;

export class AwsClients {
  readonly env: Record<string, string | undefined>;
  private readonly chains: CredentialChains;
  private readonly clients = new Map<string, AwsServiceClient>();
  private readonly accounts = new Map<string, Promise<string | undefined>>();
  private readonly verbose: boolean;
  private readonly log: (line: string) => void;

  constructor(options: AwsClientsOptions = {}) {
    this.env = options.env ?? process.env;
    this.verbose = options.verbose ?? isAwsVerbose(this.env);
    this.log = options.log ?? awsVerboseLog;
    this.chains = new CredentialChains({
      now: options.now,
      onAssume: (hop, target) => {
        if (!this.verbose) return;
        const index = target.roles.indexOf(hop);
        this.log(`aws: assuming ${describeRole(hop.roleArn)} as ${describeIdentity(target, this.env, index)}` +
          ` (session ${hop.sessionName}${hop.externalId ? ', external_id ***' : ''}, STS ${describeEndpoint(target, 'sts')}) for ${target.owner}`);
      },
    });
  }

  async s3(target: AwsTarget): Promise<S3Client> {
    return this.client('s3', target, () => new S3Client({ ...this.base(target, 's3'), forcePathStyle: target.forcePathStyle }));
  }

  async ssm(target: AwsTarget): Promise<SSMClient> {
    return this.client('ssm', target, () => new SSMClient(this.base(target, 'ssm')));
  }

  /** The lock table's service (backend bootstrap). */
  async dynamodb(target: AwsTarget): Promise<DynamoDBClient> {
    return this.client('dynamodb', target, () => new DynamoDBClient(this.base(target, 'dynamodb')));
  }

  /** The state key's service (backend bootstrap). */
  async kms(target: AwsTarget): Promise<KMSClient> {
    return this.client('kms', target, () => new KMSClient(this.base(target, 'kms')));
  }

  /**
   * The account of the identity after `hops` roles: a role's from its ARN; the first hop's from
   * STS GetCallerIdentity (once per run, best effort: undefined when STS does not answer).
   */
  account(target: AwsTarget, hops = target.roles.length): Promise<string | undefined> {
    if (hops > 0) return Promise.resolve(accountOfArn(target.roles[hops - 1].roleArn));
    const key = chainKey(target, 0);
    let account = this.accounts.get(key);
    if (!account) {
      const sts = new STSClient({
        region: target.region,
        endpoint: target.endpoints.sts,
        credentials: this.chains.provider(target, 0),
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 2_000, requestTimeout: 3_000 },
      });
      account = sts.send(new GetCallerIdentityCommand({})).then((answer) => answer.Account, () => undefined).finally(() => sts.destroy());
      this.accounts.set(key, account);
    }
    return account;
  }

  /**
   * The ARN STS answers for the whole credential chain of `target` (roles assumed): proof that
   * the credentials work. A failure is explained in one line (explainAwsError).
   */
  async callerIdentity(target: AwsTarget, purpose: string): Promise<string> {
    const sts = new STSClient({
      region: target.region,
      endpoint: target.endpoints.sts,
      credentials: this.chains.provider(target),
      maxAttempts: 1,
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: 10_000 },
    });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? 'an identity without an ARN';
    } catch (error) {
      throw explainAwsError(error, { service: 'sts', action: 'sts:GetCallerIdentity', resource: 'the caller identity', purpose, target }, this.env);
    } finally {
      sts.destroy();
    }
  }

  /** Who a call for `target` runs as, in words (for messages). */
  identity(target: AwsTarget): string {
    return describeIdentity(target, this.env);
  }

  /** Closes every client (their sockets would keep a short-lived process alive) and forgets the credentials. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    this.chains.clear();
  }

  private async client<T extends AwsServiceClient>(service: AwsService, target: AwsTarget, make: () => T): Promise<T> {
    const key = [service, target.region, target.endpoints[service] ?? '', target.forcePathStyle, chainKey(target)].join('\0');
    let client = this.clients.get(key) as T | undefined;
    if (!client) {
      client = make();
      this.clients.set(key, client);
      if (this.verbose) {
        // Without a role the account is not in any setting: ask STS who the credentials are.
        const account = target.roles.length === 0 ? await this.account(target, 0) : undefined;
        this.log(`aws: ${service} in ${target.region} (${describeEndpoint(target, service)}) as ${describeIdentity(target, this.env, target.roles.length, account)}, for ${target.owner}`);
      }
    }
    return client;
  }

  private base(target: AwsTarget, service: AwsService) {
    return {
      region: target.region,
      endpoint: target.endpoints[service],
      credentials: this.chains.provider(target),
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    };
  }
}

type AwsServiceClient = S3Client | SSMClient | DynamoDBClient | KMSClient;

let shared: AwsClients | undefined;

/** The clients of this run (one process = one run: an executor, a CLI command). */
export function awsClients(env: Record<string, string | undefined> = process.env): AwsClients {
  shared ??= new AwsClients({ env });
  return shared;
}

/** Ends the run: closes the clients and drops the cached credentials. */
export function closeAwsClients(): void {
  shared?.destroy();
  shared = undefined;
}
