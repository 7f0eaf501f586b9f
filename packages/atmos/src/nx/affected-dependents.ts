/**
 * `describe affected --include-dependents`, as Atmos v1.226.1 shapes it: each affected entry
 * lists the instances that depend on it, each with its own dependents, and
 * `included_in_dependents` says when an entry (or a dependent) is already in another's tree, so
 * a pipeline plans it once. The dependencies are the graph's, the edges `nx graph` draws:
 * declared ones (`settings.depends_on`, `dependencies.components`) as in Atmos, and the ones
 * inferred from references (`!terraform.output`, `atmos.Component`, ...), which Atmos's
 * `describe dependents` does not follow.
 */
import type { AtmosConfig } from '../config/types';
import { pluginOptions } from '../graph';
import { instanceFields, instanceKey, type AffectedInstance, type InstanceFields } from '../stacks/affected';
import { resolveStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { buildGraphModel } from './graph-model';
import { normaliseOptions } from './options';

export interface Dependent extends InstanceFields {
  dependents: Dependent[];
  included_in_dependents: boolean;
  settings?: AffectedInstance['settings'];
}

export type AffectedWithDependents = AffectedInstance & { dependents: Dependent[]; included_in_dependents: boolean };

export function withDependents(config: AtmosConfig, affected: AffectedInstance[], env: Record<string, string | undefined>, workspaceRoot: string,
  options: { includeSettings?: boolean; onlyInStack?: string } = {}): AffectedWithDependents[] {
  const resolved = resolveStacks(config, { env, computeDeps: false });
  const model = buildGraphModel({ workspaceRoot, resolved, options: normaliseOptions(pluginOptions(workspaceRoot)) });
  const byName = new Map(model.projects.map((project) => [project.name, instanceKey(project)]));
  const instances = new Map(resolved.instances.map((instance) => [instanceKey(instance), instance]));
  // Who depends on an instance: an edge's source depends on its target.
  const dependentsOf = new Map<string, ComponentInstance[]>();
  for (const edge of model.edges) {
    const target = byName.get(edge.target);
    const source = instances.get(byName.get(edge.source) ?? '');
    // As Atmos's --stack: dependents in that stack only.
    if (target === undefined || source === undefined || (options.onlyInStack !== undefined && source.stack !== options.onlyInStack)) continue;
    const list = dependentsOf.get(target);
    if (list) list.push(source);
    else dependentsOf.set(target, [source]);
  }
  for (const list of dependentsOf.values()) list.sort((a, b) => a.stack.localeCompare(b.stack) || a.component.localeCompare(b.component));
  // The graph has no cycle (validated when it is built): every tree is finite.
  const treeOf = (instance: ComponentInstance): Dependent[] => (dependentsOf.get(instanceKey(instance)) ?? []).map((dependent) => ({
    ...instanceFields(config, dependent),
    dependents: treeOf(dependent),
    included_in_dependents: false,
    ...(options.includeSettings ? { settings: dependent.sections.settings } : {}),
  }));
  const entries: AffectedWithDependents[] = affected.map((entry) => {
    const instance = entry.deleted ? undefined : instances.get(instanceKey(entry));
    return { ...entry, dependents: instance ? treeOf(instance) : [], included_in_dependents: false };
  });
  for (const entry of entries) {
    entry.included_in_dependents = entries.some((other) => other !== entry && inTree(other.dependents, entry.stack_slug));
    if (!entry.included_in_dependents) markPeers(entry.dependents);
  }
  return entries;
}

function inTree(dependents: Dependent[], slug: string): boolean {
  return dependents.some((dependent) => dependent.stack_slug === slug || inTree(dependent.dependents, slug));
}

/** Within one tree, a dependent that a sibling's tree holds too is marked there (Atmos's peer dependencies). */
function markPeers(dependents: Dependent[]): void {
  for (const dependent of dependents) {
    dependent.included_in_dependents = dependents.some((other) => other !== dependent && (other.stack_slug === dependent.stack_slug || inTree(other.dependents, dependent.stack_slug)));
    markPeers(dependent.dependents);
  }
}
