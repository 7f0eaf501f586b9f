/**
 * The S3 backends a stack's instances keep their state in, read from each instance's merged
 * `terraform.backend.s3` (the settings terraform gets): the bucket, the lock table, the region,
 * the endpoints and the credentials. Instances that share a bucket and table share one backend,
 * so bootstrapping a stack creates each physical backend once.
 */
import { backendTarget, SettingsReader } from '../aws/backend-target';
import type { AwsTarget } from '../aws/target';
import { AtmosUserError } from '../errors/user-error';
import type { ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { stackNotFound } from '../cli/find-instance';

export interface StateBackend {
  bucket: string;
  /** `dynamodb_table`; absent when the backend locks with `use_lockfile` (or not at all). */
  table?: string;
  /** `use_lockfile: true`: terraform >= 1.10 locks with an object in the bucket. */
  lockfile: boolean;
  region: string;
  /** Region, endpoints and credentials of the calls, as terraform makes them for this backend. */
  target: AwsTarget;
  /** The instances keeping their state here, e.g. `tfstate-backend`, `dns`. */
  components: string[];
  /** The component whose backend settings (credentials) the calls use. */
  credentialsOf: string;
}

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/**
 * The backends of `stack` (of one component with `component`). Not an s3 backend, a missing
 * bucket or a bad name is a one-line error naming the manifest and the setting.
 */
export interface StackBackends {
  backends: StateBackend[];
  /** Instances keeping their state locally (`backend_type: local`, or none): nothing to create for them. */
  localComponents: string[];
}

export function stackBackends(resolved: ResolvedStacks, stack: string, env: Record<string, string | undefined>, component?: string): StackBackends {
  const all = resolved.instances.filter((i) => i.stack === stack);
  if (all.length === 0) throw stackNotFound(stack, resolved);
  const deployed = all.filter((i) => !i.abstract && i.enabled && (!component || i.component === component));
  if (component && deployed.length === 0) {
    throw new AtmosUserError('COMPONENT_NOT_FOUND', `component '${component}' is not deployed in stack '${stack}'`, undefined,
      `components in '${stack}': ${all.filter((i) => !i.abstract).map((i) => i.component).sort().join(', ')}`);
  }
  const other = deployed.find((i) => !['s3', 'local', ''].includes(i.sections.backendType));
  if (other) {
    throw new AtmosUserError('CONFIG_INVALID', `'${other.component}' in stack '${stack}' keeps its state in a "${other.sections.backendType}" backend: bootstrap creates s3 backends only`, { file: other.manifestFile },
      `create that backend with its own tools, or use backend_type: s3`);
  }
  const s3 = deployed.filter((i) => i.sections.backendType === 's3');
  const byBackend = new Map<string, Array<{ instance: ComponentInstance; backend: StateBackend }>>();
  for (const instance of s3) {
    const backend = readBackend(instance, env);
    const key = [backend.bucket, backend.region, backend.target.endpoints.s3 ?? '', backend.table ?? '', backend.target.endpoints.dynamodb ?? ''].join('\0');
    byBackend.set(key, [...(byBackend.get(key) ?? []), { instance, backend }]);
  }
  const backends = [...byBackend.values()].map((users) => {
    // Instances of one backend may reach it differently (the reference's tfstate-backend uses the
    // shared account's own credentials, the others the backend access role that it creates): the
    // shortest role chain is the one that works before the backend's own roles exist.
    const chosen = [...users].sort((a, b) => a.backend.target.roles.length - b.backend.target.roles.length || a.instance.component.localeCompare(b.instance.component))[0];
    return { ...chosen.backend, components: users.map((u) => u.instance.component).sort(), credentialsOf: chosen.instance.component };
  });
  return { backends, localComponents: deployed.filter((i) => i.sections.backendType !== 's3').map((i) => i.component).sort() };
}

function readBackend(instance: ComponentInstance, env: Record<string, string | undefined>): StateBackend {
  const config = instance.sections.backend;
  const owner = { owner: `the s3 backend of '${instance.component}' in stack '${instance.stack}'`, file: instance.manifestFile };
  const target = backendTarget(config, owner, env, instance.sections.env);
  const read = new SettingsReader(config, 'terraform.backend.s3', owner);
  const bucket = read.string('bucket');
  if (bucket === undefined) throw read.error('bucket', 'is not set: there is no bucket to bootstrap', 'set terraform.backend.s3.bucket in the stack or the defaults it imports');
  if (!BUCKET_NAME.test(bucket)) {
    throw read.error('bucket', `${JSON.stringify(bucket)} is not a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)`);
  }
  const table = read.string('dynamodb_table');
  if (table !== undefined && !TABLE_NAME.test(table)) {
    throw read.error('dynamodb_table', `${JSON.stringify(table)} is not a valid DynamoDB table name (3-255 letters, digits, _ . -)`);
  }
  return { bucket, table, lockfile: read.boolean('use_lockfile') ?? false, region: target.region, target, components: [instance.component], credentialsOf: instance.component };
}
