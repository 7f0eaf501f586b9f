/** The s3 backend block read as terraform 1.11 reads it (and Atmos's legacy role_arn), wrong types refused. */
import { AtmosUserError } from '../errors/user-error';
import { backendTarget, parseGoDuration } from './backend-target';
import { chainKey, describeIdentity } from './target';

const OWNER = { owner: "the s3 backend of 'vpc' in stack 'dev-use1'", file: '/repo/stacks/orgs/plat/dev/us-east-1.yaml' };
const ROLE = 'arn:aws:iam::444444444444:role/backend-access';
const target = (config: Record<string, unknown>, env: Record<string, string | undefined> = {}) => backendTarget({ bucket: 'b', ...config }, OWNER, env);

function problem(config: Record<string, unknown>): AtmosUserError {
  try {
    target(config);
  } catch (error) {
    expect(error).toBeInstanceOf(AtmosUserError);
    expect((error as AtmosUserError).location).toEqual({ file: OWNER.file });
    return error as AtmosUserError;
  }
  throw new Error('expected an error');
}

describe('backendTarget', () => {
  it('the assume_role block: every setting terraform sends to STS', () => {
    expect(target({
      region: 'us-west-2',
      assume_role: { role_arn: ROLE, external_id: 'x', session_name: 'ci-run', duration: '1h30m', tags: { Team: 'platform', Cost: 42 }, transitive_tag_keys: ['Team'], policy: '{}', policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], source_identity: 'me' },
    }).roles).toEqual([{
      roleArn: ROLE, externalId: 'x', sessionName: 'ci-run', durationSeconds: 5400, tags: { Team: 'platform', Cost: '42' }, transitiveTagKeys: ['Team'],
      policy: '{}', policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], sourceIdentity: 'me', setting: 'terraform.backend.s3.assume_role.role_arn',
    }]);
  });

  it('the legacy top-level role_arn form, as Atmos reads it; the block wins when both are there', () => {
    expect(target({ role_arn: ROLE, external_id: 'e', session_name: 'legacy', assume_role_duration_seconds: 900 }).roles).toEqual([
      expect.objectContaining({ roleArn: ROLE, externalId: 'e', sessionName: 'legacy', durationSeconds: 900, setting: 'terraform.backend.s3.role_arn' }),
    ]);
    expect(target({ role_arn: 'arn:aws:iam::111111111111:role/old', assume_role: { role_arn: ROLE } }).roles.map((r) => r.roleArn)).toEqual([ROLE]);
  });

  it('endpoints: endpoints.{s3,sts,dynamodb}, then the older endpoint/sts_endpoint, then AWS_ENDPOINT_URL_*', () => {
    expect(target({ endpoints: { s3: 'http://127.0.0.1:1', sts: 'http://127.0.0.1:2' }, endpoint: 'http://127.0.0.1:9' }).endpoints).toEqual({ s3: 'http://127.0.0.1:1', sts: 'http://127.0.0.1:2', dynamodb: undefined });
    expect(target({ endpoint: 'http://127.0.0.1:3', sts_endpoint: 'http://127.0.0.1:4' }).endpoints).toMatchObject({ s3: 'http://127.0.0.1:3', sts: 'http://127.0.0.1:4' });
    expect(target({}, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:6' }).endpoints).toMatchObject({ s3: 'http://127.0.0.1:5', sts: 'http://127.0.0.1:6' });
    expect(target({ use_path_style: true }).forcePathStyle).toBe(true);
    expect(target({ force_path_style: 'true' }).forcePathStyle).toBe(true);
  });

  it('region from the backend, else AWS_REGION / AWS_DEFAULT_REGION', () => {
    expect(target({ region: 'eu-west-1' }, { AWS_REGION: 'us-east-2' }).region).toBe('eu-west-1');
    expect(target({}, { AWS_DEFAULT_REGION: 'us-east-2' }).region).toBe('us-east-2');
  });

  it('the first hop: keys in the backend, or a profile with its files', () => {
    expect(target({ access_key: 'AKIA1', secret_key: 's', token: 't' }).staticKeys).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: 't' });
    expect(target({ profile: 'plat-dev', shared_config_files: ['/c'], shared_credentials_files: ['/k'] })).toMatchObject({ profile: 'plat-dev', sharedConfigFile: '/c', sharedCredentialsFile: '/k' });
    expect(describeIdentity(target({ profile: 'plat-dev', assume_role: { role_arn: ROLE } }), {})).toBe(`role ${ROLE} (account 444444444444), assumed with profile plat-dev (terraform.backend.s3.profile)`);
    expect(describeIdentity(target({ access_key: 'AKIA1', secret_key: 's' }), {})).toBe('the access_key written in terraform.backend.s3');
  });

  it('different role settings are different credential chains', () => {
    const a = target({ assume_role: { role_arn: ROLE, external_id: 'one' } });
    const b = target({ assume_role: { role_arn: ROLE, external_id: 'two' } });
    expect(chainKey(a)).not.toBe(chainKey(b));
    expect(chainKey(a)).toBe(chainKey(target({ assume_role: { role_arn: ROLE, external_id: 'one' } })));
    expect(chainKey(a, 0)).toBe(chainKey(b, 0));
    expect(chainKey(a)).not.toContain('one');
  });

  it('mistakes are manifest errors naming the setting', () => {
    expect(problem({ assume_role: { external_id: 'x' } }).message).toBe("terraform.backend.s3.assume_role.role_arn of the s3 backend of 'vpc' in stack 'dev-use1' is required in an assume_role block");
    expect(problem({ assume_role: { role_arn: 'backend-access' } }).message).toContain('must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), not "backend-access"');
    expect(problem({ assume_role: { role_arn: ROLE, duration: '10m' } }).message).toContain('assume_role.duration of the s3 backend');
    expect(problem({ assume_role: { role_arn: ROLE, duration: 'soon' } }).message).toContain('must be a duration such as "1h" or "15m", not "soon"');
    expect(problem({ assume_role: { role_arn: ROLE, session_name: 'has space' } }).message).toContain("STS's rule");
    expect(problem({ assume_role: { role_arn: ROLE, tags: ['a'] } }).message).toContain('assume_role.tags of the s3 backend');
    expect(problem({ assume_role: 'arn' }).message).toContain('terraform.backend.s3.assume_role of the s3 backend');
    expect(problem({ access_key: 'AKIA1' }).message).toContain('secret_key');
    expect(problem({ shared_config_files: ['/a', '/b'] }).message).toContain('lists 2 files');
    expect(problem({ assume_role_with_web_identity: { role_arn: ROLE } }).message).toContain('is not supported for the plugin\'s own reads');
    expect(problem({ region: 7 }).message).toContain('terraform.backend.s3.region of the s3 backend');
  });

  it('an empty assume_role block is no role (as terraform ignores it)', () => {
    expect(target({ assume_role: {} }).roles).toEqual([]);
    expect(target({ assume_role: null }).roles).toEqual([]);
  });
});

describe('parseGoDuration', () => {
  it.each([['1h', 3600], ['15m', 900], ['1h30m', 5400], ['900s', 900], ['2h0m0s', 7200], ['1.5h', 5400]])('%s = %d s', (text, seconds) => {
    expect(parseGoDuration(text)).toBe(seconds);
  });
  it.each(['', 'h', '10', '1d', '5 m', '1m1h'])('%j is not a duration', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});
