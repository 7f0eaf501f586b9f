/**
 * The offline twin (examples/twin) against the reference it mirrors (issue 11, point 7):
 * - it is what `npm run twin` generates from the reference today (no drift);
 * - every var any of its stacks sets is declared by the twin component (so terraform never
 *   warns "Value for undeclared variable"), and every output a stack reads is declared;
 * - through the real Nx CLI its instances and dependency graph are exactly the reference's.
 * Plan and apply run for real in a fresh clone's twin (e2e/root/fresh-clone.spec.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { readTerraformComponent } from '../../packages/atmos/src/hcl';
import { requireTerraform } from '../harness/terraform';
import { assertSuccess, runCommand } from '../harness/workspace';

jest.setTimeout(600_000);

const REPO = path.resolve(__dirname, '../..');
const TWIN = path.join(REPO, 'examples/twin');
const NX = path.join(REPO, 'node_modules/.bin/nx');

interface GraphFile {
  graph: { nodes: Record<string, { data: { metadata?: { atmos?: unknown } } }>; dependencies: Record<string, Array<{ target: string }>> };
}

/** `nx graph --file` in `cwd`: the component instances and the `source -> target` edges between them. */
async function nxGraph(cwd: string): Promise<{ projects: string[]; edges: string[] }> {
  const file = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'atmos-graph-')), 'graph.json');
  assertSuccess(await runCommand(NX, ['graph', `--file=${file}`], { cwd, timeoutMs: 180_000 }));
  const graph = (JSON.parse(fs.readFileSync(file, 'utf8')) as GraphFile).graph;
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  // The root also holds the plugin's own package project: compare component instances only.
  const instances = new Set(Object.keys(graph.nodes).filter((p) => graph.nodes[p].data.metadata?.atmos !== undefined));
  const edges = Object.entries(graph.dependencies)
    .filter(([source]) => instances.has(source))
    .flatMap(([source, deps]) => deps.map((d) => `${source} -> ${d.target}`));
  return { projects: [...instances].sort(), edges: edges.sort() };
}

test('examples/twin is up to date with the reference (npm run twin -- --check)', async () => {
  requireTerraform();
  const r = await runCommand(process.execPath, [path.join(REPO, 'tools/dist/twin/sync.js'), '--check'], { cwd: REPO, timeoutMs: 180_000 });
  assertSuccess(r);
  expect(r.stdout).toContain('up to date');
});

test('every var the twin stacks set, and every output they read, is declared by the twin component', async () => {
  const r = assertSuccess(
    await runCommand(process.execPath, [path.join(REPO, 'packages/atmos/bin/atmos-nx.js'), 'describe', 'stacks', '--format', 'json'], {
      cwd: TWIN,
      timeoutMs: 120_000,
    }),
  );
  const stacks = JSON.parse(r.stdout) as Record<string, { components: { terraform: Record<string, { component?: string; vars?: Record<string, unknown> }> } }>;
  const components = new Map<string, Awaited<ReturnType<typeof readTerraformComponent>>>();
  const undeclared: string[] = [];
  const unknownOutputs: string[] = [];
  let checked = 0;
  for (const [stack, { components: { terraform } }] of Object.entries(stacks)) {
    for (const [instance, section] of Object.entries(terraform)) {
      const folder = section.component ?? instance;
      if (!components.has(folder)) components.set(folder, await readTerraformComponent(path.join(TWIN, 'components/terraform', folder)));
      const component = components.get(folder)!;
      for (const [name, value] of Object.entries(section.vars ?? {})) {
        checked++;
        if (!component.variables.has(name)) undeclared.push(`${stack}/${instance}: ${name}`);
        const ref = typeof value === 'string' ? /^!terraform\.(?:state|output)\s+(\S+)\s+(?:\S+\s+)?\.?(\w+)/.exec(value) : null;
        if (ref) {
          const target = terraform[ref[1]]?.component ?? ref[1];
          const targetComponent = components.get(target) ?? (await readTerraformComponent(path.join(TWIN, 'components/terraform', target)));
          if (!targetComponent.outputs.has(ref[2])) unknownOutputs.push(`${stack}/${instance}: ${name} reads ${target}.${ref[2]}`);
        }
      }
    }
  }
  expect(checked).toBeGreaterThan(100);
  expect(undeclared).toEqual([]);
  expect(unknownOutputs).toEqual([]);
});

test('the twin has the reference instances and the reference dependency graph, edge for edge', async () => {
  const [reference, twin] = [await nxGraph(REPO), await nxGraph(TWIN)];
  expect(twin.projects.length).toBeGreaterThan(50);
  expect(twin.projects).toEqual(reference.projects);
  expect(twin.edges).toEqual(reference.edges);
  // The seed's shared services: every environment reaches the backend, DNS and the aggregating monitoring.
  expect(twin.edges).toEqual(expect.arrayContaining(['vpc-dev-use1 -> tfstate-backend-shared-use1', 'monitoring-prod-usw2 -> monitoring-shared-use1']));
});
