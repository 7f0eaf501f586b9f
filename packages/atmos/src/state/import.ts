/**
 * `nx run <project>:import --address=<resource address> --id=<provider ID>`: terraform import
 * with the instance's generated varfile and backend, in its workdir and workspace. A held state
 * lock refuses it in one line (terraform takes the lock itself: a DynamoDB lock, an S3 lock file
 * or a local lock all end in its "Error acquiring the state lock"), with the force-unlock command
 * for a lock whose run is gone. `import {}` blocks need nothing of this: plan and apply run them.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { awsClients } from '../aws/clients';
import { AtmosUserError } from '../errors/user-error';
import type { LockHolder } from '../terraform/lock-error';
import type { TerraformResult } from '../terraform/process';
import type { InstanceRunRequest } from '../terraform/run';
import { readS3Text } from './backup';
import { instanceStateLocation, type S3StateLocation } from './location';

export interface ImportRequest {
  /** The resource address in the configuration, e.g. `aws_s3_bucket.state` or `module.x.aws_vpc.this[0]`. */
  address?: string;
  /** The provider's ID of the existing object. */
  id?: string;
}

export async function importResource(
  request: InstanceRunRequest,
  varfile: string,
  lockArgs: string[],
  tf: (args: string[]) => Promise<TerraformResult>,
): Promise<TerraformResult> {
  const { address, id } = checkImport(request);
  // Terraform's positional arguments come last: ADDR ID.
  return tf(['import', '-input=false', `-var-file=${varfile}`, ...lockArgs, ...request.args, address, id]);
}

/** Both arguments, or a one-line error naming the command to type. */
export function checkImport(request: Pick<InstanceRunRequest, 'import' | 'instance' | 'commandLine'>): { address: string; id: string } {
  const address = request.import?.address?.trim();
  const id = request.import?.id;
  const where = `'${request.instance.component}' in stack '${request.instance.stack}'`;
  const example = `${request.commandLine?.({ command: 'import' }) ?? 'nx run <project>:import'} --address=terraform_data.example --id=<id>`;
  if (!address || !id) {
    throw new AtmosUserError('USAGE', `import into ${where} needs ${!address && !id ? '--address and --id' : !address ? '--address' : '--id'}`, undefined,
      `name the resource address in the configuration and the provider's ID of the existing object: ${example}`);
  }
  if (address.startsWith('-') || /\s/.test(address)) {
    throw new AtmosUserError('USAGE', `import into ${where}: --address=${address} is not a resource address`, undefined,
      `write the address as in the configuration (terraform_data.example, module.net.aws_vpc.this[0]): ${example}`);
  }
  return { address, id };
}

/** The held lock, in one line: import refused, nothing imported, how to wait and how to release a dead run's lock. */
export function explainImportLock(holder: LockHolder, request: InstanceRunRequest, log: (line: string) => void): void {
  const refusal = lockRefusal(holder, request);
  log(`error: ${refusal.message}`);
  log(`  hint: ${refusal.hint}`);
}

function lockRefusal(holder: LockHolder, request: Pick<InstanceRunRequest, 'instance' | 'commandLine'>): AtmosUserError {
  const by = holder.who ? ` (${holder.who}${holder.operation ? `, ${holder.operation}` : ''})` : '';
  const unlock = holder.id ? `; if that run is gone for good: ${request.commandLine!({ command: 'terraform', terraform: ['force-unlock', '-force', holder.id] })}` : '';
  return new AtmosUserError('USAGE', `import into '${request.instance.component}' in stack '${request.instance.stack}' refused: its state is locked by another run${by}; nothing was imported`,
    undefined, `wait for that run to finish and import again (--lockTimeout=5m waits for the lock)${unlock}`);
}

/**
 * Refuses before terraform starts (its init and workspace selection would meet the lock first,
 * with a longer message) when the s3 backend's lock is held: the DynamoDB item `<bucket>/<key>`
 * (dynamodb_table) or the `<key>.tflock` object (use_lockfile). Only a first look: when the lock
 * cannot be read (no dynamodb:GetItem, a local backend), terraform's own lock check decides.
 * With --lockTimeout, terraform waits for the lock instead.
 */
export async function refuseWhileLocked(request: InstanceRunRequest): Promise<void> {
  if (request.lockTimeout) return;
  let location;
  try {
    location = instanceStateLocation(request.instance, request.workspaceRoot, request.env ?? process.env);
  } catch {
    return;
  }
  if (location.kind !== 's3') return;
  const holder = await heldS3Lock(location, request.env ?? process.env).catch(() => undefined);
  if (holder) throw lockRefusal(holder, request);
}

async function heldS3Lock(location: S3StateLocation, env: Record<string, string | undefined>): Promise<LockHolder | undefined> {
  const table = location.config.dynamodb_table;
  if (typeof table === 'string' && table !== '') {
    const dynamodb = await awsClients(env).dynamodb(location.target);
    const item = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: `${location.bucket}/${location.key}` } }, ConsistentRead: true }));
    const info = item.Item?.Info?.S;
    if (info !== undefined) return holderOf(info);
  }
  if (location.config.use_lockfile === true) {
    const text = await readS3Text({ ...location, key: `${location.key}.tflock` }, env);
    if (text !== undefined) return holderOf(text);
  }
  return undefined;
}

/** Terraform's lock info JSON ({ID, Operation, Who, ...}); any lock record counts, even one we cannot read. */
function holderOf(text: string): LockHolder {
  try {
    const info = JSON.parse(text) as { ID?: string; Who?: string; Operation?: string };
    return { id: info.ID, who: info.Who, operation: info.Operation };
  } catch {
    return {};
  }
}
