/**
 * `atmos-nx describe component` when the AWS side is not there: no credentials, an unreachable
 * endpoint. The user reads one line naming the function, the instance and the manifest (with
 * the line), what was tried and what to do — never `internal error` and never a stack trace.
 * Also: the backend's role settings print as written, with their secrets masked.
 */
import { closeStateClients } from '../terraform/state';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { setAwsVerbose } from '../aws/verbose';
import { main } from './main';

jest.setTimeout(30_000);

const ROLE = 'arn:aws:iam::111111111111:role/plat-shared-tfstate-access';
const MANIFEST = 'stacks/orgs/plat/ue1/dev.yaml';

function workspace(backendExtra = ''): string {
  return writeWorkspace({
    [MANIFEST]: [
      'vars:', '  tenant: plat', '  environment: ue1', '  stage: dev',
      'terraform:', '  backend_type: s3', '  backend:', '    s3:', '      bucket: tfstate', '      region: us-east-1',
      '      assume_role:', `        role_arn: ${ROLE}`, '        external_id: ext-secret-42', '        session_name: atmos-describe', backendExtra,
      'components:', '  terraform:', '    vpc:', '      vars: {}', '    eks:', '      vars:', '        vpc_id: !terraform.state vpc vpc_id', '',
    ].filter((line) => line !== '').join('\n') + '\n',
    'components/terraform/vpc/main.tf': '',
    'components/terraform/eks/main.tf': '',
  });
}

async function run(root: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd: root, env: process.env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const saved = { ...process.env };
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true' });
});
afterEach(() => {
  process.env = { ...saved };
  setAwsVerbose(false);
  closeStateClients();
});
afterAll(removeFixtures);

describe('atmos-nx describe component: AWS situations are user errors', () => {
  it('no AWS credentials: one line naming the function, the instance, the manifest line and the chain tried', async () => {
    const root = workspace();
    const r = await run(root, ['describe', 'component', 'eks', '-s', 'plat-ue1-dev']);
    expect(r.code).toBe(1);
    const [line, hint, ...rest] = r.stderr.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(line).toMatch(new RegExp(`^error: ${MANIFEST}:\\d+:\\d+: !terraform.state vpc vpc_id in 'eks' \\(stack 'plat-ue1-dev'\\): reading the state of 'vpc' in stack 'plat-ue1-dev' ` +
      `\\(s3://tfstate/vpc/plat-ue1-dev/terraform.tfstate in us-east-1, AWS's s3 endpoint in us-east-1\\): no AWS credentials: tried the default credential chain \\(AWS_ACCESS_KEY_ID`));
    expect(hint).toMatch(/^ {2}hint: export AWS_PROFILE=<profile> \(after aws sso login\) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; see "No AWS credentials"/);
    expect(r.stderr).not.toMatch(/internal error|CredentialsProviderError:|\n\s+at /);
  });

  it('an unreachable endpoint: names it, no stack trace', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    const root = workspace('      endpoints:\n        sts: http://127.0.0.1:9');
    const r = await run(root, ['describe', 'component', 'eks', '-s', 'plat-ue1-dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`assuming role ${ROLE} (account 111111111111): cannot reach STS at endpoint http://127.0.0.1:9 (ECONNREFUSED)`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at |AKIAEXAMPLEKEY|example-secret|ext-secret-42/);
  });

  it('--verbose names the role, its account and the endpoints, never a key or the external_id', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    const root = workspace('      endpoints:\n        sts: http://127.0.0.1:9');
    const r = await run(root, ['describe', 'component', 'eks', '-s', 'plat-ue1-dev', '--verbose']);
    expect(r.stderr).toContain(`aws: s3 in us-east-1 (AWS's s3 endpoint in us-east-1) as role ${ROLE} (account 111111111111), assumed with the default credential chain (AWS_ACCESS_KEY_ID from the environment), for the s3 backend of 'vpc' in stack 'plat-ue1-dev'`);
    expect(r.stderr).toContain(`aws: assuming role ${ROLE} (account 111111111111) as the default credential chain (AWS_ACCESS_KEY_ID from the environment) (session atmos-describe, external_id ***, STS endpoint http://127.0.0.1:9)`);
    expect(r.stderr).not.toMatch(/AKIAEXAMPLEKEY|example-secret|ext-secret-42/);
  });
});

describe('atmos-nx describe component --verbose without a role', () => {
  it('names the account of the ambient identity (STS GetCallerIdentity), never its keys', async () => {
    const { startStsServer } = await import('../../../../e2e/harness/sts-server');
    const sts = await startStsServer();
    try {
      process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEKEY';
      process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
      const root = writeWorkspace({
        [MANIFEST]: `vars:\n  tenant: plat\n  environment: ue1\n  stage: dev\nterraform:\n  backend_type: s3\n  backend:\n    s3:\n      bucket: tfstate\n      region: us-east-1\n` +
          `      use_path_style: true\n      endpoints:\n        s3: http://127.0.0.1:9\n        sts: ${sts.endpoint}\ncomponents:\n  terraform:\n    vpc:\n      vars: {}\n    eks:\n      vars:\n        vpc_id: !terraform.state vpc vpc_id\n`,
        'components/terraform/vpc/main.tf': '',
        'components/terraform/eks/main.tf': '',
      });
      const r = await run(root, ['describe', 'component', 'eks', '-s', 'plat-ue1-dev', '--verbose']);
      expect(r.stderr).toContain("aws: s3 in us-east-1 (endpoint http://127.0.0.1:9) as the default credential chain (AWS_ACCESS_KEY_ID from the environment) in account 000000000000, for the s3 backend of 'vpc' in stack 'plat-ue1-dev'");
      expect(r.stderr).toContain('cannot reach s3 (ECONNREFUSED)');
      expect(r.stderr).not.toMatch(/AKIAEXAMPLEKEY|example-secret/);
    } finally {
      await sts.close();
    }
  });
});

describe('atmos-nx describe component: the backend role settings', () => {
  it('shows them as written, the external_id masked (shown with --show-secrets)', async () => {
    const root = workspace();
    const r = await run(root, ['describe', 'component', 'vpc', '-s', 'plat-ue1-dev', '--format', 'json']);
    expect(r.code).toBe(0);
    const described = JSON.parse(r.stdout);
    expect(described.backend.assume_role).toEqual({ role_arn: ROLE, external_id: '***', session_name: 'atmos-describe' });
    expect(described.remote_state_backend.assume_role.external_id).toBe('***');
    expect(r.stdout).not.toContain('ext-secret-42');
    const shown = JSON.parse((await run(root, ['describe', 'component', 'vpc', '-s', 'plat-ue1-dev', '--format', 'json', '--show-secrets'])).stdout);
    expect(shown.backend.assume_role.external_id).toBe('ext-secret-42');
  });

  it('describe stacks masks them too', async () => {
    const root = workspace();
    const r = await run(root, ['describe', 'stacks', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('ext-secret-42');
    expect(JSON.parse(r.stdout)['plat-ue1-dev'].components.terraform.vpc.backend.assume_role.external_id).toBe('***');
  });
});
