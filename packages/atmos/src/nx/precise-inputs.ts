/**
 * Which configuration files are Nx inputs of which instance, so `nx affected -t plan` selects
 * exactly the instances whose resolved configuration changed (the set `atmos-nx describe
 * affected` reports against the same base):
 *   - a file unchanged since the merge-base is an input of every instance of the stacks whose
 *     configuration it is part of (atmos.yaml, the stack manifest, its imports, its `!include`d
 *     files). Nx sees no change in it, so it selects nothing; it is there for a `--base` other
 *     than the one the plugin compared against, and it is shared per stack (one named input on
 *     the workspace project), not repeated per instance;
 *   - a file changed since the merge-base is an input of an instance only if the instance's
 *     resolved configuration differs between the merge-base and the working tree (the base side
 *     resolved from `git archive`, only for the stacks a changed file reaches) or the instance is
 *     new. Removals count: a file deleted or dropped from the imports is an input of the
 *     instances whose configuration it was part of at the base.
 * Component folders, local modules and `dependencies.files/folders` stay file inputs of their
 * instances: any change there is a change for Terraform.
 */
import { changesConfig } from '../config/imports';
import type { AtmosConfig } from '../config/types';
import { isUserError } from '../errors/user-error';
import { baseInstances, configDifference, instanceKey } from '../stacks/affected';
import type { ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import type { BranchChanges } from './changes';

export interface PreciseInputs {
  /** The instance's configuration files that did not change (the same list for every instance of a stack). */
  unchangedOf(instance: ComponentInstance): string[];
  /** Changed configuration files that are inputs of this instance (empty unless its configuration changed). */
  changedOf(instance: ComponentInstance): string[];
}

/**
 * `onWarning` hears what makes the answer coarser than `describe affected`'s or compares with an
 * empty base (a base whose stacks do not resolve, one without stacks): the plugin prints it, as
 * `describe affected` does, so a branch that plans everything says why.
 */
export function preciseInputs(config: AtmosConfig, head: ResolvedStacks, changes: BranchChanges | undefined, env: Record<string, string | undefined>,
  onWarning?: (message: string) => void): PreciseInputs {
  const configFiles = configFilesByStack(config, head);
  if (!changes || changes.files.size === 0) return { unchangedOf: configFiles, changedOf: () => [] };
  const changed = changes.files;
  const unchanged = new Map<string, string[]>();
  const unchangedOf = (instance: ComponentInstance): string[] => {
    let list = unchanged.get(instance.manifestFile);
    if (!list) unchanged.set(instance.manifestFile, (list = configFiles(instance).filter((file) => !changed.has(file))));
    return list;
  };
  const changedIn = (files: string[]) => files.filter((file) => changed.has(file));

  // atmos.yaml (or a file it imports) changed: every instance (Nx itself treats the plugin's config file so).
  if (changesConfig(config, changed)) {
    return { unchangedOf, changedOf: (instance) => changedIn(configFiles(instance)) };
  }

  let base: ReturnType<typeof baseInstances>;
  try {
    base = baseInstances(config, changes.repoRoot, changes.mergeBase, head, changed, { env, onWarning });
  } catch (error) {
    // The base does not resolve (a mistake fixed since, a git failure): file granularity, never fewer instances.
    if (!isUserError(error)) throw error;
    onWarning?.(`${error.format(changes.repoRoot).split('\n')[0]}: every instance whose stack files changed since ${changes.mergeBase.slice(0, 12)} counts as affected`);
    return { unchangedOf, changedOf: (instance) => changedIn(configFiles(instance)) };
  }
  const stacksBase = config.stacks.basePath + '/';
  // Sound fallback for an instance that differs although none of its files (head or base) changed
  // (a base compared as empty: every instance is new): a changed manifest, else any changed file.
  const changedManifests = [...changed].filter((file) => file.startsWith(stacksBase));
  const anyChanged = changedManifests.length > 0 ? changedManifests : [...changed];
  const result = new Map<ComponentInstance, string[]>();
  for (const instance of head.instances) {
    if (!base.touched.has(instance.manifestFile)) continue;
    const before = base.byKey.get(instanceKey(instance));
    if (before && configDifference(config, before, instance) === undefined) continue;
    const files = new Set(changedIn(configFiles(instance)));
    if (before) for (const file of changedIn([before.manifestFile, ...before.imports, ...before.includedFiles])) files.add(file);
    result.set(instance, files.size > 0 ? [...files] : anyChanged);
  }
  return { unchangedOf, changedOf: (instance) => result.get(instance) ?? [] };
}

/**
 * atmos.yaml and its config imports, the stack manifest, its imports and included files: one list
 * per stack. A file read through a link (to it, or to a folder above it) inside the repository
 * is listed with the file it really is: git, and so Nx, names a change by the target's path (a
 * link's own content is only the target's name).
 */
export function configFilesByStack(config: AtmosConfig, resolved: ResolvedStacks): (instance: ComponentInstance) => string[] {
  const lists = new Map<string, string[]>();
  const repository = resolved.reader.repository;
  // Stacks share most files (the catalog): each is asked once.
  const targets = new Map<string, string | undefined>();
  const targetOf = (file: string): string | undefined => {
    let target = targets.get(file);
    if (target === undefined && !targets.has(file)) targets.set(file, (target = repository.linkTarget(file)));
    return target;
  };
  return (instance) => {
    let list = lists.get(instance.manifestFile);
    if (!list) {
      const files = new Set(config.configFiles);
      for (const group of [[instance.manifestFile], instance.imports, instance.includedFiles]) {
        for (const file of group) {
          files.add(file);
          const target = targetOf(file);
          if (target !== undefined) files.add(target);
        }
      }
      lists.set(instance.manifestFile, (list = [...files]));
    }
    return list;
  };
}
