import { main, type CliIo } from './main';
import { instanceCommandFor, parseTerraformCommandLine } from './terraform';
import { writeWorkspace } from '../testing/fixture-workspace';

function cli(argv: string[], cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {} };
  return main(argv, io).then((code) => ({ code, stdout, stderr }));
}

describe('an unknown command or flag names the command and lists the valid ones', () => {
  it('atmos-nx workflow is a command: a missing manifest is named, never blamed on a flag', async () => {
    const r = await cli(['workflow', 'onboard-environment', '-f', 'stacks/workflows/onboard.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: workflow manifest stacks\/workflows\/onboard.yaml does not exist .*\n  hint: the manifests under .*: bootstrap-backend, drift-detection, onboard-environment/);
    expect(r.stderr).not.toMatch(/--format/);
    expect((await cli(['wrkflow'])).stderr).toMatch(/^error: unknown command "wrkflow"\n  hint: commands: describe component, .*, terraform <subcommand>, workflow <name>/);
  });

  it('an unknown subcommand lists the group\'s subcommands', async () => {
    const r = await cli(['describe', 'stack']);
    expect(r.stderr).toMatch(/^error: unknown command "describe stack"\n  hint: "describe" takes: component, stacks, affected, config/);
  });

  it('a flag the command does not take names the command and its flags', async () => {
    const r = await cli(['describe', 'config', '--stack', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: unknown flag --stack for "describe config"\n  hint: "describe config" takes --format; usage: atmos-nx describe config/);
    expect((await cli(['list', 'stacks', '--bogus'])).stderr).toMatch(/unknown flag --bogus for "list stacks"\n  hint: "list stacks" takes no flags/);
  });

  it('extra words are an error, not ignored', async () => {
    expect((await cli(['list', 'stacks', 'dev'])).stderr).toMatch(/list stacks takes no arguments, got "dev"/);
  });

  it('a missing flag value names the flag and the command', async () => {
    expect((await cli(['list', 'components', '--stack'])).stderr).toMatch(/Option '-s, --stack <value>' argument missing \(in "list components"\)/);
  });

  it('--help prints the command\'s usage; the right command still runs', async () => {
    expect(await cli(['describe', 'config', '--help'])).toMatchObject({ code: 0, stdout: 'usage:\n  atmos-nx describe config [--format yaml|json]\n' });
    const root = writeWorkspace({ 'stacks/orgs/a.yaml': 'vars: {tenant: t, environment: e, stage: s}\ncomponents:\n  terraform:\n    vpc: {vars: {a: 1}}\n' });
    expect(await cli(['list', 'stacks'], root)).toMatchObject({ code: 0, stdout: 't-e-s\n' });
    expect((await cli(['terraform', 'plan', 'nope', '-s', 't-e-s'], root)).stderr).toMatch(/component 'nope' is not defined in stack 't-e-s'\n  hint: components in 't-e-s': vpc/);
  });
});

describe('atmos-nx terraform: the Atmos command shape', () => {
  it('atmos terraform plan vpc -s dev-use1 [-- args]', () => {
    expect(parseTerraformCommandLine(['plan', 'vpc', '-s', 'dev-use1', '--', '-var=a=1', '--autoApprove'])).toMatchObject({
      words: ['plan'], component: 'vpc', stack: 'dev-use1', autoApprove: false, terraform: ['-var=a=1', '--autoApprove'],
    });
  });

  it('terraform\'s one-dash flags before -- go to terraform in the order typed, with their words', () => {
    expect(parseTerraformCommandLine(['apply', 'vpc', '--stack=dev', '-auto-approve', '-var', 'a=1', '--', '-x']).terraform).toEqual(['-auto-approve', '-var', 'a=1', '-x']);
    expect(parseTerraformCommandLine(['force-unlock', 'vpc', '-s', 'dev', '-force', 'abc']).terraform).toEqual(['-force', 'abc']);
  });

  it('two-word subcommands as Atmos takes them: state list vpc -s dev', () => {
    const line = parseTerraformCommandLine(['state', 'show', 'vpc', '-s', 'dev', 'aws_vpc.main']);
    expect(line).toMatchObject({ words: ['state', 'show'], component: 'vpc', terraform: ['aws_vpc.main'] });
    expect(instanceCommandFor(line.words, line.terraform)).toEqual({ command: 'terraform', terraform: ['state', 'show', 'aws_vpc.main'] });
  });

  it('a subcommand with a target runs the target; generate varfile/backend is the generate target', () => {
    expect(instanceCommandFor(['destroy'], ['-auto-approve'])).toEqual({ command: 'destroy', terraform: ['-auto-approve'] });
    expect(instanceCommandFor(['generate', 'varfile'], [])).toEqual({ command: 'generate', terraform: [] });
    expect(instanceCommandFor(['import'], ['a.b', 'id'])).toEqual({ command: 'terraform', terraform: ['import', 'a.b', 'id'] });
  });

  it('our flags: --auto-approve, --lock-timeout, --migrate-state (camelCase too); an unknown --flag is an error', () => {
    expect(parseTerraformCommandLine(['apply', 'vpc', '-s', 'dev', '--auto-approve', '--lockTimeout', '5m', '--migrate-state'])).toMatchObject({
      autoApprove: true, lockTimeout: '5m', migrateState: true, terraform: [],
    });
    expect(() => parseTerraformCommandLine(['plan', 'vpc', '-s', 'dev', '--refresh=false'])).toThrow(/unknown flag --refresh for "terraform"/);
  });
});
