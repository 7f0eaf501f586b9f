/**
 * The Nx plugin's graph model (instances, edges with their reasons) -> what a diagram draws:
 * the selected instances and the ones they touch, grouped (by stack, account or environment),
 * each with its layer, its topological level and its latest drift/plan status, and the edges
 * from dependency to dependent. Everything is sorted, so two runs over the same workspace give
 * the same text. Mermaid, DOT and JSON are renderings of this one model.
 */
import { AtmosUserError } from '../errors/user-error';
import type { GraphModel, InstanceProject } from '../nx/graph-model';
import { edgeLabel } from './reasons';
import { instanceKey, type InstanceResult, type InstanceStatus } from './results';
import { selectProjects, tagValue, type Selection } from './select';
import { isLayer, type Layer } from './style';

export const GROUP_BY = ['stack', 'account', 'environment'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface DiagramNode {
  /** The Nx project name (`vpc-dev-use1`). */
  project: string;
  component: string;
  stack: string;
  group: string;
  /** `vars.stage`: the account, which colours the group. */
  account?: string;
  layer?: Layer;
  /** 0 for an instance without dependencies, else one more than its deepest dependency. */
  level: number;
  /** Drawn because a selected instance depends on it or feeds it, not selected itself. */
  outside: boolean;
  status?: InstanceStatus;
  statusSummary?: string;
}

export interface DiagramEdge {
  /** The dependency. */
  from: string;
  /** The dependent. */
  to: string;
  reasons: string[];
  label: string;
}

export interface DiagramGroup {
  name: string;
  account?: string;
  nodes: DiagramNode[];
}

export interface Diagram {
  groupBy: GroupBy;
  groups: DiagramGroup[];
  edges: DiagramEdge[];
  /** `settings.layer` values that are not one of LAYERS, with an instance that has each. */
  unknownLayers: Array<{ layer: string; project: InstanceProject }>;
}

export interface DiagramOptions extends Selection {
  groupBy?: GroupBy;
  maxNodes?: number;
  /** Latest result per `instanceKey(component, stack)`. */
  results?: Map<string, InstanceResult>;
}

export function buildDiagram(model: GraphModel, options: DiagramOptions = {}): Diagram {
  const groupBy = options.groupBy ?? 'stack';
  const byName = new Map(model.projects.map((p) => [p.name, p]));
  const edges = model.edges.filter((e) => byName.has(e.source) && byName.has(e.target));
  const levels = topologicalLevels(model.projects, edges);

  const selected = new Set(selectProjects(model.projects, options).map((p) => p.name));
  // One step beyond the selection, both ways: `--stack dev-use1` still shows the shared DNS zone it reads.
  const drawn = new Set(selected);
  const drawnEdges = edges.filter((e) => selected.has(e.source) || selected.has(e.target));
  for (const edge of drawnEdges) drawn.add(edge.source).add(edge.target);

  if (options.maxNodes !== undefined && drawn.size > options.maxNodes) {
    const outside = drawn.size - selected.size;
    throw new AtmosUserError('USAGE',
      `the graph has ${drawn.size} instances${outside > 0 ? ` (${selected.size} selected, ${outside} more they depend on or feed)` : ''}, more than --max-nodes ${options.maxNodes}`,
      undefined, 'narrow it with --stack <stack>, --environment <environment> or -p tag:stage:<account>, or raise --max-nodes');
  }

  const groupOf = (project: InstanceProject): string => {
    if (groupBy === 'stack') return project.stack;
    const value = tagValue(project, groupBy === 'account' ? 'stage' : 'environment');
    return value ?? (groupBy === 'account' ? '(no vars.stage)' : '(no vars.environment)');
  };
  const nodes: DiagramNode[] = [...drawn].map((name) => {
    const project = byName.get(name)!;
    const result = options.results?.get(instanceKey(project.component, project.stack));
    const account = tagValue(project, 'stage');
    return {
      project: name,
      component: project.component,
      stack: project.stack,
      group: groupOf(project),
      ...(account !== undefined ? { account } : {}),
      ...(project.layer !== undefined && isLayer(project.layer) ? { layer: project.layer } : {}),
      level: levels.get(name)!,
      outside: !selected.has(name),
      ...(result ? { status: result.status, ...(result.summary ? { statusSummary: result.summary } : {}) } : {}),
    };
  });
  nodes.sort((a, b) => a.level - b.level || compare(a.component, b.component) || compare(a.stack, b.stack) || compare(a.project, b.project));

  const groups = new Map<string, DiagramGroup>();
  for (const node of nodes) {
    let group = groups.get(node.group);
    if (!group) groups.set(node.group, (group = { name: node.group, nodes: [] }));
    group.nodes.push(node);
  }
  for (const group of groups.values()) {
    // A group has an account colour when all its instances are in one account.
    const accounts = new Set(group.nodes.map((n) => n.account));
    const [only] = accounts;
    if (accounts.size === 1 && only !== undefined) group.account = only;
  }

  const diagramEdges: DiagramEdge[] = drawnEdges.map((e) => {
    const reasons = e.reasons ?? [e.via];
    return { from: e.target, to: e.source, reasons, label: edgeLabel(reasons) };
  });
  diagramEdges.sort((a, b) => levels.get(a.from)! - levels.get(b.from)! || compare(a.from, b.from) || levels.get(a.to)! - levels.get(b.to)! || compare(a.to, b.to));

  const unknownLayers = new Map<string, InstanceProject>();
  for (const name of [...drawn].sort()) {
    const project = byName.get(name)!;
    if (project.layer !== undefined && !isLayer(project.layer) && !unknownLayers.has(project.layer)) unknownLayers.set(project.layer, project);
  }

  return {
    groupBy,
    groups: [...groups.values()].sort((a, b) => compare(a.name, b.name)),
    edges: diagramEdges,
    unknownLayers: [...unknownLayers].map(([layer, project]) => ({ layer, project })),
  };
}

/** Longest path from an instance without dependencies (Kahn's algorithm: no recursion depth limit). */
function topologicalLevels(projects: InstanceProject[], edges: GraphModel['edges']): Map<string, number> {
  const levels = new Map(projects.map((p) => [p.name, 0]));
  const waiting = new Map(projects.map((p) => [p.name, 0]));
  const dependents = new Map<string, string[]>();
  for (const edge of edges) {
    waiting.set(edge.source, waiting.get(edge.source)! + 1);
    const list = dependents.get(edge.target);
    if (list) list.push(edge.source);
    else dependents.set(edge.target, [edge.source]);
  }
  const ready = projects.filter((p) => waiting.get(p.name) === 0).map((p) => p.name);
  while (ready.length > 0) {
    const name = ready.pop()!;
    for (const dependent of dependents.get(name) ?? []) {
      levels.set(dependent, Math.max(levels.get(dependent)!, levels.get(name)! + 1));
      const left = waiting.get(dependent)! - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  return levels;
}

/** Code-point order, not locale order: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
