/**
 * The Nx plugin through the REAL Nx CLI (nx 24, no daemon, no cloud) in temporary git
 * workspaces copied from ./fixture: projects, tags, named inputs, metadata, inferred edges,
 * `nx affected` (task mode and project mode) for every kind of edit, one-line errors for broken
 * manifests, and the plugin's on-disk graph cache.
 *
 * Needs the built plugin (`npm run build`, which `npm test` runs first): Nx loads `@org/atmos`
 * by package name through node_modules, which is symlinked into every temp workspace.
 *
 * The fixture (see fixture/README.md): stacks plat-ue1-dev, plat-uw2-dev, plat-ue1-prod.
 *   vpc  (inherits the abstract vpc/defaults)            in all three stacks
 *   db   settings.depends_on vpc                         ue1-dev, ue1-prod (disabled in uw2-dev)
 *   app  !terraform.state vpc; dependencies.components db; uses the local module ../modules/label
 *        app in uw2-dev also reads `!terraform.output db plat-ue1-dev endpoint` (cross-stack)
 * dev stacks import the glob `mixins/tags/*`; prod does not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createWorkspace, formatRunResult, type RunResult, type Workspace } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'fixture');
const NX_TIMEOUT_MS = 120_000;

const ALL_INSTANCES = [
  'app-plat-ue1-dev',
  'app-plat-ue1-prod',
  'app-plat-uw2-dev',
  'db-plat-ue1-dev',
  'db-plat-ue1-prod',
  'vpc-plat-ue1-dev',
  'vpc-plat-ue1-prod',
  'vpc-plat-uw2-dev',
];
const DEV = ['app-plat-ue1-dev', 'app-plat-uw2-dev', 'db-plat-ue1-dev', 'vpc-plat-ue1-dev', 'vpc-plat-uw2-dev'];
const UE1 = ['app-plat-ue1-dev', 'app-plat-ue1-prod', 'db-plat-ue1-dev', 'db-plat-ue1-prod', 'vpc-plat-ue1-dev', 'vpc-plat-ue1-prod'];
const APPS = ['app-plat-ue1-dev', 'app-plat-ue1-prod', 'app-plat-uw2-dev'];

/** Every inferred edge (all `implicit`), source -> target. */
const EXPECTED_EDGES = [
  // app -> vpc: vars.vpc_id: !terraform.state vpc vpc_id
  'app-plat-ue1-dev -> vpc-plat-ue1-dev',
  'app-plat-ue1-prod -> vpc-plat-ue1-prod',
  'app-plat-uw2-dev -> vpc-plat-uw2-dev',
  // app -> db: dependencies.components [{name: db}] (uw2-dev's own db is disabled: no edge to it)
  'app-plat-ue1-dev -> db-plat-ue1-dev',
  'app-plat-ue1-prod -> db-plat-ue1-prod',
  // cross-stack: vars.db_endpoint: !terraform.output db plat-ue1-dev endpoint
  'app-plat-uw2-dev -> db-plat-ue1-dev',
  // db -> vpc: settings.depends_on
  'db-plat-ue1-dev -> vpc-plat-ue1-dev',
  'db-plat-ue1-prod -> vpc-plat-ue1-prod',
].sort();

const sorted = (values: Iterable<string>): string[] => [...values].sort();
const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

