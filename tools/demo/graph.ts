/** The parts of `nx graph --file` output the demo reads, and the order applies run in. */
export interface NxGraphFile {
  graph: {
    nodes: Record<string, { data: { tags?: string[]; metadata?: { atmos?: { locked?: boolean } } } }>;
    dependencies: Record<string, Array<{ source: string; target: string; type: string }>>;
  };
}

export interface Edge {
  source: string;
  target: string;
}

/** Edges whose source is among `projects` (targets may lie outside: the caller checks that). */
export function edgesOf(graph: NxGraphFile, projects: Set<string>): Edge[] {
  const edges: Edge[] = [];
  for (const [source, deps] of Object.entries(graph.graph.dependencies)) {
    if (!projects.has(source)) continue;
    for (const dep of deps) if (dep.target !== source) edges.push({ source, target: dep.target });
  }
  return edges.sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
}

/**
 * The projects in waves: wave 1 depends on nothing, each later wave only on earlier ones (the
 * longest path to each project). Throws on a cycle, which Nx would also refuse.
 */
export function dependencyWaves(projects: string[], edges: Edge[]): string[][] {
  const deps = new Map(projects.map((p) => [p, new Set<string>()]));
  for (const { source, target } of edges) if (deps.has(source) && deps.has(target)) deps.get(source)?.add(target);
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const levelOf = (p: string): number => {
    const known = level.get(p);
    if (known !== undefined) return known;
    if (visiting.has(p)) throw new Error(`dependency cycle through ${p}`);
    visiting.add(p);
    let l = 0;
    for (const d of deps.get(p) ?? []) l = Math.max(l, levelOf(d) + 1);
    visiting.delete(p);
    level.set(p, l);
    return l;
  };
  const waves: string[][] = [];
  for (const p of [...projects].sort()) (waves[levelOf(p)] ??= []).push(p);
  return waves;
}
