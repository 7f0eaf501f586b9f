/**
 * The pictures are read by the real tools, not by eye: every diagram of the reference
 * architecture (this repository's stacks/) and of a fixture with awkward names and labels is
 * accepted by Mermaid's own parser (the `mermaid` package in Node, a jsdom DOM: mermaid-check.mjs)
 * and by Graphviz's `dot` (Debian's graphviz; .ci/run installs it), and both tools see the
 * instances, groups, edges and classes that the JSON format lists.
 */
import * as path from 'path';
import { assertSuccess, createWorkspace, runCommand, type Workspace } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'packages/atmos/bin/atmos-nx.js');
const MERMAID_CHECK = path.join(__dirname, 'mermaid-check.mjs');

interface GraphJson {
  groups: Array<{ name: string; instances: string[] }>;
  nodes: Array<{ project: string; component: string; stack: string; layer?: string; status?: string; outside: boolean }>;
  edges: Array<{ from: string; to: string; label: string }>;
}

interface MermaidSummary {
  type: string;
  vertices: Array<{ id: string; text: string; classes: string[] }>;
  edges: Array<{ start: string; end: string; text: string; stroke: string }>;
  subgraphs: Array<{ id: string; title: string; nodes: string[] }>;
  classes: string[];
  error?: string;
}

interface Drawn {
  graph: GraphJson;
  mermaid: string;
  dot: string;
}

async function atmosNx(cwd: string, args: string[]): Promise<string> {
  return assertSuccess(await runCommand(process.execPath, [CLI, 'describe', 'graph', ...args], { cwd })).stdout;
}

async function draw(cwd: string, args: string[]): Promise<Drawn> {
  const [json, mermaid, dot] = await Promise.all(['json', 'mermaid', 'dot'].map((format) => atmosNx(cwd, [...args, '--format', format])));
  return { graph: JSON.parse(json) as GraphJson, mermaid, dot };
}

/** Mermaid's parser on several diagrams in one process (mermaid takes seconds to load). */
async function mermaidParse(texts: string[]): Promise<MermaidSummary[]> {
  const run = await runCommand(process.execPath, [MERMAID_CHECK], { input: JSON.stringify(texts), cwd: REPO, timeoutMs: 180_000 });
  if (!run.stdout.trim()) throw new Error(`mermaid-check printed nothing (exit ${run.exitCode}): ${run.stderr}`);
  const summaries = JSON.parse(run.stdout) as MermaidSummary[];
  summaries.forEach((summary, i) => {
    if (summary.error) throw new Error(`Mermaid refused the diagram: ${summary.error}\n${texts[i]}`);
  });
  return summaries;
}

/** `dot -Tjson`: fails the test (never skips) when Graphviz is missing or complains. */
async function graphviz(text: string): Promise<{ objects: Array<{ name: string }>; edges?: unknown[]; _subgraph_cnt: number }> {
  const run = await runCommand('dot', ['-Tjson'], { input: text, timeoutMs: 120_000 });
  if (run.exitCode === null && /ENOENT/.test(run.stderr)) throw new Error('Graphviz `dot` is missing: apt-get install -y graphviz (.ci/run installs it)');
  if (run.exitCode !== 0) throw new Error(`dot refused the diagram (exit ${run.exitCode}): ${run.stderr}\n${text}`);
  expect(run.stderr).toBe(''); // Graphviz warns on stderr about unknown attributes, bad colours, ...
  return JSON.parse(run.stdout);
}

/** What Mermaid understood, against the JSON model of the same selection. */
function expectMermaidSees(summary: MermaidSummary, graph: GraphJson): void {
  expect(summary.type).toBe('flowchart-v2');
  const groupIds = new Set(summary.subgraphs.map((s) => s.id));
  // A `style` line on a subgraph is recorded as a vertex of the subgraph's id; Mermaid merges the two.
  const vertices = summary.vertices.filter((v) => !groupIds.has(v.id));
  expect(vertices).toHaveLength(graph.nodes.length);
  expect(summary.subgraphs.map((s) => s.title).sort()).toEqual(graph.groups.map((g) => g.name).sort());
  expect(summary.subgraphs.map((s) => s.nodes.length).sort()).toEqual(graph.groups.map((g) => g.instances.length).sort());
  expect(summary.edges).toHaveLength(graph.edges.length);
  expect(summary.edges.map((e) => e.text).sort()).toEqual(graph.edges.map((e) => e.label).sort());
  // Each label starts with the component's name, as written (escaping undone by Mermaid itself).
  expect(vertices.map((v) => v.text.split(/<br\s*\/?>/)[0]).sort()).toEqual(graph.nodes.map((n) => n.component).sort());
  // Every instance has one layer class (or the neutral one), and each class used is defined.
  for (const vertex of vertices) {
    expect(vertex.classes.filter((c) => c.endsWith('Layer'))).toHaveLength(1);
    for (const name of vertex.classes) expect(summary.classes).toContain(name);
  }
}

async function expectGraphvizSees(drawn: Drawn): Promise<void> {
  const laidOut = await graphviz(drawn.dot);
  expect(laidOut._subgraph_cnt).toBe(drawn.graph.groups.length);
  const nodeNames = laidOut.objects.filter((o) => !o.name.startsWith('cluster_')).map((o) => o.name).sort();
  expect(nodeNames).toEqual(drawn.graph.nodes.map((n) => n.project).sort());
  expect(laidOut.edges ?? []).toHaveLength(drawn.graph.edges.length);
}

