/**
 * What a user reads when a state read fails at AWS: readState (src/terraform/state.ts) over a
 * fixture instance whose s3 backend reaches the state through a role. S3's answers come from
 * aws-sdk-client-mock; missing credentials and an unreachable endpoint are real (an empty
 * credential chain, a closed loopback port).
 */
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { closeStateClients, readState } from '../terraform/state';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import type { ComponentInstance } from '../stacks/types';
import { AwsCallError } from './errors';
import { startStsServer, type RunningStsServer } from '../../../../e2e/harness/sts-server';

const ROLE = 'arn:aws:iam::111111111111:role/plat-shared-tfstate-access';
const MANIFEST = 'stacks/orgs/plat/ue1/dev.yaml';

function instanceWithBackend(backend: string): ComponentInstance {
  const resolved = resolveFixture({
    [MANIFEST]: `vars:\n  tenant: plat\n  environment: ue1\n  stage: dev\nterraform:\n  backend_type: s3\n  backend:\n    s3:\n${backend}components:\n  terraform:\n    vpc:\n      vars: {}\n`,
    'components/terraform/vpc/main.tf': '',
  });
  return resolved.instances.find((i) => i.component === 'vpc')!;
}

const WITH_ROLE = '      bucket: tfstate\n      region: us-east-1\n      assume_role:\n        role_arn: ' + ROLE + '\n        external_id: ext-secret-42\n';
const WITHOUT_ROLE = '      bucket: tfstate\n      region: eu-west-1\n';

/** Keys for the mocked S3 cases (the mock answers first); STS (who is the caller?) is the harness's, in process. */
const ENV: Record<string, string | undefined> = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY', AWS_SECRET_ACCESS_KEY: 'example-secret', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' };
let sts: RunningStsServer;
beforeAll(async () => {
  sts = await startStsServer();
  ENV.AWS_ENDPOINT_URL_STS = sts.endpoint;
});
afterAll(() => sts.close());

async function failure(instance: ComponentInstance, env: Record<string, string | undefined> = ENV): Promise<AwsCallError> {
  const error = await readState(instance, '/repo', env).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  return error as AwsCallError;
}

function serviceError(name: string, status: number, message: string): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

afterEach(() => closeStateClients());
afterAll(removeFixtures);

