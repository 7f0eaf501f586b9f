import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('atmos-nx describe affected: Atmos\'s flags and defaults', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
  const cliIn = (argv: string[], cwd: string, env: Record<string, string> = {}) => {
    let stdout = '';
    let stderr = '';
    return main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env }).then((code) => ({ code, stdout, stderr }));
  };
  /** Two stacks; `release` is the first commit, main one commit on (app's size 2), the working tree edits vpc. */
  function repo(): { root: string; release: string } {
    const root = writeWorkspace({
      'stacks/catalog/base.yaml': 'components: {terraform: {vpc: {vars: {cidr: a}}, app: {vars: {size: 1}}}}\n',
      'stacks/dev.yaml': 'import: [catalog/base]\nvars: {stage: dev}\n',
      'stacks/prod.yaml': 'import: [catalog/base]\nvars: {stage: prod}\n',
      'components/terraform/vpc/main.tf': '', 'components/terraform/app/main.tf': '',
      'atmos.yaml': 'stacks: {base_path: stacks, included_paths: ["*.yaml"], name_pattern: "{stage}"}\ncomponents: {terraform: {base_path: components/terraform}}\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'release');
    const release = git(root, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(root, 'stacks/catalog/base.yaml'), 'components: {terraform: {vpc: {vars: {cidr: a}}, app: {vars: {size: 2}}}}\n');
    git(root, 'commit', '-qam', 'app size');
    writeFileSync(join(root, 'stacks/catalog/base.yaml'), 'components: {terraform: {vpc: {vars: {cidr: b}}, app: {vars: {size: 2}}}}\n');
    return { root, release };
  }
  const slugs = (stdout: string) => (JSON.parse(stdout) as Array<{ stack_slug: string }>).map((a) => a.stack_slug);

  it('prints JSON by default, against the base nx affected uses (NX_BASE, nx.json defaultBase, main)', async () => {
    const { root, release } = repo();
    expect(slugs((await cliIn(['describe', 'affected'], root)).stdout)).toEqual(['dev-vpc', 'prod-vpc']);
    expect(slugs((await cliIn(['describe', 'affected'], root, { NX_BASE: release })).stdout)).toEqual(['dev-app', 'dev-vpc', 'prod-app', 'prod-vpc']);
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ defaultBase: release }));
    expect(slugs((await cliIn(['describe', 'affected'], root)).stdout)).toEqual(['dev-app', 'dev-vpc', 'prod-app', 'prod-vpc']);
    expect((await cliIn(['describe', 'affected', '--format', 'yaml'], root)).stdout).toMatch(/^- affected: stack.vars\n  affected_all:\n    - stack.vars\n  component: app\n/);
  });

  it('--base, else the deprecated --sha, then --ref, each with a warning; --stack keeps one stack', async () => {
    const { root, release } = repo();
    const bySha = await cliIn(['describe', 'affected', '--sha', release, '--ref', 'main'], root);
    expect([slugs(bySha.stdout), bySha.stderr]).toEqual([['dev-app', 'dev-vpc', 'prod-app', 'prod-vpc'],
      `warning: --sha is deprecated (as in Atmos): use --base ${release}\nwarning: --ref is deprecated (as in Atmos): use --base main\n`]);
    expect(slugs((await cliIn(['describe', 'affected', '--ref', 'main'], root)).stdout)).toEqual(['dev-vpc', 'prod-vpc']);
    const byBase = await cliIn(['describe', 'affected', '--base', 'main', '--sha', release], root);
    expect([slugs(byBase.stdout), byBase.stderr]).toEqual([['dev-vpc', 'prod-vpc'], '']);
    expect(slugs((await cliIn(['describe', 'affected', '--base', release, '--stack', 'prod'], root)).stdout)).toEqual(['prod-app', 'prod-vpc']);
    expect((await cliIn(['describe', 'affected', '--base', release, '--stack', 'prod', '--format=projects'], root)).stdout).toBe('app-prod,vpc-prod\n');
    expect((await cliIn(['describe', 'affected', '--base', release, '--stack', 'qa', '--format=projects'], root)).code).toBe(3);
    // A boolean flag as Atmos (cobra) takes it, bare or =true/=false.
    for (const flag of ['--include-settings', '--include-settings=true']) {
      expect(JSON.parse((await cliIn(['describe', 'affected', flag], root)).stdout)[0]).toHaveProperty('settings', {});
    }
    expect(JSON.parse((await cliIn(['describe', 'affected', '--include-settings=false'], root)).stdout)[0]).toHaveProperty('settings', null);
    expect(JSON.parse((await cliIn(['describe', 'affected', '--include-dependents'], root)).stdout)[0]).toMatchObject({ dependents: [], included_in_dependents: false });
    expect((await cliIn(['describe', 'affected', '--include-dependents', '--format=projects'], root)).stderr).toMatch(/^error: --include-dependents adds dependents to the json or yaml document; .*nx show projects --affected/);
  });

  it('--format=matrix for a GitHub Actions matrix, appended to --output-file as Atmos writes $GITHUB_OUTPUT; --file holds the result whole', async () => {
    const { root, release } = repo();
    const matrix = (stack: string, component: string) => ({ stack, component, component_path: `components/terraform/${component}`, component_type: 'terraform' });
    const onStdout = await cliIn(['describe', 'affected', '--format=matrix'], root);
    expect(onStdout).toEqual({ code: 0, stdout: JSON.stringify({ include: [matrix('dev', 'vpc'), matrix('prod', 'vpc')] }) + '\n', stderr: '' });
    const githubOutput = join(root, 'github-output');
    writeFileSync(githubOutput, 'earlier=1\n');
    const toFile = await cliIn(['describe', 'affected', '--format', 'matrix', '--output-file', githubOutput, '--base', release, '--stack', 'prod'], root);
    expect(toFile).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(githubOutput, 'utf8')).toBe(`earlier=1\nmatrix=${JSON.stringify({ include: [matrix('prod', 'app'), matrix('prod', 'vpc')] })}\ncount=2\n`);
    expect((await cliIn(['describe', 'affected', '--output-file', githubOutput], root)).stderr).toMatch(/^error: --output-file is only supported with --format=matrix/);

    const written = await cliIn(['describe', 'affected', '--file', 'out/affected.yaml', '--format', 'yaml'], root);
    expect(written).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(root, 'out/affected.yaml'), 'utf8')).toMatch(/^- affected: stack.vars\n/);
    // Nothing affected: an empty list in the file (never the last run's), and exit code 3.
    git(root, 'stash', '-q');
    expect((await cliIn(['describe', 'affected', '--format=projects', '--file', 'out/projects'], root)).code).toBe(3);
    expect(readFileSync(join(root, 'out/projects'), 'utf8')).toBe('');
    expect(readdirSync(join(root, 'out')).sort()).toEqual(['affected.yaml', 'projects']);
  });

  it('--file writes through a link, names a path it cannot write (never a stack trace or a stray temp file); an empty value is no value, as in Atmos', async () => {
    const { root, release } = repo();
    writeFileSync(join(root, 'target.json'), 'old');
    symlinkSync('target.json', join(root, 'link.json'));
    expect((await cliIn(['describe', 'affected', '--file', 'link.json'], root)).code).toBe(0);
    expect(lstatSync(join(root, 'link.json')).isSymbolicLink()).toBe(true);
    expect(slugs(readFileSync(join(root, 'target.json'), 'utf8'))).toEqual(['dev-vpc', 'prod-vpc']);
    mkdirSync(join(root, 'out'));
    const before = readdirSync(root).sort();
    expect(await cliIn(['describe', 'affected', '--file', 'out'], root)).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^error: --file .*\/out is a folder\n  hint: name a file/) });
    expect(await cliIn(['describe', 'affected', '--format=matrix', '--output-file', 'out'], root)).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^error: --output-file .*\/out is a folder/) });
    expect((await cliIn(['describe', 'affected', '--file', '/proc/affected.json'], root)).stderr).toMatch(/^error: --file \/proc\/affected.json: cannot write it \(ENOENT: .*\)\n  hint: pass a file in a folder you can write to/);
    expect(readdirSync(root).sort()).toEqual(before);
    // CI passing an unset variable: `--repo-path ""` is the default base (not this checkout compared with itself), `--output-file ""` stdout.
    // (NX_BASE: the release commit; read as this folder, "" would compare with HEAD: vpc only.)
    expect(slugs((await cliIn(['describe', 'affected', '--repo-path', ''], root, { NX_BASE: release })).stdout)).toEqual(['dev-app', 'dev-vpc', 'prod-app', 'prod-vpc']);
    expect((await cliIn(['describe', 'affected', '--format=matrix', '--output-file='], root)).stdout).toMatch(/^\{"include":\[\{"stack":"dev"/);
    // As in Atmos, the matrix never goes to --file (`--file "$GITHUB_OUTPUT"` would replace the earlier steps' outputs).
    const matrixToFile = await cliIn(['describe', 'affected', '--format=matrix', '--file', 'target.json'], root);
    expect([matrixToFile.stdout.startsWith('{"include":'), matrixToFile.stderr]).toEqual([true, 'warning: --file is not used with --format=matrix (as in Atmos): the matrix goes to stdout; --output-file appends it to a file\n']);
  });

  it('--exclude-locked leaves out the instances metadata.locked keeps (deleted ones are still listed, as in Atmos)', async () => {
    const { root, release } = repo();
    writeFileSync(join(root, 'stacks/prod.yaml'), 'import: [catalog/base]\nvars: {stage: prod}\ncomponents: {terraform: {vpc: {metadata: {locked: true}}}}\n');
    expect(slugs((await cliIn(['describe', 'affected', '--exclude-locked'], root)).stdout)).toEqual(['dev-vpc']);
    expect(slugs((await cliIn(['describe', 'affected', '--exclude-locked=false'], root)).stdout)).toEqual(['dev-vpc', 'prod-vpc']);
    expect((await cliIn(['describe', 'affected', '--exclude-locked', '--format=projects', '--base', release], root)).stdout).toBe('app-dev,app-prod,vpc-dev\n');
  });

  it('--repo-path compares with the commit checked out in another clone, even one this repository does not have', async () => {
    const { root, release } = repo();
    // A colon in the clone's path: git's list of alternates is colon-separated (the entry is quoted).
    const clone = join(mkdtempSync(join(tmpdir(), 'atmos-base-clone-')), 'base:clone');
    mkdirSync(clone);
    try {
      git(clone, 'clone', '-q', root, '.');
      git(clone, 'checkout', '-q', release);
      // A commit only the clone has: app's size 5, which the working tree (size 2) differs from.
      writeFileSync(join(clone, 'stacks/catalog/base.yaml'), 'components: {terraform: {vpc: {vars: {cidr: b}}, app: {vars: {size: 5}}}}\n');
      git(clone, 'commit', '-qam', 'only in the clone');
      const r = await cliIn(['describe', 'affected', '--repo-path', clone], root);
      expect([slugs(r.stdout), r.stderr]).toEqual([['dev-app', 'prod-app'], '']);
      expect(() => git(root, 'cat-file', '-e', git(clone, 'rev-parse', 'HEAD').trim())).toThrow(); // nothing was fetched into this repository
      expect((await cliIn(['describe', 'affected', '--repo-path', clone, '--base', 'main'], root)).stderr).toMatch(/^error: --repo-path names the base itself: it conflicts with --base \(as in Atmos\)/);
      expect((await cliIn(['describe', 'affected', '--repo-path', tmpdir()], root)).stderr).toMatch(/^error: --repo-path .*: not a git repository with a commit checked out/);
      // A mistake in the clone's commit: what to do names the clone, not --base alone.
      writeFileSync(join(clone, 'stacks/catalog/base.yaml'), 'components: {terraform: {vpc: {vars: {cidr: [b}}}}\n');
      git(clone, 'commit', '-qam', 'broken in the clone');
      const broken = await cliIn(['describe', 'affected', '--repo-path', clone], root);
      expect([broken.code, broken.stderr]).toEqual([1, expect.stringMatching(/^error: stacks\/catalog\/base.yaml:1:\d+: at the base \([0-9a-f]{12}\): invalid YAML/)]);
      expect(broken.stderr).toContain(`so compare against a base whose stacks resolve (check another commit out in ${clone}, or pass --base <ref>)\n`);
    } finally {
      rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });

  it('Atmos\'s other flags: templates off compares the text as written; cloning is not done but said; uploading and yq are refused with what to do', async () => {
    const root = writeWorkspace({
      'stacks/dev.yaml': 'vars: {stage: dev}\ncomponents: {terraform: {vpc: {vars: {name: "{{ .vars.stage }}"}}}}\n',
      'components/terraform/vpc/main.tf': '',
      'atmos.yaml': 'stacks: {base_path: stacks, included_paths: ["*.yaml"], name_pattern: "{stage}"}\ncomponents: {terraform: {base_path: components/terraform}}\ntemplates: {settings: {enabled: true}}\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    // The same rendered name, written another way.
    writeFileSync(join(root, 'stacks/dev.yaml'), 'vars: {stage: dev}\ncomponents: {terraform: {vpc: {vars: {name: "{{ `dev` }}"}}}}\n');
    expect(slugs((await cliIn(['describe', 'affected'], root)).stdout)).toEqual([]);
    expect(slugs((await cliIn(['describe', 'affected', '--process-templates=false'], root)).stdout)).toEqual(['dev-vpc']);
    // Atmos's booleans, bare: --process-templates is =true.
    expect(slugs((await cliIn(['describe', 'affected', '--process-templates', '--process-functions'], root)).stdout)).toEqual([]);
    // As in Atmos, --process-templates renders nothing atmos.yaml's templates.settings.enabled turns off.
    writeFileSync(join(root, 'atmos.yaml'), readFileSync(join(root, 'atmos.yaml'), 'utf8').replace('enabled: true', 'enabled: false'));
    git(root, 'commit', '-qm', 'templates off', 'atmos.yaml');
    expect(slugs((await cliIn(['describe', 'affected', '--process-templates=true'], root)).stdout)).toEqual(['dev-vpc']);
    expect((await cliIn(['describe', 'affected', '--process-functions=false', '--skip', '!terraform.output'], root)).code).toBe(0);
    const cloned = await cliIn(['describe', 'affected', '--clone-target-ref', '--base', 'main'], root);
    expect([cloned.code, cloned.stderr]).toEqual([0, 'warning: --clone-target-ref: atmos-nx clones nothing, it reads the base main from this repository\'s objects (fetch it first if it is not here, e.g. git fetch origin main)\n']);
    expect((await cliIn(['describe', 'affected', '--verbose'], root)).stderr).toBe('comparing with main\n');
    const upload = await cliIn(['describe', 'affected', '--upload'], root);
    expect([upload.code, upload.stderr]).toEqual([1, expect.stringMatching(/^error: --upload is not supported by "describe affected"\n  hint: atmos-nx does not upload to Atmos Pro: write the result with --file/)]);
    expect((await cliIn(['describe', 'affected', '--query', '.[]'], root)).stderr).toMatch(/^error: --query is not supported by "describe affected"\n  hint: atmos-nx has no yq expressions: pipe the JSON to jq/);
  });
});
