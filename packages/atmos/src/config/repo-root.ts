/**
 * The git repository root, for `!repo-root` (and its alias `!git.root`) in manifests and in
 * atmos.yaml: the nearest folder upwards holding `.git` (a folder, or a file in a worktree).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { YamlFunction, isPlainMap, mapLeaves, type PlainMap } from '../stacks/values';

export function findRepoRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

const REPO_ROOT_TAGS = new Set(['!repo-root', '!git.root']);

/**
 * Atmos v1.226.1 evaluates `!repo-root` / `!git.root` wherever atmos.yaml holds them
 * (pkg/config/process_yaml.go processGitRootTag -> pkg/git ProcessTagRoot): the git root found
 * from the working directory, else the tag's argument as default, else an error.
 */
export function resolveConfigRepoRoot(raw: PlainMap, cwd: string): PlainMap {
  let root: string | undefined | null = null;
  const value = mapLeaves(raw, (leaf) => {
    if (!(leaf instanceof YamlFunction) || !REPO_ROOT_TAGS.has(leaf.tag)) return leaf;
    if (root === null) root = findRepoRoot(cwd);
    if (root !== undefined) return root;
    if (leaf.args !== '') return leaf.args;
    const location: SourceLocation | undefined = leaf.location;
    throw new AtmosUserError('CONFIG_INVALID', `${leaf.tag}: ${cwd} is not inside a git repository`, location,
      `run from inside the repository, or give a default: ${leaf.tag} <path>`);
  });
  return isPlainMap(value) ? value : raw;
}
