/**
 * Instances as an earlier commit defined them: the configuration of a removed instance lives on
 * in git history. The commits looked at are the working tree, then the parent of each commit that
 * changed the stack configuration (the stacks folder or atmos.yaml), newest first: the parent of
 * the commit that removed an instance is the last commit that had it. Each one is read with
 * `git archive` into a temporary folder (the repository and its worktrees are left alone).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import type { AtmosConfig } from '../config/types';
import { isUserError } from '../errors/user-error';
import { resolveStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { git } from '../stacks/affected';

/** How many changes to the stack configuration are searched for a removed instance. */
export const HISTORY_DEPTH = 100;

/** A commit's tree, extracted: its atmos.yaml and deployable instances. `remove()` deletes the folder. */
export interface CommitTree {
  commit: string;
  /** The extracted repository. */
  root: string;
  config: AtmosConfig;
  instances: ComponentInstance[];
  /** A path of the extracted tree, as the same path in the repository. */
  inRepository(path: string): string;
  /** A path of the repository, as the same path in the extracted tree. */
  inTree(path: string): string;
  remove(): void;
}

export function repositoryRoot(config: AtmosConfig): string {
  return git(config.basePath, ['rev-parse', '--show-toplevel']).trim();
}

/** The parents of the commits that changed the stacks or atmos.yaml, newest first (at most `depth`). */
export function configurationCommits(config: AtmosConfig, repoRoot: string, depth = HISTORY_DEPTH): string[] {
  const paths = [relative(repoRoot, config.stacks.basePath) || '.', ...(config.configFile ? [relative(repoRoot, config.configFile)] : [])];
  let log: string;
  try {
    log = git(repoRoot, ['log', '--format=%H %P', `-n${depth}`, '--', ...paths]);
  } catch {
    return []; // no commit yet
  }
  const parents: string[] = [];
  for (const line of log.split('\n')) {
    const parent = line.trim().split(' ')[1];
    if (parent && !parents.includes(parent)) parents.push(parent);
  }
  return parents;
}

/** The tree of `commit`, resolved; undefined when it has no readable stack configuration (skipped, not fatal). */
export function commitTree(config: AtmosConfig, repoRoot: string, commit: string, env: Record<string, string | undefined>): CommitTree | undefined {
  const root = mkdtempSync(join(tmpdir(), 'atmos-history-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    const archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', commit], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
    const inTree = (path: string) => join(root, relative(repoRoot, path));
    const treeConfig = loadAtmosConfig({
      cwd: inTree(config.basePath),
      env: { ...env, ATMOS_CLI_CONFIG_PATH: config.configFile ? inTree(config.configFile) : undefined, ATMOS_BASE_PATH: undefined },
    });
    const instances = resolveStacks(treeConfig, { env, computeDeps: false }).instances.filter((i) => !i.abstract && i.enabled);
    return { commit, root, config: treeConfig, instances, inRepository: (path) => join(repoRoot, relative(root, path)), inTree, remove };
  } catch (error) {
    remove();
    // A commit whose manifests do not resolve (or that has no atmos.yaml) tells us nothing.
    if (isUserError(error) || (error as { status?: number }).status !== undefined) return undefined;
    throw error;
  }
}

/** HEAD, then the configuration commits (HEAD's committed tree: the working tree may have removed an instance not yet committed). */
export function historyCommits(config: AtmosConfig, repoRoot: string, depth = HISTORY_DEPTH): string[] {
  let head: string;
  try {
    head = git(repoRoot, ['rev-parse', '--verify', 'HEAD']).trim();
  } catch {
    return []; // no commit yet
  }
  return [...new Set([head, ...configurationCommits(config, repoRoot, depth)])];
}

/**
 * The first tree (newest first, see historyCommits) for which `pick` finds something, with that
 * tree (the caller removes it), or undefined.
 */
export function searchHistory<T>(
  config: AtmosConfig,
  env: Record<string, string | undefined>,
  pick: (tree: CommitTree) => T | undefined,
  depth = HISTORY_DEPTH,
): { tree: CommitTree; found: T } | undefined {
  const repoRoot = repositoryRoot(config);
  for (const commit of historyCommits(config, repoRoot, depth)) {
    const tree = commitTree(config, repoRoot, commit, env);
    if (!tree) continue;
    const found = pick(tree);
    if (found !== undefined) return { tree, found };
    tree.remove();
  }
  return undefined;
}

/** An instance of a commit's tree, with its paths in the repository: where its state lives is computed from this. */
export function asInRepository(instance: ComponentInstance, tree: CommitTree): ComponentInstance {
  return { ...instance, componentPath: tree.inRepository(instance.componentPath), manifestFile: tree.inRepository(instance.manifestFile) };
}
