/**
 * The AWS target of a store in atmos.yaml, with the options Atmos v1.226.1 reads for
 * `aws-ssm-parameter-store`: `region`, `endpoint` / `endpoint_url`, and `read_role_arn` /
 * `write_role_arn` (assumed with session name `atmos-ssm-session`, as Atmos names it, so a trust
 * policy written for Atmos matches). `${{ ssm:/path }}` outside a store reads with the ambient
 * identity in the instance's region.
 */
import type { StoreConfig } from '../config/types';
import { SettingsReader } from './backend-target';
import type { AwsTarget } from './target';

/** Atmos's session name for store roles. */
export const STORE_SESSION_NAME = 'atmos-ssm-session';

export function storeTarget(
  name: string,
  store: StoreConfig,
  access: 'read' | 'write',
  fallbackRegion: string,
  env: Record<string, string | undefined>,
  configFile?: string,
): AwsTarget {
  const prefix = `stores.${name}.options`;
  const read = new SettingsReader(store.options, prefix, { owner: `store '${name}'`, file: configFile });
  const roleKey = `${access}_role_arn`;
  const roleArn = read.string(roleKey);
  if (roleArn !== undefined && !/^arn:[^:]+:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw read.error(roleKey, `must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), not ${JSON.stringify(roleArn)}`, `fix ${prefix}.${roleKey} in atmos.yaml`);
  }
  return {
    region: read.string('region') ?? fallbackRegion,
    endpoints: {
      ssm: read.string('endpoint') ?? read.string('endpoint_url') ?? env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL,
      sts: env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL,
    },
    forcePathStyle: false,
    roles: roleArn === undefined ? [] : [{ roleArn, sessionName: STORE_SESSION_NAME, setting: `${prefix}.${roleKey}` }],
    owner: `store '${name}'`,
    file: configFile,
    settingPrefix: prefix,
    roleSetting: `${prefix}.${roleKey}`,
  };
}

/** `${{ ssm:/path }}`: no store, so no role; the instance's region and the SDK's endpoint variables. */
export function inlineSsmTarget(region: string, owner: string, env: Record<string, string | undefined>, file?: string): AwsTarget {
  return {
    region,
    endpoints: { ssm: env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL, sts: env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL },
    forcePathStyle: false,
    roles: [],
    owner,
    file,
    settingPrefix: '',
  };
}