function ensureBuilt(): void {
  const entry = path.join(REPO, 'packages/atmos/dist/index.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (npm test does)`);
}

/** A temp workspace from the fixture with the repo's node_modules symlinked in, git-initialised and committed. */
function nxWorkspace(): Workspace {
  const ws = createWorkspace({ fixture: FIXTURE, prefix: 'atmos-nx-e2e-' });
  fs.symlinkSync(path.join(REPO, 'node_modules'), ws.path('node_modules'), 'dir');
  ws.gitInit('fixture'); // .gitignore keeps node_modules, .nx and .atmos out of git
  return ws;
}

function nx(ws: Workspace, args: string[]): Promise<RunResult> {
  return ws.run(ws.path('node_modules/.bin/nx'), args, { timeoutMs: NX_TIMEOUT_MS });
}

async function nxOk(ws: Workspace, args: string[]): Promise<RunResult> {
  const r = await nx(ws, args);
  if (r.exitCode !== 0) throw new Error(`nx ${args.join(' ')} failed\n${formatRunResult(r)}`);
  return r;
}

async function showProjects(ws: Workspace, extra: string[] = []): Promise<string[]> {
  return sorted(lines((await nxOk(ws, ['show', 'projects', ...extra])).stdout));
}

beforeAll(ensureBuilt);

describe('projects, metadata and edges', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = nxWorkspace();
  });
  afterAll(() => ws?.cleanup());

  test('nx show projects: one project per deployable instance plus `atmos` (no abstract vpc/defaults, no disabled db in uw2-dev)', async () => {
    expect(await showProjects(ws)).toEqual(sorted([...ALL_INSTANCES, 'atmos']));
    const json = JSON.parse((await nxOk(ws, ['show', 'projects', '--json'])).stdout) as string[];
    expect(sorted(json)).toEqual(sorted([...ALL_INSTANCES, 'atmos']));
  });

  test('nx show projects -p tag:…', async () => {
    expect(await showProjects(ws, ['-p', 'tag:stack:plat-uw2-dev'])).toEqual(['app-plat-uw2-dev', 'vpc-plat-uw2-dev']);
    expect(await showProjects(ws, ['-p', 'tag:stack:plat-ue1-prod'])).toEqual(['app-plat-ue1-prod', 'db-plat-ue1-prod', 'vpc-plat-ue1-prod']);
    expect(await showProjects(ws, ['-p', 'tag:component:db'])).toEqual(['db-plat-ue1-dev', 'db-plat-ue1-prod']);
    expect(await showProjects(ws, ['-p', 'tag:stage:dev'])).toEqual(DEV);
    expect(await showProjects(ws, ['-p', 'tag:environment:ue1'])).toEqual(UE1);
  });

  test('nx show project app-plat-uw2-dev --json: tags, the `default` named input, metadata, targets', async () => {
    const project = JSON.parse((await nxOk(ws, ['show', 'project', 'app-plat-uw2-dev', '--json'])).stdout);
    expect(project.name).toBe('app-plat-uw2-dev');
    expect(project.root).toBe('.atmos/plat-uw2-dev/app');
    expect(sorted(project.tags)).toEqual(sorted([
      'atmos', 'stack:plat-uw2-dev', 'component:app', 'namespace:acme', 'tenant:plat', 'environment:uw2', 'stage:dev',
    ]));
    // Its own named input: the component folder and the local module it uses, and the variables
    // that choose the Atmos configuration. Its stack's configuration files (atmos.yaml, the stack
    // manifest, every import) are one named input of the workspace project, shared by the stack's
    // instances and listed by the targets `nx affected` runs.
    expect(project.namedInputs.default).toEqual([
      // Each folder's own path too: git names a re-pointed link or a moved submodule by it.
      '{workspaceRoot}/components/terraform/app',
      '{workspaceRoot}/components/terraform/app/**/*',
      '{workspaceRoot}/components/terraform/modules/label',
      '{workspaceRoot}/components/terraform/modules/label/**/*',
      { env: 'ATMOS_BASE_PATH' },
      { env: 'ATMOS_CLI_CONFIG_PATH' },
    ]);
    const shared = { input: 'stack:plat-uw2-dev', projects: 'atmos' };
    const workspace = JSON.parse((await nxOk(ws, ['show', 'project', 'atmos', '--json'])).stdout);
    expect(sorted(workspace.namedInputs[shared.input])).toEqual(sorted([
      '{workspaceRoot}/atmos.yaml',
      '{workspaceRoot}/stacks/orgs/acme/dev/uw2.yaml',
      '{workspaceRoot}/stacks/orgs/acme/dev/_defaults.yaml',
      '{workspaceRoot}/stacks/orgs/acme/_defaults.yaml',
      '{workspaceRoot}/stacks/mixins/stage/dev.yaml',
      '{workspaceRoot}/stacks/mixins/tags/cost-center.yaml',
      '{workspaceRoot}/stacks/mixins/tags/owner.yaml',
      '{workspaceRoot}/stacks/mixins/region/uw2.yaml',
      '{workspaceRoot}/stacks/catalog/vpc.yaml',
      '{workspaceRoot}/stacks/catalog/app.yaml',
    ]));
    // Component and stack are in the tags: the executors read them there (executors/project-instance.ts).
    // Nothing every instance shares (no projectType, no technologies): Nx pays per key, per project.
    expect(project.metadata).toEqual({ atmos: { manifest: 'stacks/orgs/acme/dev/uw2.yaml' } });
    expect(project).not.toHaveProperty('projectType');
    // run-commands: Nx runs it in its own process (no forked executor process loading the graph again).
    expect(project.targets.describe).toEqual(expect.objectContaining({ executor: 'nx:run-commands', cache: true }));
    expect(project.targets.describe.options.command).toBe('atmos-nx describe component app -s plat-uw2-dev --process-functions=false');
    // describe's cache is keyed by the digest of every configuration file instead of the shared input.
    expect(project.targets.describe.inputs).toEqual(['default']);
    // The other targets list only the instance's own input.
    for (const name of ['init', 'output', 'drift', 'generate', 'clean', 'terraform', 'import', 'state-backup', 'validate-config']) expect(project.targets[name].inputs).toEqual(['default']);
    expect(project.targets.describe.options.env.ATMOS_NX_CONFIG_DIGEST).toMatch(/^[0-9a-f]{32}$/);
    for (const name of ['plan', 'apply', 'deploy', 'destroy', 'validate']) {
      expect(project.targets[name]).toEqual(expect.objectContaining({ executor: `@org/atmos:${name}`, inputs: ['default', shared] }));
    }
    // Never cached: a plan file or its output must not enter the Nx cache.
    for (const name of ['init', 'plan', 'apply', 'deploy', 'destroy', 'output', 'validate', 'drift', 'generate', 'clean', 'terraform', 'import', 'state-backup', 'validate-config']) {
      expect(project.targets[name].cache ?? false).toBe(false);
    }
  });

  test('nx show project: db and vpc do not list the label module; prod does not list the tag glob', async () => {
    const db = JSON.parse((await nxOk(ws, ['show', 'project', 'db-plat-ue1-prod', '--json'])).stdout);
    expect(db.namedInputs.default.filter((entry: unknown) => typeof entry === 'string')).toEqual(['{workspaceRoot}/components/terraform/db', '{workspaceRoot}/components/terraform/db/**/*']);
    expect(db.targets.plan.inputs).toEqual(['default', { input: 'stack:plat-ue1-prod', projects: 'atmos' }]);
    expect(db.metadata.atmos).toEqual({ manifest: 'stacks/orgs/acme/prod/ue1.yaml' });
    const workspaceProject = JSON.parse((await nxOk(ws, ['show', 'project', 'atmos', '--json'])).stdout);
    expect(workspaceProject.root).toBe('.atmos');
    expect(Object.keys(workspaceProject.targets)).toEqual(expect.arrayContaining(['describe-stacks', 'validate-stacks']));
  });

  test('nx graph --file: exactly the inferred implicit edges', async () => {
    await nxOk(ws, ['graph', '--file=graph.json']);
    const graph = JSON.parse(ws.readFile('graph.json')).graph as {
      nodes: Record<string, unknown>;
      dependencies: Record<string, Array<{ source: string; target: string; type: string }>>;
    };
    expect(sorted(Object.keys(graph.nodes))).toEqual(sorted([...ALL_INSTANCES, 'atmos']));
    const edges = Object.values(graph.dependencies).flat();
    expect(sorted(edges.map((e) => `${e.source} -> ${e.target}`))).toEqual(EXPECTED_EDGES);
    expect(new Set(edges.map((e) => e.type))).toEqual(new Set(['implicit']));
  });
});

