import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { branchChanges, branchState, type NxJsonBase } from './changes';

afterAll(removeFixtures);

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });

/** main with one commit, branch `feature` one commit ahead (a.yaml edited), b.yaml edited uncommitted. */
function repo(): string {
  const root = writeWorkspace({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-qb', 'feature');
  writeFileSync(join(root, 'a.yaml'), 'a: 2\n');
  git(root, 'commit', '-qam', 'edit a');
  writeFileSync(join(root, 'b.yaml'), 'b: 2\n');
  return root;
}

describe('branchChanges (what nx affected compares against, seen from the plugin)', () => {
  it('NX_BASE, nx.json defaultBase or main; NX_HEAD compares two commits and leaves out the working tree', () => {
    const root = repo();
    const files = (env: Record<string, string>, nxJson?: { defaultBase?: string }) => [...branchChanges(root, env, nxJson)?.files ?? []].map((file) => file.slice(root.length + 1)).sort();
    expect(files({})).toEqual(['a.yaml', 'b.yaml']);
    expect(files({ NX_BASE: 'feature' })).toEqual(['b.yaml']);
    expect(files({}, { defaultBase: 'feature' })).toEqual(['b.yaml']);
    expect(branchChanges(root, { NX_BASE: 'no-such-branch' }, undefined)).toBeUndefined();
    // NX_HEAD: Nx compares two commits; the graph is the working tree's, so only when it is that commit.
    git(root, 'checkout', '-q', '--', 'b.yaml');
    expect(files({ NX_BASE: 'main', NX_HEAD: 'feature' })).toEqual(['a.yaml']);
  });

  it('NX_HEAD that is not the working tree (another commit, uncommitted or untracked changes): no changes are known, and the reason says so', () => {
    const root = repo();
    const reason = (env: Record<string, string>) => branchState(root, env, undefined).unknownReason;
    expect(reason({ NX_HEAD: 'feature' })).toMatch(/^NX_HEAD "feature" has uncommitted or untracked changes in the working tree, and the plugin compares the working tree: nx affected selects by file/);
    git(root, 'checkout', '-q', '--', 'b.yaml');
    expect(reason({ NX_HEAD: 'feature' })).toBeUndefined();
    expect(reason({ NX_HEAD: 'main' })).toMatch(/^NX_HEAD "main" is not the commit checked out/);
    writeFileSync(join(root, 'new.yaml'), 'n: 1\n');
    expect(reason({ NX_HEAD: 'HEAD' })).toMatch(/untracked/);
    // Only where the graph reads counts (the plugin passes the stacks and components folders, atmos.yaml).
    mkdirSync(join(root, 'stacks'));
    expect(branchState(root, { NX_HEAD: 'HEAD' }, undefined, [join(root, 'stacks'), join(root, 'a.yaml')]).unknownReason).toBeUndefined();
    writeFileSync(join(root, 'stacks/x.yaml'), 'x: 1\n');
    expect(branchState(root, { NX_HEAD: 'HEAD' }, undefined, [join(root, 'stacks'), join(root, 'a.yaml')]).unknownReason).toMatch(/untracked/);
  });

  it('an NX_BASE or NX_HEAD that reads as a git option is not one: no changes are known (file granularity), git writes nothing', () => {
    const root = repo();
    const written = join(root, 'written-by-git');
    expect(branchChanges(root, { NX_BASE: `--output=${written}` }, undefined)).toBeUndefined();
    expect(branchChanges(root, { NX_HEAD: `--output=${written}` }, undefined)).toBeUndefined();
    expect(branchChanges(root, {}, { defaultBase: `--output=${written}` })).toBeUndefined();
    expect(existsSync(written)).toBe(false);
  });

  it('branchState: the reason says which base names no commit and where it came from; nothing when the base resolves or there is no repository', () => {
    const root = repo();
    const unknownChangesReason = (cwd: string, env: Record<string, string>, nxJson: NxJsonBase | undefined) => branchState(cwd, env, nxJson).unknownReason;
    expect(unknownChangesReason(root, {}, undefined)).toBeUndefined();
    expect(unknownChangesReason(root, { NX_BASE: 'origin/main' }, { defaultBase: 'main' })).toMatch(
      /^the base "origin\/main" \(NX_BASE\) names no commit in this repository: nx affected selects by file .*; fetch it .*, or set NX_BASE/);
    expect(unknownChangesReason(root, {}, { defaultBase: 'master' })).toMatch(/^the base "master" \(nx\.json defaultBase\) names no commit/);
    expect(unknownChangesReason(root, { NX_HEAD: 'no-such-head' }, undefined)).toMatch(/^NX_HEAD "no-such-head" names no commit in this repository: nx affected selects by file/);
    expect(unknownChangesReason(root, { NX_BASE: '--output=x' }, undefined)).toMatch(/^the base "--output=x" \(NX_BASE\) starts with "-", so it is never given to git: nx affected selects by file/);
    expect(unknownChangesReason(writeWorkspace({ 'a.yaml': 'a: 1\n' }), {}, undefined)).toBeUndefined();
  });
});
