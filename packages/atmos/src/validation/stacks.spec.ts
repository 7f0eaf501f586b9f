/**
 * Wrong types are errors, and one validation pass reports every problem: `validate stacks`,
 * `describe` and graph construction (src/nx) run the same checks, each problem with its file,
 * line and column.
 */
import { main, type CliIo } from '../cli/main';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';
const FOLDERS = { 'components/terraform/vpc/main.tf': '', 'components/terraform/app/main.tf': '' };

async function cli(root: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: root, env: {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('wrong types are errors naming file, line, column, section and expected type', () => {
  it.each([
    ['vars as a list', `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        - a\n`, /us-east-1\.yaml:8:7: components\.terraform\.vpc\.vars must be a map, not a list/],
    ['components.terraform as a list', `${devVars}components:\n  terraform:\n    - vpc\n`, /us-east-1\.yaml:6:3: components\.terraform must be a map, not a list/],
    ['env as a list', `${devVars}env:\n  - A=1\ncomponents:\n  terraform:\n    vpc: {}\n`, /us-east-1\.yaml:5:1: env must be a map, not a list/],
    ['settings as a string', `${devVars}components:\n  terraform:\n    vpc:\n      settings: "x"\n`, /us-east-1\.yaml:8:7: components\.terraform\.vpc\.settings must be a map, not a string$/m],
    ['import: 42', `import: 42\n${devVars}components:\n  terraform:\n    vpc: {}\n`, /us-east-1\.yaml:1:1: import must be a list, not a number \(42\)/],
    ['metadata.enabled as a string', `${devVars}components:\n  terraform:\n    vpc:\n      metadata:\n        enabled: "false"\n`, /components\.terraform\.vpc\.metadata\.enabled must be a boolean, not a string/],
    ['metadata.inherits as a string', `${devVars}components:\n  terraform:\n    vpc:\n      metadata:\n        inherits: base\n`, /components\.terraform\.vpc\.metadata\.inherits must be a list of strings, not a string/],
    ['terraform.backend_type as a map', `${devVars}terraform:\n  backend_type: {s3: {}}\ncomponents:\n  terraform:\n    vpc: {}\n`, /terraform\.backend_type must be a string, not a map/],
  ])('%s: validate stacks, describe component and describe stacks all fail', async (_, manifest, expected) => {
    const root = writeWorkspace({ ...FOLDERS, [DEV]: manifest });
    for (const args of [['validate', 'stacks'], ['describe', 'component', 'vpc', '-s', 'acme-ue1-dev'], ['describe', 'stacks']]) {
      const result = await cli(root, args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(expected);
      expect(result.stdout).not.toContain('all valid');
    }
  });

  it('an empty section (null) is no mistake', async () => {
    const root = writeWorkspace({ ...FOLDERS, [DEV]: `${devVars}env:\ncomponents:\n  terraform:\n    vpc:\n      vars:\n` });
    const result = await cli(root, ['describe', 'component', 'vpc', '-s', 'acme-ue1-dev']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('one validation pass reports every problem', () => {
  it('validate stacks reports wrong types, unknown references, cycles, missing folders, unknown functions and !exec together', async () => {
    const root = writeWorkspace({
      'components/terraform/vpc/main.tf': '',
      'components/terraform/app/main.tf': '',
      'stacks/orgs/acme/dev/us-east-1.yaml': `${devVars}components:
  terraform:
    vpc:
      settings:
        depends_on:
          1: {component: app}
    app:
      vars:
        vpc_id: !terraform.state vpc vpc_id
        who: !exec whoami
        account: !aws.account_id
        missing: !terraform.output nowhere id
    db: {}
`,
      'stacks/orgs/acme/prod/us-east-1.yaml': 'vars:\n  tenant: acme\n  environment: ue1\n  stage: prod\ncomponents:\n  terraform:\n    vpc:\n      vars: [1]\n',
    });
    const result = await cli(root, ['validate', 'stacks']);
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(result.stderr).toMatch(/prod\/us-east-1\.yaml:8:7: components\.terraform\.vpc\.vars must be a map, not a list/);
    expect(result.stderr).toMatch(/dev\/us-east-1\.yaml:14:14: !exec is disabled: whoami/);
    expect(result.stderr).toMatch(/dev\/us-east-1\.yaml:15:18: the YAML function !aws\.account_id is not supported/);
    expect(result.stderr).toMatch(/the Terraform component folder components\/terraform\/db of 'db' \(stack 'acme-ue1-dev'\) does not exist/);
    expect(result.stderr).toMatch(/depends on 'nowhere' in stack 'acme-ue1-dev', which does not exist/);
    // The cycle names each edge with its manifest and reason.
    expect(result.stderr).toMatch(/dependency cycle: .*app-acme-ue1-dev -> vpc-acme-ue1-dev \(stacks\/orgs\/acme\/dev\/us-east-1\.yaml: vars\.vpc_id: !terraform\.state vpc vpc_id\).*vpc-acme-ue1-dev -> app-acme-ue1-dev \(stacks\/orgs\/acme\/dev\/us-east-1\.yaml: settings\.depends_on\.1\)/);
    expect(errors.length).toBe(6);
    expect(result.stderr).toContain('6 problems found');
  });

  it('a local backend path leading outside the repository is refused (state holds secrets)', async () => {
    const root = writeWorkspace({
      ...FOLDERS,
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      backend_type: local\n      backend:\n        local: {path: ../../../../../tmp/stolen.tfstate}\n    app:\n      backend_type: local\n      backend:\n        local: {path: state/app.tfstate}\n`,
    });
    const result = await cli(root, ['describe', 'stacks']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/backend\.local\.path '\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/tmp\/stolen\.tfstate' of 'vpc' \(stack 'acme-ue1-dev'\) leads outside the repository/);
    expect(result.stderr).not.toContain("of 'app'");
  });

  it('two instances that would share a work folder (a/b and a__b) are refused', async () => {
    const root = writeWorkspace({
      'components/terraform/x/main.tf': '',
      [DEV]: `${devVars}components:\n  terraform:\n    a/b:\n      metadata: {component: x}\n    a__b:\n      metadata: {component: x}\n`,
    });
    const result = await cli(root, ['describe', 'stacks']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/'a\/b' in stack 'acme-ue1-dev' and 'a__b' in stack 'acme-ue1-dev' would share the work folder \.atmos\/work\/acme-ue1-dev\/a__b/);
  });
});