/**
 * Each case starts from the same base commit (the fixture), makes one edit, commits it, and
 * asserts
 *   - tasks:    `nx affected -t describe plan --base=<base> --head=HEAD` (Nx 24's default
 *               task-based affected: a task is affected when a file of its inputs changed). The
 *               task set is read from `--graph=<file>` (the task graph, nothing runs) and must be
 *               exactly `<p>:describe` and `<p>:plan` for the listed projects;
 *   - projects: `nx show projects --affected` (project mode: projects whose inputs changed plus
 *               everything that depends on them).
 */
interface AffectedCase {
  name: string;
  edit: (ws: Workspace) => void;
  tasks: string[];
  projects: string[];
}

const append = (file: string, text = '\n# edited\n') => (ws: Workspace) => ws.writeFile(file, ws.readFile(file) + text);
const replace = (file: string, from: string, to: string) => (ws: Workspace) => {
  const text = ws.readFile(file);
  if (!text.includes(from)) throw new Error(`${file} has no '${from}'`);
  ws.writeFile(file, text.replace(from, to));
};

/**
 * Task mode selects the instances whose resolved configuration changed (e2e/affected has the
 * full precision table); project mode adds their dependents.
 */
const AFFECTED: AffectedCase[] = [
  {
    // plat-ue1-prod overrides instance_size: only the dev db; project mode adds its dependents
    // (app-plat-ue1-dev, and app-plat-uw2-dev cross-stack).
    name: 'catalog value stacks/catalog/db.yaml instance_size',
    edit: replace('stacks/catalog/db.yaml', 'instance_size: small', 'instance_size: medium'),
    tasks: ['db-plat-ue1-dev'],
    projects: ['db-plat-ue1-dev', 'app-plat-ue1-dev', 'app-plat-uw2-dev'],
  },
  {
    name: 'comment in stacks/catalog/db.yaml: nothing',
    edit: append('stacks/catalog/db.yaml'),
    tasks: [],
    projects: [],
  },
  {
    name: 'mixin stacks/mixins/region/uw2.yaml: a new global var',
    edit: replace('stacks/mixins/region/uw2.yaml', 'region: us-west-2', 'region: us-west-2\n  zone_count: 3'),
    tasks: ['app-plat-uw2-dev', 'vpc-plat-uw2-dev'],
    projects: ['app-plat-uw2-dev', 'vpc-plat-uw2-dev'],
  },
  {
    name: 'excluded-but-imported stacks/orgs/acme/dev/_defaults.yaml: the tag glob import removed',
    edit: replace('stacks/orgs/acme/dev/_defaults.yaml', '  - mixins/tags/*\n', ''),
    tasks: DEV,
    projects: DEV,
  },
  {
    name: 'stack manifest stacks/orgs/acme/prod/ue1.yaml: vpc cidr',
    edit: replace('stacks/orgs/acme/prod/ue1.yaml', '10.30.0.0/16', '10.31.0.0/16'),
    tasks: ['vpc-plat-ue1-prod'],
    projects: ['app-plat-ue1-prod', 'db-plat-ue1-prod', 'vpc-plat-ue1-prod'],
  },
  {
    // Task mode: only the db instances; project mode: their dependents (every app) too.
    name: 'component file components/terraform/db/main.tf',
    edit: append('components/terraform/db/main.tf'),
    tasks: ['db-plat-ue1-dev', 'db-plat-ue1-prod'],
    projects: ['db-plat-ue1-dev', 'db-plat-ue1-prod', ...APPS],
  },
  {
    name: 'shared local module components/terraform/modules/label/main.tf (used by app only)',
    edit: append('components/terraform/modules/label/main.tf'),
    tasks: APPS,
    projects: APPS,
  },
  {
    name: 'file ADDED under the glob import mixins/tags/* (dev stacks only)',
    edit: (ws) => ws.writeFile('stacks/mixins/tags/team.yaml', 'terraform:\n  vars:\n    tags:\n      Team: core\n'),
    tasks: DEV,
    projects: DEV,
  },
  {
    // Not an import at head any more: an input of the instances it was part of at the base.
    name: 'file DELETED under the glob import mixins/tags/*',
    edit: (ws) => fs.rmSync(ws.path('stacks/mixins/tags/owner.yaml')),
    tasks: DEV,
    projects: DEV,
  },
  {
    // Every instance; not the workspace project `atmos` (its targets have no `atmos` input).
    name: 'atmos.yaml',
    edit: append('atmos.yaml'),
    tasks: ALL_INSTANCES,
    projects: ALL_INSTANCES,
  },
  {
    // Surprising: Nx treats nx.json as an input of EVERY task and every project, whatever the
    // edit (even whitespace only; here a blank line) and although no target lists it:
    // `--explain` gives `{kind: "input-file", file: "nx.json"}`. Project mode also lists
    // `atmos` (which has no describe/plan tasks).
    name: 'nx.json (blank line appended): everything, including the workspace project in project mode',
    edit: append('nx.json', '\n'),
    tasks: ALL_INSTANCES,
    projects: [...ALL_INSTANCES, 'atmos'],
  },
  {
    name: 'unrelated file README.md: nothing',
    edit: append('README.md', '\nmore words\n'),
    tasks: [],
    projects: [],
  },
  {
    // No project is rooted at "." and `projectsAffectedByDependencyUpdates` is [].
    name: 'root package.json: nothing',
    edit: (ws) => ws.writeJson('package.json', { name: 'fixture', private: true, description: 'edited' }),
    tasks: [],
    projects: [],
  },
];

