/**
 * `describe affected --include-dependents`, as Atmos v1.226.1 shapes it: each affected entry
 * lists the instances that depend on it, each with its own dependents, and
 * `included_in_dependents` says when an entry (or a dependent) is already in another's tree, so
 * a pipeline plans it once. The dependencies are the edges `nx graph` draws: the declared ones
 * (`settings.depends_on`, `dependencies.components`), as in Atmos, and the ones inferred from
 * references (`!terraform.output`, `atmos.Component`, `${{ output... }}`), which Atmos's
 * `describe dependents` does not follow.
 */
import type { AtmosConfig } from '../config/types';
import type { AtmosUserError } from '../errors/user-error';
import { instanceFields, instanceKey, type AffectedInstance, type Dependent } from '../stacks/affected';
import type { ComponentInstance } from '../stacks/types';
import { dependencyEdges } from './graph-model';
import { normaliseOptions, type AtmosPluginOptions } from './options';
import { expressionReferences, resolveWithTemplateReferences } from './plugin';

export interface DependentsOptions {
  includeSettings?: boolean;
  /** As Atmos's --stack: dependents in that stack only. */
  onlyInStack?: string;
}

export function withDependents(config: AtmosConfig, affected: AffectedInstance[], workspaceRoot: string, pluginOptions: AtmosPluginOptions | undefined,
  options: DependentsOptions = {}): AffectedInstance[] {
  // A mistake elsewhere in the stacks leaves its own edges out, not the others': it is not this command's to report.
  const problems: AtmosUserError[] = [];
  const { resolved, templateReferences } = resolveWithTemplateReferences(config, problems);
  const { edges, instances } = dependencyEdges({ workspaceRoot, resolved, options: normaliseOptions(pluginOptions), templateReferences, expressionReferences }, problems);
  const byKey = new Map([...instances.values()].map((instance) => [instanceKey(instance), instance]));
  // An edge's source depends on its target.
  const dependentsOf = new Map<ComponentInstance, ComponentInstance[]>();
  for (const edge of edges) {
    const target = instances.get(edge.target);
    const source = instances.get(edge.source);
    if (target === undefined || source === undefined || (options.onlyInStack !== undefined && source.stack !== options.onlyInStack)) continue;
    const list = dependentsOf.get(target);
    if (list) list.push(source);
    else dependentsOf.set(target, [source]);
  }
  for (const list of dependentsOf.values()) list.sort((a, b) => a.stack.localeCompare(b.stack) || a.component.localeCompare(b.component));
  // The graph has no cycle (a cycle is a mistake, and its edges are not followed twice here): every tree is finite.
  const treeOf = (instance: ComponentInstance, path: Set<ComponentInstance>): Dependent[] => (dependentsOf.get(instance) ?? [])
    .filter((dependent) => !path.has(dependent))
    .map((dependent) => ({
      ...instanceFields(config, dependent),
      dependents: treeOf(dependent, new Set(path).add(dependent)),
      included_in_dependents: false,
      settings: options.includeSettings ? dependent.sections.settings : null,
    }));
  const entries = affected.map((entry) => {
    const instance = entry.deleted ? undefined : byKey.get(instanceKey(entry));
    return { ...entry, dependents: instance ? treeOf(instance, new Set([instance])) : [] };
  });
  markIncluded(entries);
  return entries;
}

/**
 * Atmos's marks: an entry is included when another entry's tree holds it; in the tree of an entry
 * that is not, a dependent is included when a sibling (or the sibling's tree) holds it. Each tree's
 * slugs are collected once, so this is linear in the size of the trees.
 */
function markIncluded(entries: Array<AffectedInstance & { dependents: Dependent[] }>): void {
  const slugsOf = new Map<Dependent[], Set<string>>();
  const slugsIn = (dependents: Dependent[]): Set<string> => {
    let slugs = slugsOf.get(dependents);
    if (!slugs) {
      slugs = new Set();
      for (const dependent of dependents) {
        slugs.add(dependent.stack_slug);
        for (const slug of slugsIn(dependent.dependents)) slugs.add(slug);
      }
      slugsOf.set(dependents, slugs);
    }
    return slugs;
  };
  // How many entries' trees hold a slug (an entry's own tree never holds itself: the graph has no cycle).
  const holders = countHolders(entries.map((entry) => slugsIn(entry.dependents)));
  for (const entry of entries) {
    entry.included_in_dependents = (holders.get(entry.stack_slug) ?? 0) > 0;
    if (!entry.included_in_dependents) markPeers(entry.dependents, slugsIn);
  }
}

function markPeers(siblings: Dependent[], slugsIn: (dependents: Dependent[]) => Set<string>): void {
  // Each sibling holds itself and its tree; a dependent is included when another sibling holds it.
  const held = siblings.map((sibling) => new Set([sibling.stack_slug, ...slugsIn(sibling.dependents)]));
  const holders = countHolders(held);
  siblings.forEach((dependent, index) => {
    dependent.included_in_dependents = (holders.get(dependent.stack_slug) ?? 0) - (held[index].has(dependent.stack_slug) ? 1 : 0) > 0;
    markPeers(dependent.dependents, slugsIn);
  });
}

function countHolders(sets: Set<string>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const set of sets) for (const slug of set) counts.set(slug, (counts.get(slug) ?? 0) + 1);
  return counts;
}