describe('state reads: AWS answers that are user situations', () => {
  const s3 = mockClient(S3Client);
  const saved = { ...process.env };
  beforeEach(() => {
    // The credential chain reads the process environment: the same keys as ENV, nothing from ~/.aws.
    Object.assign(process.env, ENV, { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' });
    sts.calls.length = 0;
  });
  afterEach(() => {
    s3.reset();
    process.env = { ...saved };
  });
  afterAll(() => s3.restore());

  it('AccessDenied names the role and its account, the action, the object and the setting to change', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403, 'Access Denied'));
    const instance = instanceWithBackend(WITH_ROLE);
    const error = await failure(instance);
    expect(error.message).toBe(
      "reading the state of 'vpc' in stack 'plat-ue1-dev' (s3://tfstate/vpc/plat-ue1-dev/terraform.tfstate in us-east-1, AWS's s3 endpoint in us-east-1): " +
      `role ${ROLE} (account 111111111111), assumed with the default credential chain (AWS_ACCESS_KEY_ID from the environment) is not allowed s3:GetObject on s3://tfstate/vpc/plat-ue1-dev/terraform.tfstate (AccessDenied)`);
    expect(error.hint).toBe(`grant s3:GetObject on s3://tfstate/vpc/plat-ue1-dev/terraform.tfstate to ${ROLE}, or set terraform.backend.s3.assume_role.role_arn in ${instance.manifestFile} to a role that has it`);
    expect(error.location).toEqual({ file: instance.manifestFile });
    expect(error.kind).toBe('access-denied');
    expect(`${error.message}${error.hint}`).not.toMatch(/AKIAEXAMPLEKEY|example-secret|ext-secret-42/);
  });

  it('AccessDenied without a role says to set the backend access role', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403, 'Access Denied'));
    const error = await failure(instanceWithBackend(WITHOUT_ROLE));
    // No role: the account comes from STS GetCallerIdentity.
    expect(error.message).toContain('the default credential chain (AWS_ACCESS_KEY_ID from the environment) in account 000000000000 is not allowed s3:GetObject on s3://tfstate/vpc/plat-ue1-dev/terraform.tfstate (AccessDenied)');
    expect(sts.calls.map((c) => [c.action, c.callerAccessKeyId])).toEqual([['GetCallerIdentity', 'AKIAEXAMPLEKEY']]);
    expect(error.hint).toBe("set terraform.backend.s3.assume_role.role_arn to a role that may s3:GetObject (in the seed's layout: the backend access role), or use credentials that may");
  });

  it('a KMS denial (encrypted state) says kms:Decrypt is needed too', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403, 'User is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext'));
    const error = await failure(instanceWithBackend(WITH_ROLE));
    expect(error.hint).toMatch(/; the value is KMS-encrypted: kms:Decrypt on its key is needed too$/);
  });

  it('an expired token says so and how to refresh', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('ExpiredToken', 400, 'The provided token has expired.'));
    const error = await failure(instanceWithBackend(WITH_ROLE));
    expect(error.message).toMatch(/: the credentials of role arn:aws:iam::111111111111:role\/plat-shared-tfstate-access \(account 111111111111\), .* have expired \(ExpiredToken\)$/);
    expect(error.hint).toContain('aws sso login');
  });

  it('keys the endpoint does not know (InvalidAccessKeyId)', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.'));
    const error = await failure(instanceWithBackend(WITHOUT_ROLE));
    expect(error.message).toMatch(/s3 at AWS's s3 endpoint in eu-west-1 does not accept the credentials of the default credential chain .* \(InvalidAccessKeyId\)$/);
    expect(error.hint).toContain('terraform.backend.s3.assume_role.role_arn');
  });

  it('a missing state object or bucket is "never applied", not an error', async () => {
    s3.on(GetObjectCommand).rejectsOnce(serviceError('NoSuchKey', 404, 'no key')).rejectsOnce(serviceError('NoSuchBucket', 404, 'no bucket'));
    await expect(readState(instanceWithBackend(WITHOUT_ROLE), '/repo', ENV)).resolves.toBeUndefined();
    await expect(readState(instanceWithBackend(WITHOUT_ROLE), '/repo', ENV)).resolves.toBeUndefined();
  });

  it('a bug of ours (not an AWS answer) is not dressed up as a user error', async () => {
    s3.on(GetObjectCommand).rejects(new TypeError('x is not a function'));
    await expect(readState(instanceWithBackend(WITHOUT_ROLE), '/repo', ENV)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('state reads: real failures before AWS answers', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('no credentials anywhere: names the chain tried, the region and the endpoint', async () => {
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, { AWS_CONFIG_FILE: join(__dirname, 'no-such-config'), AWS_SHARED_CREDENTIALS_FILE: join(__dirname, 'no-such-credentials'), AWS_EC2_METADATA_DISABLED: 'true' });
    const error = await failure(instanceWithBackend(WITH_ROLE), {});
    expect(error.message).toMatch(/^reading the state of 'vpc' in stack 'plat-ue1-dev' \(s3:\/\/tfstate\/vpc\/plat-ue1-dev\/terraform.tfstate in us-east-1, AWS's s3 endpoint in us-east-1\): no AWS credentials: tried the default credential chain \(AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, AWS_PROFILE .*\): /);
    expect(error.hint).toContain('No AWS credentials');
    expect(error.kind).toBe('no-credentials');
  });

  it('an unreachable endpoint names it', async () => {
    Object.assign(process.env, ENV);
    const error = await failure(instanceWithBackend('      bucket: tfstate\n      region: us-east-1\n      endpoints:\n        s3: http://127.0.0.1:9\n      use_path_style: true\n'));
    expect(error.message).toMatch(/\(s3:\/\/tfstate\/vpc\/plat-ue1-dev\/terraform.tfstate in us-east-1, endpoint http:\/\/127.0.0.1:9\): cannot reach s3 \(ECONNREFUSED\)$/);
    expect(error.hint).toContain('terraform.backend.s3.endpoints.s3');
    expect(error.kind).toBe('unreachable');
  });

  it('an unreachable STS while assuming the role names the role and the STS endpoint', async () => {
    Object.assign(process.env, ENV);
    const error = await failure(instanceWithBackend(WITH_ROLE + '      endpoints:\n        sts: http://127.0.0.1:9\n'));
    expect(error.message).toMatch(/: assuming role arn:aws:iam::111111111111:role\/plat-shared-tfstate-access \(account 111111111111\): cannot reach STS at endpoint http:\/\/127.0.0.1:9 \(ECONNREFUSED\)$/);
  });

  it('a wrong type in the role settings is a manifest error naming the setting', async () => {
    await expect(readState(instanceWithBackend('      bucket: tfstate\n      assume_role:\n        role_arn: [a]\n'), '/repo', ENV)).rejects.toThrow(
      /terraform.backend.s3.assume_role.role_arn of the s3 backend of 'vpc' in stack 'plat-ue1-dev' must be a string, not a list/);
  });
});

describe('the dependency\'s own env section (what terraform runs with for it)', () => {
  it('AWS_PROFILE, config files and endpoints of the component are honoured for its state reads', async () => {
    const { backendTarget } = await import('./backend-target');
    const target = backendTarget({ bucket: 'b', region: 'us-east-1' }, { owner: 'x' }, {},
      { AWS_PROFILE: 'plat-prod-admin', AWS_CONFIG_FILE: '/etc/aws/config', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1', TF_LOG: 'x' });
    expect(target).toMatchObject({ profile: 'plat-prod-admin', profileSetting: 'env.AWS_PROFILE of the component', sharedConfigFile: '/etc/aws/config', region: 'us-east-1', endpoints: { s3: 'http://127.0.0.1:4566' } });
    // The backend's own settings win; keys in the environment win over a profile from the env section.
    expect(backendTarget({ bucket: 'b', profile: 'p' }, { owner: 'x' }, {}, { AWS_PROFILE: 'q' }).profile).toBe('p');
    expect(backendTarget({ bucket: 'b' }, { owner: 'x' }, { AWS_ACCESS_KEY_ID: 'k' }, { AWS_PROFILE: 'q' }).profile).toBeUndefined();
    expect(backendTarget({ bucket: 'b' }, { owner: 'x' }, {}, { AWS_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
  });
});