describe('nx affected: every edit from the same base', () => {
  let ws: Workspace;
  let base: string;
  beforeAll(() => {
    ws = nxWorkspace();
    base = ws.git(['rev-parse', 'HEAD']).trim();
  });
  afterAll(() => ws?.cleanup());

  /** A fresh commit on top of the base with just this edit. */
  function commitEdit(edit: (ws: Workspace) => void, message: string): void {
    ws.git(['checkout', '-q', '--detach', base]);
    ws.git(['clean', '-fdq']); // untracked files of the previous case; ignored ones (.nx, node_modules) stay
    edit(ws);
    ws.commit(message);
  }

  async function affectedTasks(targets: string[]): Promise<string[]> {
    const file = ws.path('.nx/e2e-tasks.json');
    fs.rmSync(file, { force: true });
    await nxOk(ws, ['affected', '-t', ...targets, `--base=${base}`, '--head=HEAD', `--graph=${file}`]);
    return sorted(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).tasks.tasks));
  }

  test.each(AFFECTED.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    commitEdit(c.edit, c.name);
    expect(await affectedTasks(['describe', 'plan'])).toEqual(sorted(c.tasks.flatMap((p) => [`${p}:describe`, `${p}:plan`])));
    expect(await showProjects(ws, ['--affected', `--base=${base}`, '--head=HEAD'])).toEqual(sorted(c.projects));
  });

  test('nx.json: --explain names nx.json as a changed input of every task', async () => {
    commitEdit(append('nx.json', '\n'), 'nx.json again');
    const file = ws.path('.nx/e2e-explain.json');
    await nxOk(ws, ['affected', '-t', 'describe', `--base=${base}`, '--head=HEAD', `--explain=${file}`]);
    const explain = JSON.parse(fs.readFileSync(file, 'utf8')) as { affected: Record<string, Array<{ kind: string; file: string }>>; touched: string[] };
    expect(sorted(explain.touched)).toEqual(ALL_INSTANCES.map((p) => `${p}:describe`));
    for (const reasons of Object.values(explain.affected)) expect(reasons).toEqual([expect.objectContaining({ kind: 'input-file', file: 'nx.json' })]);
  });
});

