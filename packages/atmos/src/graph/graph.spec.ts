import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, type CliIo } from '../cli/main';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { mermaidLimitProblem, MERMAID_MAX_EDGES, MERMAID_MAX_TEXT } from './mermaid';
import type { Diagram } from './model';
import { writeInstanceResult } from './results';

/**
 * A small workspace with every kind of edge reason: a shared backend, a dev stack reading it
 * across stacks (depends_on), outputs read with !terraform.state, !terraform.output, ${{ output }}
 * and !store, one instance without a layer, one with an unknown layer.
 */
const FIXTURE: Record<string, string> = {
  'atmos.yaml': `
base_path: ""
components:
  terraform:
    base_path: components/terraform
stacks:
  base_path: stacks
  included_paths: ["orgs/**/*"]
  excluded_paths: ["**/_defaults.yaml"]
  name_pattern: "{stage}-{environment}"
stores:
  ssm:
    type: aws-ssm-parameter-store
    options: {region: us-east-1}
`,
  'nx.json': JSON.stringify({ plugins: [{ plugin: '@org/atmos', options: { projectName: '{component}-{stack}' } }] }),
  'stacks/orgs/plat/shared/us-east-1.yaml': `
vars: {tenant: plat, stage: shared, environment: use1}
components:
  terraform:
    tfstate-backend:
      settings: {layer: backend}
`,
  'stacks/orgs/plat/dev/us-east-1.yaml': `
vars: {tenant: plat, stage: dev, environment: use1}
components:
  terraform:
    vpc:
      settings:
        layer: network
        depends_on:
          1: {component: tfstate-backend, stack: shared-use1}
    security-group:
      settings: {layer: security}
      vars:
        vpc_id: !terraform.state vpc vpc_id
    rds:
      settings: {layer: database}
      vars:
        subnet_ids: !terraform.output vpc .private_subnet_ids
        security_group_id: \${{ output.security-group.id }}
    app:
      settings: {layer: application}
      vars:
        db_endpoint: !terraform.state rds endpoint
        api_key: !store ssm rds api_key
    dashboards:
      settings: {layer: observability}
      vars:
        app_url: !terraform.output app url
    scratch:
      vars: {name: scratch}
`,
  // Every deployed instance needs its component folder (the validation pass checks it).
  ...Object.fromEntries(['tfstate-backend', 'vpc', 'security-group', 'rds', 'app', 'dashboards', 'scratch'].map((name) => [`components/terraform/${name}/main.tf`, ''])),
};

const EXPECTED_MERMAID = `graph TD
    classDef requiredLayer fill:#f9d,stroke:#333,stroke-width:1px
    classDef networkLayer fill:#bbf,stroke:#333,stroke-width:1px
    classDef securityLayer fill:#fbb,stroke:#333,stroke-width:1px
    classDef databaseLayer fill:#bfb,stroke:#333,stroke-width:1px
    classDef appLayer fill:#fdb,stroke:#333,stroke-width:1px
    classDef neutralLayer fill:#eee,stroke:#333,stroke-width:1px

    subgraph stack_dev_use1["dev-use1"]
        scratch_dev_use1["scratch"]
        vpc_dev_use1["vpc"]
        security_group_dev_use1["security-group"]
        rds_dev_use1["rds"]
        app_dev_use1["app"]
        dashboards_dev_use1["dashboards"]
    end

    subgraph stack_shared_use1["shared-use1"]
        tfstate_backend_shared_use1["tfstate-backend"]
    end

    tfstate_backend_shared_use1 -->|"depends_on"| vpc_dev_use1
    vpc_dev_use1 -->|"vpc_id"| security_group_dev_use1
    vpc_dev_use1 -->|"private_subnet_ids"| rds_dev_use1
    security_group_dev_use1 -->|"id"| rds_dev_use1
    rds_dev_use1 -->|"endpoint, store api_key"| app_dev_use1
    app_dev_use1 -->|"url"| dashboards_dev_use1

    class tfstate_backend_shared_use1 requiredLayer
    class vpc_dev_use1 networkLayer
    class security_group_dev_use1 securityLayer
    class rds_dev_use1 databaseLayer
    class app_dev_use1 appLayer
    class scratch_dev_use1,dashboards_dev_use1 neutralLayer
    style stack_dev_use1 fill:#eeeaff,stroke:#baf,stroke-width:3px
    style stack_shared_use1 fill:#f7fff7,stroke:#dfd,stroke-width:3px
`;

