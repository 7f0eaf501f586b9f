import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { destroyOrphan, parseInstance, type DestroyOrphanRequest } from './destroy-orphan';
import { findOrphans } from './orphans';

afterEach(removeFixtures);

const STACK = (components: string) => `vars: {tenant: plat, environment: use1, stage: dev}\ncomponents:\n  terraform:\n${components}`;
const A = '    a: {metadata: {component: node}, vars: {name: a}}\n';
const B = '    b: {metadata: {component: node}, vars: {name: b}}\n';
const C = '    c: {metadata: {component: node}, vars: {name: c}}\n';
const WITH_RESOURCE = JSON.stringify({ version: 4, serial: 2, resources: [{ mode: 'managed', type: 'terraform_data', name: 'node', instances: [{}] }], outputs: {} });
const EMPTY = JSON.stringify({ version: 4, serial: 3, resources: [], outputs: {} });

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
}

/** Local states as terraform leaves them, then a git repository with one commit. */
function appliedAndCommitted(root: string, states: Array<[workspace: string, state: string]>, message: string): string {
  for (const [workspace, state] of states) {
    const file = join(root, '.atmos/state/node/terraform.tfstate.d', workspace, 'terraform.tfstate');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, state);
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

/** a, b and c applied (local state; b's emptied since), committed; then a and b removed and committed. */
function removedWorkspace(): { root: string; lastWithThem: string } {
  const root = writeWorkspace({ 'stacks/orgs/dev.yaml': STACK(A + B + C), 'components/terraform/node/main.tf': 'variable "name" {}\n', '.gitignore': '.atmos/\n' });
  const lastWithThem = appliedAndCommitted(root, [['plat-use1-dev-a', WITH_RESOURCE], ['plat-use1-dev-b', EMPTY], ['plat-use1-dev-c', WITH_RESOURCE]], 'a, b and c');
  writeFileSync(join(root, 'stacks/orgs/dev.yaml'), STACK(C));
  git(root, 'commit', '-q', '-am', 'remove a and b');
  return { root, lastWithThem };
}

describe('orphans', () => {
  it('lists the removed instance whose state still has resources, named by the last commit that had it; an emptied one is only counted', async () => {
    const { root, lastWithThem } = removedWorkspace();
    const config = loadAtmosConfig({ cwd: root, env: {} });
    const report = await findOrphans(config, { workspaceRoot: root, env: {}, base: 'main' });
    expect(report.orphans).toEqual([expect.objectContaining({
      instance: { component: 'a', stack: 'plat-use1-dev' },
      commit: lastWithThem,
      state: '.atmos/state/node/terraform.tfstate.d/plat-use1-dev-a/terraform.tfstate',
      resources: 1,
      foundIn: ['backend'],
    })]);
    expect(report.orphans[0].movedTo).toBeUndefined();
    expect(report.empty).toBe(1);
    expect(report.scanned).toEqual(['.atmos/state']);
  });

  it('also from describe affected on a branch: the deleted entry and the backend key are one orphan', async () => {
    const { root } = removedWorkspace();
    git(root, 'checkout', '-q', '-b', 'feature', 'HEAD~1');
    writeFileSync(join(root, 'stacks/orgs/dev.yaml'), STACK(B + C));
    git(root, 'commit', '-q', '-am', 'remove a on a branch');
    git(root, 'branch', '-q', '-f', 'main', 'HEAD~1');
    const report = await findOrphans(loadAtmosConfig({ cwd: root, env: {} }), { workspaceRoot: root, env: {}, base: 'main' });
    expect(report.orphans.map((o) => [o.instance, o.foundIn])).toEqual([[{ component: 'a', stack: 'plat-use1-dev' }, ['backend', 'describe affected']]]);
  });

  it('a base that does not exist is a note, not a failure', async () => {
    const { root } = removedWorkspace();
    const report = await findOrphans(loadAtmosConfig({ cwd: root, env: {} }), { workspaceRoot: root, env: {}, base: 'no-such-ref' });
    expect(report.orphans).toHaveLength(1);
    expect(report.notes).toEqual([`describe affected against no-such-ref was skipped: base ref "no-such-ref" names no commit of the repository ${root}`]);
  });
});

describe('destroy-orphan refuses, in one line, before changing anything', () => {
  const request = (root: string, instance: string | undefined, confirm?: string): DestroyOrphanRequest => ({
    config: loadAtmosConfig({ cwd: root, env: {} }),
    workspaceRoot: root,
    env: {},
    instance,
    confirm,
    args: [],
    command: 'nx run atmos:destroy-orphan',
    log: () => undefined,
    stdout: () => undefined,
  });

  it('an --instance that is not <component>/<stack>; a component may hold slashes', () => {
    expect(parseInstance('vpc/blue/dev-use1', 'x')).toEqual({ component: 'vpc/blue', stack: 'dev-use1' });
    for (const bad of [undefined, 'vpc', '/dev', 'vpc/']) expect(() => parseInstance(bad, 'nx run atmos:destroy-orphan')).toThrow(/--instance/);
  });

  it('a missing or different --confirm', async () => {
    const { root } = removedWorkspace();
    await expect(destroyOrphan(request(root, 'a/plat-use1-dev'))).rejects.toThrow('destroy-orphan destroys every resource in the state of a/plat-use1-dev: it needs --confirm=a/plat-use1-dev');
    await expect(destroyOrphan(request(root, 'a/plat-use1-dev', 'a/other'))).rejects.toThrow('--confirm=a/other does not match --instance=a/plat-use1-dev');
  });

  it('while a removed instance that depended on it at that commit still has resources', async () => {
    const root = writeWorkspace({
      'stacks/orgs/dev.yaml': STACK(A + '    d: {metadata: {component: node}, vars: {name: d}, settings: {depends_on: {1: {component: a}}}}\n' + C),
      'components/terraform/node/main.tf': 'variable "name" {}\n', '.gitignore': '.atmos/\n',
    });
    appliedAndCommitted(root, [['plat-use1-dev-a', WITH_RESOURCE], ['plat-use1-dev-d', WITH_RESOURCE]], 'a <- d');
    writeFileSync(join(root, 'stacks/orgs/dev.yaml'), STACK(C));
    git(root, 'commit', '-q', '-am', 'remove a and d');
    await expect(destroyOrphan(request(root, 'a/plat-use1-dev', 'a/plat-use1-dev'))).rejects
      .toThrow('cannot destroy removed instance a/plat-use1-dev: d/plat-use1-dev (1 resource) depended on it and still has resources');
  });

  it('an instance still configured, an unknown one, and one whose state holds nothing', async () => {
    const { root } = removedWorkspace();
    await expect(destroyOrphan(request(root, 'c/plat-use1-dev', 'c/plat-use1-dev'))).rejects.toThrow("c/plat-use1-dev is not a removed instance: stack 'plat-use1-dev' still defines 'c'");
    await expect(destroyOrphan(request(root, 'z/plat-use1-dev', 'z/plat-use1-dev'))).rejects.toThrow(/^unknown instance z\/plat-use1-dev: no commit among HEAD and the last 100 changes/);
    await expect(destroyOrphan(request(root, 'b/plat-use1-dev', 'b/plat-use1-dev'))).rejects
      .toThrow('nothing to destroy: the state of removed instance b/plat-use1-dev at .atmos/state/node/terraform.tfstate.d/plat-use1-dev-b/terraform.tfstate holds no resources');
  });
});
