/**
 * What `nx affected` will compare against, seen from inside a plugin worker. Nx hands plugins no
 * base ref, so this follows Nx's own defaults: the base is `NX_BASE` (nx-set-shas exports it in
 * CI, and the daemon forwards each client's environment to plugin workers) or nx.json
 * `defaultBase` (Nx's default `main`); the comparison runs from the merge-base of base and HEAD
 * (or `NX_HEAD`), and the changed files are those `git diff` lists from there, plus uncommitted
 * and untracked ones without `NX_HEAD` — the set Nx computes itself. With `NX_HEAD`, only when the
 * working tree is that commit: the graph is the working tree's.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedSince, commitOf } from '../stacks/affected';

export interface BranchChanges {
  /** The ref as configured (`NX_BASE`, nx.json defaultBase, or main). */
  baseRef: string;
  headRef?: string;
  /** The commit compared against: merge-base of baseRef and HEAD (or headRef). */
  mergeBase: string;
  /** HEAD's commit: a new commit re-keys the graph. */
  headCommit: string;
  /** Files Nx counts as changed, absolute. */
  files: Set<string>;
  repoRoot: string;
}

export interface NxJsonBase {
  defaultBase?: string;
  affected?: { defaultBase?: string };
}

export function baseRefFor(env: Record<string, string | undefined>, nxJson: NxJsonBase | undefined): string {
  return baseRefWithSource(env, nxJson).ref;
}

/** The base ref, and which setting gave it (for messages). */
function baseRefWithSource(env: Record<string, string | undefined>, nxJson: NxJsonBase | undefined): { ref: string; source: string } {
  if (env.NX_BASE) return { ref: env.NX_BASE, source: 'NX_BASE' };
  if (nxJson?.defaultBase) return { ref: nxJson.defaultBase, source: 'nx.json defaultBase' };
  if (nxJson?.affected?.defaultBase) return { ref: nxJson.affected.defaultBase, source: 'nx.json affected.defaultBase' };
  return { ref: 'main', source: "Nx's default base" };
}

/** The base `nx affected` uses in this workspace when given none: what `describe affected` and `orphans` default to. */
export function defaultBaseRef(workspaceRoot: string, env: Record<string, string | undefined>): string {
  return baseRefFor(env, readNxJsonBase(workspaceRoot));
}

export function readNxJsonBase(workspaceRoot: string): NxJsonBase | undefined {
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8')) as NxJsonBase;
  } catch {
    return undefined;
  }
}

/** What the plugin knows of the branch: its changes, or why they are unknown when a user can act on it. */
export interface BranchState {
  changes?: BranchChanges;
  /** Set when changes are unknown because the base or NX_HEAD names no commit here (not outside a repository). */
  unknownReason?: string;
}

/**
 * The changes since the merge-base, or undefined when they cannot be known (not a git
 * repository, the base ref does not exist): every configuration file then counts as
 * unchanged, and affected falls back to file granularity (never misses an instance).
 */
export function branchChanges(workspaceRoot: string, env: Record<string, string | undefined>, nxJson: NxJsonBase | undefined): BranchChanges | undefined {
  return branchState(workspaceRoot, env, nxJson).changes;
}

/**
 * branchChanges with the reason it has none: the plugin asks once per graph computation, and
 * prints the reason only when it computes. `configPaths` (the stacks and components folders,
 * atmos.yaml): where an uncommitted change makes the working tree differ from NX_HEAD for the
 * graph (default: the whole repository).
 */
export function branchState(workspaceRoot: string, env: Record<string, string | undefined>, nxJson: NxJsonBase | undefined, configPaths?: string[]): BranchState {
  const { ref: baseRef, source } = baseRefWithSource(env, nxJson);
  const headRef = env.NX_HEAD || undefined;
  // One git process for both (a plugin worker runs this on every graph computation): it fails
  // outside a repository and before the first commit, as either question alone would; Nx has
  // no affected there either, so there is nothing to say.
  const [repoRoot, headCommit] = (tryGit(workspaceRoot, ['rev-parse', '--show-toplevel', 'HEAD^{commit}', '--']) ?? '').split('\n').map((line) => line.trim());
  if (!repoRoot || !headCommit || !/^[0-9a-f]{40,64}$/.test(headCommit)) return {};
  const fallback = 'nx affected selects by file (every instance of the stacks a changed file is part of), not by resolved configuration';
  // Refs go to git as hashes, or as names only once they cannot read as an option (see commitOf).
  const problem = (ref: string) => (ref.startsWith('-') ? 'starts with "-", so it is never given to git' : 'names no commit in this repository');
  const head = headRef === undefined ? 'HEAD' : commitOf(repoRoot, headRef);
  if (headRef !== undefined && head === undefined) return { unknownReason: `NX_HEAD "${headRef}" ${problem(headRef)}: ${fallback}` };
  if (head === undefined) return {};
  // Nx compares the merge-base with the NX_HEAD commit, while the graph, and so the comparison
  // that makes inputs precise, is the working tree's: they agree only when the working tree is
  // that commit (CI's checkout). Otherwise a changed file could be an input of the wrong instances.
  if (headRef !== undefined) {
    const differs = head !== headCommit ? 'is not the commit checked out' : workingTreeChanges(repoRoot, configPaths);
    if (differs) return { unknownReason: `NX_HEAD "${headRef}" ${differs}, and the plugin compares the working tree: ${fallback}; check NX_HEAD out (or commit), or unset NX_HEAD` };
  }
  const baseUnknown = { unknownReason: `the base "${baseRef}" (${source}) ${problem(baseRef)}: ${fallback}; fetch it (a shallow CI checkout has only the commit it builds), or set NX_BASE (nx-set-shas does)` };
  if (baseRef.startsWith('-')) return baseUnknown;
  // As Nx: merge-base, then --fork-point (which reads the base ref's reflog), then the ref itself.
  const mergeBase = (tryGit(repoRoot, ['merge-base', baseRef, head])
    ?? tryGit(repoRoot, ['merge-base', '--fork-point', baseRef, head])
    ?? commitOf(repoRoot, baseRef))?.trim();
  if (!mergeBase) return baseUnknown;
  try {
    return { changes: { baseRef, headRef, mergeBase, headCommit, files: changedSince(repoRoot, mergeBase, headRef === undefined ? undefined : head), repoRoot } };
  } catch {
    return {};
  }
}

/**
 * Why the working tree is not HEAD where the graph reads (uncommitted or untracked files there),
 * or undefined when it is. `--no-optional-locks`: a status run from a plugin worker must not take
 * the index lock a `git commit` in the user's terminal needs.
 */
function workingTreeChanges(repoRoot: string, paths: string[] | undefined): string | undefined {
  const status = tryGit(repoRoot, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=normal', '--', ...(paths ?? ['.'])]);
  if (status === undefined) return 'could not be compared with the working tree (git status failed)';
  return status === '' ? undefined : 'has uncommitted or untracked changes in the working tree';
}

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  } catch {
    return undefined;
  }
}