describe('broken manifests: one-line Nx errors, no stack traces', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = nxWorkspace();
  });
  afterAll(() => ws?.cleanup());
  afterEach(() => {
    ws.git(['checkout', '-q', '--', '.']);
  });

  async function expectOneLineError(pattern: RegExp): Promise<string> {
    const r = await nx(ws, ['show', 'projects']);
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.exitCode).not.toBeNull();
    expect(output.split('\n').filter((line) => pattern.test(line))).toHaveLength(1);
    expect(output.split('\n').filter((line) => /^\s{4,}at /.test(line))).toEqual([]);
    expect(output).not.toMatch(/Error: .*\n\s+at /);
    return output;
  }

  test('YAML syntax error: file:line:col and the problem on one line', async () => {
    ws.writeFile('stacks/catalog/db.yaml', 'components:\n  terraform:\n    db:\n      vars: [unclosed\n');
    await expectOneLineError(/stacks\/catalog\/db\.yaml:\d+:\d+: invalid YAML: .+/);
  });

  test('missing import: the importing manifest and the import name on one line', async () => {
    ws.writeFile('stacks/orgs/acme/prod/ue1.yaml', ws.readFile('stacks/orgs/acme/prod/ue1.yaml').replace('  - catalog/db\n', '  - catalog/dbb\n'));
    // The line:col reported is that of the import list, not of the bad entry (line 6); only
    // the file and the problem are asserted.
    await expectOneLineError(/stacks\/orgs\/acme\/prod\/ue1\.yaml(:\d+:\d+)?: import "catalog\/dbb" matches no manifest/);
  });

  test('after fixing the manifest the workspace loads again', async () => {
    expect(await showProjects(ws)).toEqual(sorted([...ALL_INSTANCES, 'atmos']));
  });
});