const EXPECTED_DOT = `digraph atmos {
  graph [rankdir=TB, fontname="Helvetica", newrank=true, ranksep=0.9, nodesep=0.4];
  node [shape=box, style="rounded,filled", fontname="Helvetica", color="#333333", penwidth=1];
  edge [fontname="Helvetica", fontsize=9, color="#555555", fontcolor="#555555"];

  subgraph "cluster_dev-use1" {
    label="dev-use1";
    style=filled;
    fillcolor="#eeeaff";
    color="#bbaaff";
    penwidth=3;
    "scratch-dev-use1" [label="scratch", fillcolor="#eeeeee", class="neutralLayer"];
    "vpc-dev-use1" [label="vpc", fillcolor="#bbbbff", class="networkLayer"];
    "security-group-dev-use1" [label="security-group", fillcolor="#ffbbbb", class="securityLayer"];
    "rds-dev-use1" [label="rds", fillcolor="#bbffbb", class="databaseLayer"];
    "app-dev-use1" [label="app", fillcolor="#ffddbb", class="appLayer"];
    "dashboards-dev-use1" [label="dashboards", fillcolor="#eeeeee", class="neutralLayer"];
  }

  subgraph "cluster_shared-use1" {
    label="shared-use1";
    style=filled;
    fillcolor="#f7fff7";
    color="#ddffdd";
    penwidth=3;
    "tfstate-backend-shared-use1" [label="tfstate-backend", fillcolor="#ff99dd", class="requiredLayer"];
  }

  "tfstate-backend-shared-use1" -> "vpc-dev-use1" [label="depends_on"];
  "vpc-dev-use1" -> "security-group-dev-use1" [label="vpc_id"];
  "vpc-dev-use1" -> "rds-dev-use1" [label="private_subnet_ids"];
  "security-group-dev-use1" -> "rds-dev-use1" [label="id"];
  "rds-dev-use1" -> "app-dev-use1" [label="endpoint, store api_key"];
  "app-dev-use1" -> "dashboards-dev-use1" [label="url"];
}
`;

interface Run { code: number; stdout: string; stderr: string }