describe('the reference architecture (this repository)', () => {
  const selections: Array<[string, string[]]> = [
    ['(everything)', []],
    ['--stack dev-use1', ['--stack', 'dev-use1']],
    ['--group-by account', ['--group-by', 'account']],
    ['--group-by environment -p tag:stage:prod', ['--group-by', 'environment', '-p', 'tag:stage:prod']],
  ];
  const drawn = new Map<string, Drawn>();
  const understood = new Map<string, MermaidSummary>();
  beforeAll(async () => {
    for (const [name, args] of selections) drawn.set(name, await draw(REPO, args));
    const summaries = await mermaidParse(selections.map(([name]) => drawn.get(name)!.mermaid));
    selections.forEach(([name], i) => understood.set(name, summaries[i]));
  });

  it.each(selections)('Mermaid accepts %s', (name) => {
    expectMermaidSees(understood.get(name)!, drawn.get(name)!.graph);
    expect(understood.get(name)!.classes).toEqual(expect.arrayContaining(['requiredLayer', 'networkLayer', 'securityLayer', 'databaseLayer', 'computeLayer', 'appLayer', 'monitoringLayer']));
  });

  it.each(selections)('Graphviz accepts %s', async (name) => {
    await expectGraphvizSees(drawn.get(name)!);
  });

  it('every reference instance has a layer (no neutral nodes)', () => {
    expect(drawn.get('(everything)')!.graph.nodes.filter((n) => n.layer === undefined).map((n) => n.project)).toEqual([]);
  });
});

describe('awkward names, labels and results', () => {
  let ws: Workspace;
  let byStack: Drawn;
  let byAccount: Drawn;
  let understood: MermaidSummary[];
  beforeAll(async () => {
    ws = createWorkspace({
      prefix: 'atmos-graph-awkward-',
      files: {
        'atmos.yaml': 'components: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"], name_pattern: "{stage}-{environment}"}\n',
        // Project names are the component names: Mermaid keywords (end, class, graph), two
        // names that make the same Mermaid id (a-b, a_b), a slash; labels with quotes, |, <>, &, #.
        'nx.json': JSON.stringify({ plugins: [{ plugin: '@org/atmos', options: { projectName: '{component}' } }] }),
        'stacks/orgs/dev.yaml': `
vars:
  stage: dev
  environment: use1
components:
  terraform:
    end:
      settings:
        layer: network
    class:
      settings:
        layer: security
      vars:
        a: !terraform.output end '.tags["a|b"]'
    a-b:
      vars:
        x: !terraform.state class we"ird\\\\
    a_b:
      vars:
        x: !terraform.state a-b <b>bold</b>&#1
    lambda/x:
      settings:
        layer: compute
      vars:
        x: !terraform.state a_b \`tick\`
    graph:
      settings:
        layer: application
        depends_on:
          1:
            component: lambda/x
`,
        '.atmos/results/drift/all.json': JSON.stringify({
          version: 1,
          results: [
            { component: 'end', stack: 'dev-use1', kind: 'drift', status: 'drifted', finishedAt: '2026-12-01T10:00:00Z', summary: '"1" <to> change | #2' },
            { component: 'class', stack: 'dev-use1', kind: 'plan', status: 'changed', finishedAt: '2026-12-01T10:00:00Z' },
            { component: 'a-b', stack: 'dev-use1', kind: 'plan', status: 'error', finishedAt: '2026-12-01T10:00:00Z' },
            { component: 'a_b', stack: 'dev-use1', kind: 'drift', status: 'in-sync', finishedAt: '2026-12-01T10:00:00Z' },
          ],
        }),
      },
    });
    byStack = await draw(ws.root, []);
    byAccount = await draw(ws.root, ['--group-by', 'account']);
    understood = await mermaidParse([byStack.mermaid, byAccount.mermaid]);
  });
  afterAll(() => ws?.cleanup());

  it('Mermaid accepts them and keeps every instance apart', () => {
    expectMermaidSees(understood[0], byStack.graph);
    expectMermaidSees(understood[1], byAccount.graph);
    const [summary] = understood;
    expect(summary.vertices.map((v) => v.id).filter((id) => !id.startsWith('stack_')).sort()).toEqual(['a_b', 'a_b_2', 'lambda_x', 'n_class', 'n_end', 'n_graph']);
    expect(summary.classes).toEqual(expect.arrayContaining(['drifted', 'changed', 'failed', 'inSync']));
    expect(summary.vertices.find((v) => v.id === 'n_end')?.text).toBe('end<br>drifted: "1" <to> change | #2');
    expect(summary.edges.map((e) => e.text)).toContain('<b>bold</b>&#1');
  });

  it('Graphviz accepts them', async () => {
    await expectGraphvizSees(byStack);
    await expectGraphvizSees(byAccount);
  });
});

test('the checks themselves refuse a broken diagram', async () => {
  await expect(mermaidParse(['graph TD\n    a --> b\n', 'graph TD\n    a --> --> b\n'])).rejects.toThrow(/Mermaid refused the diagram: Parse error/);
  await expect(graphviz('digraph { a -> }')).rejects.toThrow(/dot refused the diagram/);
});
