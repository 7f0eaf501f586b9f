/**
 * Where stored plans live, and the names they have there. One instance's objects:
 *
 *     <prefix><stack>/<component>/<fingerprint>.tfplan.bundle   one per planned set of inputs
 *     <prefix><stack>/<component>/applied.json                  the last apply (fingerprint, plan id, time)
 *     <prefix><stack>/<component>/summary-<commit>.json         what the plan made at that commit does (no values)
 *
 * (with the default key_pattern; `applied.json` sits beside wherever the pattern puts bundles).
 * An `aws/s3` store uses the instance's own state bucket unless it names one, with the backend's
 * region, endpoints and credential chain (assume_role included): the plan job and the apply job
 * need no access beyond what terraform itself needs. A `local/dir` store writes 0600 files.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { awsClients } from '../aws/clients';
import { backendTarget } from '../aws/backend-target';
import { explainAwsError, wantsCallerAccount } from '../aws/errors';
import type { AwsTarget } from '../aws/target';
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import { writeAtomically } from '../terraform/files';
import type { PlanfilesSettings } from './config';

export interface StoredObject {
  key: string;
  lastModified?: Date;
}

export interface PlanStore {
  /** `s3://bucket/key` or the file path, for messages. */
  describe(key: string): string;
  get(key: string): Promise<Buffer | undefined>;
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  list(prefix: string): Promise<StoredObject[]>;
  /** The AWS target KMS calls use (the store's region and credentials). */
  awsTarget(): AwsTarget;
}

/** The keys of one instance under a key pattern. */
export class InstanceKeys {
  /** Everything before the fingerprint: bundles of this instance start with it. */
  readonly prefix: string;
  private readonly suffix: string;

  constructor(settings: PlanfilesSettings, stack: string, component: string) {
    const base = settings.store.type === 'aws/s3' ? settings.store.prefix : '';
    const filled = settings.keyPattern.split('{{ .Stack }}').join(stack).split('{{ .Component }}').join(component);
    const [before, after] = filled.split('{{ .Fingerprint }}');
    this.prefix = base + before;
    this.suffix = after;
  }

  bundle(fingerprint: string): string {
    return `${this.prefix}${fingerprint}${this.suffix}`;
  }

  /** The summary of the plans made at one commit (plan jobs split across machines share it), beside the bundles. */
  summary(commit: string): string {
    return `${this.prefix}summary-${commit}.json`;
  }

  /** Beside the bundles (never taken for one: it is not a fingerprint). */
  get applied(): string {
    return `${this.prefix}applied.json`;
  }

  /** The fingerprint of a listed key, when it is a bundle of this instance. */
  fingerprintOf(key: string): string | undefined {
    if (!key.startsWith(this.prefix) || !key.endsWith(this.suffix)) return undefined;
    const middle = key.slice(this.prefix.length, key.length - this.suffix.length);
    return /^[0-9a-f]{64}$/.test(middle) ? middle : undefined;
  }
}

export function openStore(settings: PlanfilesSettings, instance: ComponentInstance, env: Record<string, string | undefined>): PlanStore {
  return settings.store.type === 'local/dir' ? localStore(settings.store.path, instance, env) : s3Store(settings, instance, env);
}

function s3Store(settings: PlanfilesSettings, instance: ComponentInstance, env: Record<string, string | undefined>): PlanStore {
  const store = settings.store as Extract<PlanfilesSettings['store'], { type: 'aws/s3' }>;
  const backend = instance.sections.backendType === 's3' ? instance.sections.backend : undefined;
  const bucket = store.bucket ?? (typeof backend?.bucket === 'string' ? backend.bucket : undefined);
  if (!bucket) {
    throw new AtmosUserError('CONFIG_INVALID',
      `components.terraform.planfiles.stores.${store.name} has no bucket, and '${instance.component}' in stack '${instance.stack}' has no s3 backend bucket to default to`,
      settings.file ? { file: settings.file } : undefined, `set stores.${store.name}.options.bucket`);
  }
  const owner = { owner: `the planfile store ${store.name} of '${instance.component}' in stack '${instance.stack}'`, file: instance.manifestFile };
  let target: AwsTarget | undefined;
  const awsTarget = (): AwsTarget => {
    // The backend's own chain (region, endpoints, profile, assume_role), as terraform reaches the bucket.
    target ??= { ...backendTarget(backend ?? {}, owner, env, instance.sections.env), ...(store.region ? { region: store.region } : {}) };
    if (!target.endpoints.kms && (env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL)) target.endpoints.kms = env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
    return target;
  };
  const fail = async (error: unknown, action: string, key: string, purpose: string): Promise<never> => {
    const t = awsTarget();
    const callerAccount = wantsCallerAccount(error, t) ? await awsClients(env).account(t, 0) : undefined;
    throw explainAwsError(error, { service: 's3', action, resource: `s3://${bucket}/${key}`, purpose, target: t, callerAccount }, env);
  };
  const client = () => awsClients(env).s3(awsTarget());
  return {
    describe: (key) => `s3://${bucket}/${key}`,
    awsTarget,
    async get(key) {
      try {
        const answer = await (await client()).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return answer.Body ? Buffer.from(await answer.Body.transformToByteArray()) : Buffer.alloc(0);
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
        return fail(error, 's3:GetObject', key, `reading the stored plan of '${instance.component}' in stack '${instance.stack}'`);
      }
    },
    async put(key, bytes, contentType) {
      try {
        await (await client()).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
      } catch (error) {
        await fail(error, 's3:PutObject', key, `storing the plan of '${instance.component}' in stack '${instance.stack}'`);
      }
    },
    async list(prefix) {
      const found: StoredObject[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await (await client()).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          for (const object of page.Contents ?? []) if (object.Key) found.push({ key: object.Key, lastModified: object.LastModified });
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchBucket') return [];
        await fail(error, 's3:ListBucket', `${prefix}*`, `listing the stored plans of '${instance.component}' in stack '${instance.stack}'`);
      }
      return found;
    },
  };
}

function localStore(root: string, instance: ComponentInstance, env: Record<string, string | undefined>): PlanStore {
  const path = (key: string) => join(root, ...key.split('/'));
  return {
    describe: path,
    awsTarget: () => backendTarget(instance.sections.backendType === 's3' ? instance.sections.backend : {},
      { owner: `the KMS key of the stored plans of '${instance.component}' in stack '${instance.stack}'`, file: instance.manifestFile }, env, instance.sections.env),
    async get(key) {
      try {
        return readFileSync(path(key));
      } catch {
        return undefined;
      }
    },
    async put(key, bytes) {
      const file = path(key);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeAtomically(file, bytes, root);
    },
    async list(prefix) {
      const folder = dirname(path(prefix + 'x'));
      let entries: string[];
      try {
        entries = readdirSync(folder);
      } catch {
        return [];
      }
      const keyFolder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
      return entries.map((name) => keyFolder + name).filter((key) => key.startsWith(prefix))
        .map((key) => ({ key, lastModified: statSync(path(key)).mtime }));
    },
  };
}