async function atmosNx(cwd: string, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

afterAll(removeFixtures);

describe('atmos-nx describe graph', () => {
  let root: string;
  beforeAll(() => {
    root = writeWorkspace(FIXTURE);
  });

  it('draws Mermaid in the seed style: layers as classDefs, subgraphs per stack, edges dependency -> dependent with their reason', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--format', 'mermaid');
    expect(run.stdout).toBe(EXPECTED_MERMAID);
    expect(run.code).toBe(0);
    // An unknown layer is drawn neutral and said once, naming the manifest.
    expect(run.stderr).toBe("warning: stacks/orgs/plat/dev/us-east-1.yaml: settings.layer 'observability' of dashboards in stack dev-use1 is not one of backend, network, security, database, compute, application, monitoring; drawn without a layer colour\n");
  });

  it('is the default format, and the same text on every run', async () => {
    const first = await atmosNx(root, 'describe', 'graph');
    const second = await atmosNx(root, 'describe', 'graph');
    expect(first.stdout).toBe(EXPECTED_MERMAID);
    expect(second.stdout).toBe(first.stdout);
  });

  it('draws DOT with the same clusters, colours and labels', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--format', 'dot');
    expect(run.stdout).toBe(EXPECTED_DOT);
  });

  it('wraps the Mermaid text in a fence for Markdown', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--format', 'markdown');
    expect(run.stdout).toBe('```mermaid\n' + EXPECTED_MERMAID + '```\n');
  });

  it('lists nodes and edges with their full reasons as JSON', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--format', 'json');
    const graph = JSON.parse(run.stdout);
    expect(graph.groups).toEqual([
      { name: 'dev-use1', account: 'dev', instances: ['scratch-dev-use1', 'vpc-dev-use1', 'security-group-dev-use1', 'rds-dev-use1', 'app-dev-use1', 'dashboards-dev-use1'] },
      { name: 'shared-use1', account: 'shared', instances: ['tfstate-backend-shared-use1'] },
    ]);
    expect(graph.nodes.find((n: { project: string }) => n.project === 'rds-dev-use1')).toEqual({
      project: 'rds-dev-use1', component: 'rds', stack: 'dev-use1', group: 'dev-use1', account: 'dev', layer: 'database', level: 3, outside: false,
    });
    expect(graph.edges).toContainEqual({
      from: 'rds-dev-use1', to: 'app-dev-use1', label: 'endpoint, store api_key',
      reasons: ['vars.db_endpoint: !terraform.state rds endpoint', 'vars.api_key: !store ssm rds api_key'],
    });
    expect(graph.edges).toContainEqual({ from: 'security-group-dev-use1', to: 'rds-dev-use1', label: 'id', reasons: ['${{ output.security-group.id }}'] });
    expect(graph.edges).toContainEqual({ from: 'tfstate-backend-shared-use1', to: 'vpc-dev-use1', label: 'depends_on', reasons: ['settings.depends_on.1'] });
  });

  it('--stack shows that stack, and the instances of other stacks it touches dashed', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--stack', 'shared-use1');
    expect(run.stdout).toBe(`graph TD
    classDef requiredLayer fill:#f9d,stroke:#333,stroke-width:1px
    classDef networkLayer fill:#bbf,stroke:#333,stroke-width:1px
    classDef outsideSelection stroke-dasharray:5 5

    subgraph stack_dev_use1["dev-use1"]
        vpc_dev_use1["vpc"]
    end

    subgraph stack_shared_use1["shared-use1"]
        tfstate_backend_shared_use1["tfstate-backend"]
    end

    tfstate_backend_shared_use1 -.->|"depends_on"| vpc_dev_use1

    class tfstate_backend_shared_use1 requiredLayer
    class vpc_dev_use1 networkLayer
    class vpc_dev_use1 outsideSelection
    style stack_dev_use1 fill:#eeeaff,stroke:#baf,stroke-width:3px
    style stack_shared_use1 fill:#f7fff7,stroke:#dfd,stroke-width:3px
`);
  });

  it('-p takes Nx patterns (names, globs, tag:, !) and --group-by account labels each instance with its stack', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '-p', 'tag:layer:*,!tag:layer:observability', '-p', '!vpc-*', '--group-by', 'account', '--format', 'json');
    const graph = JSON.parse(run.stdout);
    const drawn = graph.nodes.map((n: { project: string; outside: boolean }) => `${n.project}${n.outside ? ' (outside)' : ''}`);
    expect(drawn).toEqual(['vpc-dev-use1 (outside)', 'security-group-dev-use1', 'rds-dev-use1', 'app-dev-use1', 'dashboards-dev-use1 (outside)', 'tfstate-backend-shared-use1']);
    expect(graph.groups.map((g: { name: string }) => g.name)).toEqual(['dev', 'shared']);
    const mermaid = await atmosNx(root, 'describe', 'graph', '-p', 'rds-dev-use1', '--group-by', 'environment');
    expect(mermaid.stdout).toContain('subgraph environment_use1["use1"]\n        vpc_dev_use1["vpc<br/>dev-use1"]');
  });

  it('--environment selects by vars.environment', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--environment', 'use1', '--format', 'json');
    expect(JSON.parse(run.stdout).nodes).toHaveLength(7);
    const wrong = await atmosNx(root, 'describe', 'graph', '--environment', 'euw1');
    expect(wrong).toEqual({ code: 1, stdout: '', stderr: "error: no instance has vars.environment 'euw1'\n  hint: known environments: use1\n" });
  });

  it('--max-nodes refuses a larger graph with what to do', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--max-nodes', '3');
    expect(run).toEqual({
      code: 1, stdout: '',
      stderr: 'error: the graph has 7 instances, more than --max-nodes 3\n  hint: narrow it with --stack <stack>, --environment <environment> or -p tag:stage:<account>, or raise --max-nodes\n',
    });
    const narrowed = await atmosNx(root, 'describe', 'graph', '--stack', 'shared-use1', '--max-nodes', '2');
    expect(narrowed.code).toBe(0);
    const counted = await atmosNx(root, 'describe', 'graph', '--stack', 'shared-use1', '--max-nodes', '1');
    expect(counted.stderr).toContain('the graph has 2 instances (1 selected, 1 more they depend on or feed), more than --max-nodes 1');
  });

  it('refuses bad flags in one line', async () => {
    expect((await atmosNx(root, 'describe', 'graph', '--format', 'yaml')).stderr).toMatch(/^error: --format must be mermaid, markdown, dot, json for describe graph, not "yaml"\n/);
    expect((await atmosNx(root, 'describe', 'graph', '--group-by', 'tenant')).stderr).toMatch(/^error: --group-by must be stack, account, environment, not "tenant"\n/);
    expect((await atmosNx(root, 'describe', 'graph', '--max-nodes', '0')).stderr).toMatch(/^error: --max-nodes must be a positive whole number, not "0"\n/);
    expect((await atmosNx(root, 'describe', 'graph', '--stack', 'nope')).stderr).toMatch(/^error: stack 'nope' does not exist\n/);
    expect((await atmosNx(root, 'describe', 'graph', '-p', 'tag:stage:prod')).stderr).toMatch(/^error: no instance matches -p tag:stage:prod\n/);
    expect((await atmosNx(root, 'describe', 'graph', 'vpc')).stderr).toMatch(/^error: describe graph takes no arguments, got "vpc"/);
  });

  it('marks instances with their latest drift or plan result', async () => {
    const marked = writeWorkspace(FIXTURE);
    writeInstanceResult(marked, { component: 'vpc', stack: 'dev-use1', kind: 'plan', status: 'changed', finishedAt: '2026-12-01T10:00:00Z', summary: '1 to add' });
    // A later drift run wins over the earlier plan.
    writeInstanceResult(marked, { component: 'vpc', stack: 'dev-use1', kind: 'drift', status: 'drifted', finishedAt: '2026-12-01T11:00:00Z' });
    writeInstanceResult(marked, { component: 'tfstate-backend', stack: 'shared-use1', kind: 'drift', status: 'in-sync', finishedAt: '2026-12-01T11:00:00Z' });
    // One report file with several results, one of an instance that no longer exists.
    mkdirSync(join(marked, '.atmos/results/report'), { recursive: true });
    writeFileSync(join(marked, '.atmos/results/report/latest.json'), JSON.stringify({
      version: 1,
      results: [
        { component: 'app', stack: 'dev-use1', kind: 'plan', status: 'error', finishedAt: '2026-12-01T12:00:00Z' },
        { component: 'gone', stack: 'dev-use1', kind: 'plan', status: 'error', finishedAt: '2026-12-01T12:00:00Z' },
      ],
    }));
    const run = await atmosNx(marked, 'describe', 'graph', '--stack', 'shared-use1');
    expect(run.stdout).toBe(`graph TD
    classDef requiredLayer fill:#f9d,stroke:#333,stroke-width:1px
    classDef networkLayer fill:#bbf,stroke:#333,stroke-width:1px
    classDef inSync stroke:#2b8a3e,stroke-width:3px
    classDef drifted stroke:#e8590c,stroke-width:3px,stroke-dasharray:6 3
    classDef outsideSelection stroke-dasharray:5 5

    subgraph stack_dev_use1["dev-use1"]
        vpc_dev_use1["vpc<br/>drifted"]
    end

    subgraph stack_shared_use1["shared-use1"]
        tfstate_backend_shared_use1["tfstate-backend<br/>in sync"]
    end

    tfstate_backend_shared_use1 -.->|"depends_on"| vpc_dev_use1

    class tfstate_backend_shared_use1 requiredLayer
    class vpc_dev_use1 networkLayer
    class tfstate_backend_shared_use1 inSync
    class vpc_dev_use1 drifted
    class vpc_dev_use1 outsideSelection
    style stack_dev_use1 fill:#eeeaff,stroke:#baf,stroke-width:3px
    style stack_shared_use1 fill:#f7fff7,stroke:#dfd,stroke-width:3px
`);
    const dot = await atmosNx(marked, 'describe', 'graph', '-p', 'app-dev-use1', '--format', 'dot');
    expect(dot.stdout).toContain('"app-dev-use1" [label="app\\nerror", fillcolor="#ffddbb", color="#c92a2a", penwidth=4, class="appLayer failed"];');
    expect(dot.stdout).toContain('"rds-dev-use1" [label="rds", fillcolor="#bbffbb", style="rounded,filled,dashed", class="databaseLayer outsideSelection"];');
  });

  it('a broken results file is a one-line error naming it', async () => {
    const broken = writeWorkspace({ ...FIXTURE, '.atmos/results/drift/x.json': '{"version": 1, "results": [{"component": "vpc", "stack": "dev-use1", "kind": "drift", "status": "weird", "finishedAt": "2026-12-01T11:00:00Z"}]}' });
    const run = await atmosNx(broken, 'describe', 'graph');
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe('error: .atmos/results/drift/x.json: results file results[0].status must be one of in-sync, drifted, changed, error, not "weird"');
  });

  it('--output-dir writes every format (what nx run atmos:graph does)', async () => {
    const run = await atmosNx(root, 'describe', 'graph', '--output-dir', '.atmos/graph');
    expect(run.stdout).toBe('wrote .atmos/graph/graph.mmd\nwrote .atmos/graph/graph.md\nwrote .atmos/graph/graph.dot\nwrote .atmos/graph/graph.json\n');
    expect(readFileSync(join(root, '.atmos/graph/graph.mmd'), 'utf8')).toBe(EXPECTED_MERMAID);
    expect(readFileSync(join(root, '.atmos/graph/graph.dot'), 'utf8')).toBe(EXPECTED_DOT);
  });

  it('--output-dir that is not a writable folder is a one-line error', async () => {
    writeFileSync(join(root, 'a-file'), 'x');
    const run = await atmosNx(root, 'describe', 'graph', '--output-dir', 'a-file');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/\nerror: cannot write a-file\/graph.mmd \((EEXIST|ENOTDIR)\)\n  hint: --output-dir must be a folder you can write \(it is created if missing\)\n$/);
  });
});

describe('Mermaid size limits', () => {
  const diagram = (edges: number): Diagram => ({
    groupBy: 'stack', groups: [], unknownLayers: [],
    edges: Array.from({ length: edges }, (_, i) => ({ from: `a${i}`, to: `b${i}`, reasons: ['x'], label: 'x' })),
  });
  it('says when GitHub (Mermaid defaults) would show an error instead of the picture', () => {
    expect(mermaidLimitProblem('x'.repeat(MERMAID_MAX_TEXT), diagram(MERMAID_MAX_EDGES))).toBeUndefined();
    expect(mermaidLimitProblem('x'.repeat(MERMAID_MAX_TEXT + 1), diagram(1))).toMatch(/^the Mermaid text is 50001 characters, more than the 50000/);
    expect(mermaidLimitProblem('graph TD', diagram(MERMAID_MAX_EDGES + 1))).toMatch(/^the diagram has 501 edges, more than the 500/);
  });
});