describe('the plugin graph cache (.nx/workspace-data/atmos-graph.json)', () => {
  let ws: Workspace;
  const cacheFile = () => ws.path('.nx/workspace-data/atmos-graph.json');
  /** Removes everything Nx keeps in .nx except our cache, so Nx must ask the plugin again. */
  const removeAllButPluginCache = () => {
    const data = ws.path('.nx/workspace-data');
    for (const entry of fs.readdirSync(ws.path('.nx'))) if (entry !== 'workspace-data') fs.rmSync(ws.path('.nx', entry), { recursive: true, force: true });
    for (const entry of fs.readdirSync(data)) if (entry !== 'atmos-graph.json') fs.rmSync(path.join(data, entry), { recursive: true, force: true });
  };
  beforeAll(() => {
    ws = nxWorkspace();
  });
  afterAll(() => ws?.cleanup());

  test('a cold run writes the cache: the key and the model of every instance', async () => {
    fs.rmSync(ws.path('.nx'), { recursive: true, force: true });
    expect(await showProjects(ws)).toEqual(sorted([...ALL_INSTANCES, 'atmos']));
    const cached = JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as { key: string; value: { model: { projects: Array<{ name: string }>; edges: Array<{ source: string; target: string }> } } };
    expect(cached.key).toMatch(/^[0-9a-f]{64}$/);
    expect(sorted(cached.value.model.projects.map((p) => p.name))).toEqual(ALL_INSTANCES);
    expect(sorted(cached.value.model.edges.map((e) => `${e.source} -> ${e.target}`))).toEqual(EXPECTED_EDGES);
  });

  test('a warm run (Nx caches deleted, ours kept) reads the cache instead of re-parsing', async () => {
    // Prove the cache is what gets used: rename a project inside the cached model (same key).
    const cached = JSON.parse(fs.readFileSync(cacheFile(), 'utf8'));
    const victim = cached.value.model.projects.find((p: { name: string }) => p.name === 'vpc-plat-uw2-dev');
    victim.name = 'from-the-cache';
    cached.value.model.edges = cached.value.model.edges.map((e: { source: string; target: string }) => ({
      ...e,
      target: e.target === 'vpc-plat-uw2-dev' ? 'from-the-cache' : e.target,
    }));
    fs.writeFileSync(cacheFile(), JSON.stringify(cached));
    const before = fs.statSync(cacheFile()).mtimeMs;
    removeAllButPluginCache();
    expect(await showProjects(ws)).toEqual(sorted([...ALL_INSTANCES.filter((p) => p !== 'vpc-plat-uw2-dev'), 'from-the-cache', 'atmos']));
    expect(fs.statSync(cacheFile()).mtimeMs).toBe(before); // a hit does not rewrite it
  });

  test('editing a manifest invalidates it (no stale cache), with or without Nx caches', async () => {
    const keyBefore = JSON.parse(fs.readFileSync(cacheFile(), 'utf8')).key;
    // Enable uw2-dev's db: a new project and new edges.
    const uw2 = 'stacks/orgs/acme/dev/uw2.yaml';
    ws.writeFile(uw2, ws.readFile(uw2).replace('        enabled: false\n', '        enabled: true\n'));
    // Nx's own caches kept: Nx still re-runs the plugin, which must notice the change.
    expect(await showProjects(ws)).toEqual(sorted([...ALL_INSTANCES, 'db-plat-uw2-dev', 'atmos']));
    const cached = JSON.parse(fs.readFileSync(cacheFile(), 'utf8'));
    expect(cached.key).not.toBe(keyBefore);
    expect(cached.value.model.projects.map((p: { name: string }) => p.name)).toContain('db-plat-uw2-dev');

    // Edit back, with Nx's caches gone too: the original projects again, computed afresh.
    ws.writeFile(uw2, ws.readFile(uw2).replace('        enabled: true\n', '        enabled: false\n'));
    removeAllButPluginCache();
    expect(await showProjects(ws)).toEqual(sorted([...ALL_INSTANCES, 'atmos']));
    await nxOk(ws, ['graph', '--file=graph.json']);
    const graph = JSON.parse(ws.readFile('graph.json')).graph;
    const edges = Object.values(graph.dependencies as Record<string, Array<{ source: string; target: string }>>).flat();
    expect(sorted(edges.map((e) => `${e.source} -> ${e.target}`))).toEqual(EXPECTED_EDGES);
  });

  test('editing a component .tf (not a manifest) also invalidates it: a new local module is picked up', async () => {
    const db = 'components/terraform/db/main.tf';
    ws.writeFile(db, `${ws.readFile(db)}\nmodule "label" {\n  source = "../modules/label"\n  name   = var.name\n}\n`);
    const project = JSON.parse((await nxOk(ws, ['show', 'project', 'db-plat-ue1-dev', '--json'])).stdout);
    expect(project.namedInputs.default).toContain('{workspaceRoot}/components/terraform/modules/label/**/*');
  });
});
