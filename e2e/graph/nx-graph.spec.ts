/**
 * `nx run atmos:graph` through the REAL Nx CLI (no daemon) in a temp copy of e2e/nx/fixture:
 * it writes every format under .atmos/graph, takes the selection flags, and draws exactly the
 * projects and edges `nx graph` itself reports (one graph model for both).
 */
import * as fs from 'fs';
import * as path from 'path';
import { assertSuccess, createWorkspace, type Workspace } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const NX_TIMEOUT_MS = 120_000;

interface GraphJson {
  nodes: Array<{ project: string; outside: boolean }>;
  edges: Array<{ from: string; to: string; label: string; reasons: string[] }>;
}

let ws: Workspace;
beforeAll(() => {
  if (!fs.existsSync(path.join(REPO, 'packages/atmos/dist/index.js'))) throw new Error('run `npm run build` first (npm test does)');
  ws = createWorkspace({ fixture: path.join(REPO, 'e2e/nx/fixture'), prefix: 'atmos-graph-e2e-' });
  fs.symlinkSync(path.join(REPO, 'node_modules'), ws.path('node_modules'), 'dir');
  ws.gitInit('fixture');
});
afterAll(() => ws?.cleanup());

const nx = async (...args: string[]) => assertSuccess(await ws.run(ws.path('node_modules/.bin/nx'), args, { timeoutMs: NX_TIMEOUT_MS }));

test('nx run atmos:graph writes Mermaid, Markdown, DOT and JSON with the edges nx graph has', async () => {
  await nx('run', 'atmos:graph');
  for (const file of ['graph.mmd', 'graph.md', 'graph.dot', 'graph.json']) expect(ws.exists(`.atmos/graph/${file}`)).toBe(true);
  expect(ws.readFile('.atmos/graph/graph.md')).toBe('```mermaid\n' + ws.readFile('.atmos/graph/graph.mmd') + '```\n');
  expect(ws.readFile('.atmos/graph/graph.mmd')).toContain('vpc_plat_ue1_dev -->|"depends_on"| db_plat_ue1_dev');

  await nx('graph', '--file=nx-graph.json');
  const nxGraph = JSON.parse(ws.readFile('nx-graph.json')) as { graph: { nodes: Record<string, unknown>; dependencies: Record<string, Array<{ source: string; target: string }>> } };
  const nxEdges = Object.values(nxGraph.graph.dependencies).flat()
    .filter((d) => d.source !== 'atmos' && !d.target.startsWith('npm:'))
    // nx: dependent -> dependency; the picture: dependency -> dependent.
    .map((d) => `${d.target} -> ${d.source}`).sort();
  const ours = JSON.parse(ws.readFile('.atmos/graph/graph.json')) as GraphJson;
  expect(ours.edges.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(nxEdges);
  expect(ours.nodes.map((n) => n.project).sort()).toEqual(Object.keys(nxGraph.graph.nodes).filter((name) => name !== 'atmos').sort());
  expect(ours.edges).toContainEqual({ from: 'db-plat-ue1-dev', to: 'app-plat-uw2-dev', label: 'endpoint', reasons: ['vars.db_endpoint: !terraform.output db plat-ue1-dev endpoint'] });
});

test('nx run atmos:graph passes the selection on: --stack shows the stack and the instances it touches', async () => {
  await nx('run', 'atmos:graph', '--stack=plat-uw2-dev', '--max-nodes=10');
  const ours = JSON.parse(ws.readFile('.atmos/graph/graph.json')) as GraphJson;
  expect(ours.nodes.map((n) => `${n.project}${n.outside ? ' (outside)' : ''}`)).toEqual([
    // groups in name order: plat-ue1-dev (the db it reads) first
    'db-plat-ue1-dev (outside)', 'vpc-plat-uw2-dev', 'app-plat-uw2-dev',
  ]);
});

test('every workspace target runs (their root .atmos is git-ignored: Nx once failed to hash them, "project atmos not found")', async () => {
  const run = await nx('run', 'atmos:describe-stacks');
  expect(run.stdout).toMatch(/^plat-ue1-dev:$/m);
});
