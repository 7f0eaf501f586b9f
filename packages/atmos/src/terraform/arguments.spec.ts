import { checkArguments, cliCommandLine, nxCommandLine } from './arguments';

const nx = nxCommandLine('net-dev');
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error & { hint?: string });
  }
  throw new Error('expected a refusal');
};

describe('the passthrough cannot route around the targets\' rules', () => {
  it('terraform -- destroy -auto-approve is refused and names the destroy target (which checks dependents)', () => {
    const error = refusal(() => checkArguments('terraform', ['destroy', '-auto-approve'], false, nx));
    expect(error.message).toMatch(/terraform destroy is not run through the passthrough: the destroy target checks that nothing still depends/);
    expect(error.hint).toBe('run nx run net-dev:destroy --autoApprove');
  });

  it('terraform -- destroy without approval points at the target without approving for the user', () => {
    expect(refusal(() => checkArguments('terraform', ['destroy', '-target=a.b'], false, nx)).hint).toBe('run nx run net-dev:destroy -- -target=a.b');
  });

  it('terraform -- apply (also apply -destroy) is refused and names the target', () => {
    expect(refusal(() => checkArguments('terraform', ['apply'], false, nx)).hint).toBe('run nx run net-dev:apply');
    expect(refusal(() => checkArguments('terraform', ['apply', '-destroy', '-auto-approve'], false, nx)).hint).toBe('run nx run net-dev:destroy --autoApprove');
  });

  it('options before the subcommand (-chdir) are refused', () => {
    expect(refusal(() => checkArguments('terraform', ['-chdir=/', 'destroy'], false, nx)).message).toMatch(/options before the subcommand/);
  });

  it('a missing subcommand is refused with an example', () => {
    expect(refusal(() => checkArguments('terraform', [], false, nx)).hint).toBe('e.g. nx run net-dev:terraform -- state list');
  });

  it('other subcommands pass unchanged', () => {
    expect(checkArguments('terraform', ['force-unlock', '-force', 'id'], false, nx)).toEqual({ args: ['force-unlock', '-force', 'id'], autoApprove: false });
    expect(checkArguments('terraform', ['state', 'rm', 'a.b'], false, nx).args).toEqual(['state', 'rm', 'a.b']);
  });
});

describe('target arguments', () => {
  it('-auto-approve (terraform\'s spelling) is the approval of apply, deploy and destroy', () => {
    expect(checkArguments('destroy', ['-auto-approve', '-target=x'], false, nx)).toEqual({ args: ['-target=x'], autoApprove: true });
    expect(checkArguments('apply', ['--auto-approve'], false, nx)).toEqual({ args: [], autoApprove: true });
    expect(checkArguments('apply', ['-auto-approve=false'], false, nx)).toEqual({ args: [], autoApprove: false });
  });

  it('-destroy cannot turn a plan, apply or deploy into a destroy', () => {
    for (const command of ['plan', 'apply', 'deploy'] as const) {
      expect(refusal(() => checkArguments(command, ['-destroy'], false, nx)).hint).toBe('run nx run net-dev:destroy --autoApprove');
    }
  });

  it('clean and generate refuse terraform arguments instead of ignoring them', () => {
    expect(refusal(() => checkArguments('clean', ['-x'], false, nx)).message).toMatch(/clean runs no terraform command and takes no terraform arguments \(got -x\)/);
  });

  it('other flags pass unchanged, in order', () => {
    expect(checkArguments('output', ['-json', '-no-color'], false, nx).args).toEqual(['-json', '-no-color']);
  });
});

describe('command lines in hints', () => {
  it('Nx: our options go after -- when terraform arguments follow (Nx drops options before --)', () => {
    expect(nx({ command: 'apply', autoApprove: true, lockTimeout: '5m', terraform: ['-target=a'] })).toBe('nx run net-dev:apply -- --autoApprove --lockTimeout=5m -target=a');
    expect(nx({ command: 'apply', lockTimeout: '5m' })).toBe('nx run net-dev:apply --lockTimeout=5m');
    expect(nxCommandLine('p', 'tf-')({ command: 'plan' })).toBe('nx run p:tf-plan');
    expect(nx({ command: 'destroy', autoApprove: true, of: { project: 'svc-dev', component: 'svc', stack: 'dev' } })).toBe('nx run svc-dev:destroy --autoApprove');
  });

  it('atmos-nx: the Atmos shape', () => {
    const cli = cliCommandLine('vpc', 'dev-use1');
    expect(cli({ command: 'terraform', terraform: ['force-unlock', '-force', 'ID'] })).toBe('atmos-nx terraform force-unlock vpc -s dev-use1 -- -force ID');
    expect(cli({ command: 'apply', autoApprove: true })).toBe('atmos-nx terraform apply vpc -s dev-use1 --auto-approve');
    expect(cli({ command: 'plan', terraform: ["-var=a=b c"] })).toBe("atmos-nx terraform plan vpc -s dev-use1 -- '-var=a=b c'");
  });
});
