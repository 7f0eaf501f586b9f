/**
 * Precise `nx affected` through the REAL Nx CLI (nx 24) in a temporary git repository made from
 * ./fixture (see fixture/README.md). Every case is one commit on its own branch off `main`, and
 * the commands are the ones users type, with Nx's default base (nx.json `defaultBase: main`):
 *   - `nx affected -t plan` (task mode): the exact task set, read from `--graph=<file>` (the task
 *     graph; nothing runs);
 *   - `nx show projects --affected` (project mode): the same instances plus their dependents;
 *   - `atmos-nx describe affected --base main --format=projects`: the same names, exit code 3
 *     when nothing is affected.
 * The whole table runs again with the Nx daemon on (users' default), switching between the case
 * branches, so the daemon's cached graph has to follow branch switches and new commits.
 *
 * Needs the built plugin (`npm run build`, which `npm test` runs first).
 */
import * as fs from 'fs';
import * as path from 'path';
import { createWorkspace, formatRunResult, type RunResult, type Workspace } from '../harness/workspace';

jest.setTimeout(900_000);

const REPO = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'fixture');
const NX_TIMEOUT_MS = 180_000;
const ATMOS_NX = path.join(REPO, 'packages/atmos/bin/atmos-nx.js');

const DEV_USE1 = ['app-dev-use1', 'db-dev-use1', 'vpc-dev-use1'];
const DEV_USW2 = ['app-dev-usw2', 'vpc-dev-usw2'];
const PROD_USE1 = ['app-prod-use1', 'db-prod-use1', 'vpc-prod-use1'];
const DEV = [...DEV_USE1, ...DEV_USW2];
const ALL = [...DEV, ...PROD_USE1];
const APPS = ['app-dev-use1', 'app-dev-usw2', 'app-prod-use1'];
const VPCS = ['vpc-dev-use1', 'vpc-dev-usw2', 'vpc-prod-use1'];
const DBS = ['db-dev-use1', 'db-prod-use1'];
/** db depends on vpc in its stack: project mode adds the db of a vpc's stack. */
const withDependents = (projects: string[]): string[] =>
  [...new Set([...projects, ...projects.filter((p) => p.startsWith('vpc-')).map((p) => p.replace(/^vpc-/, 'db-')).filter((p) => DBS.includes(p))])];

const sorted = (values: Iterable<string>): string[] => [...values].sort();
const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

type Edit = (ws: Workspace) => void;

const replace = (file: string, from: string, to: string): Edit => (ws) => {
  const text = ws.readFile(file);
  if (!text.includes(from)) throw new Error(`${file} has no '${from}'`);
  ws.writeFile(file, text.replace(from, to));
};
const append = (file: string, text: string): Edit => (ws) => ws.writeFile(file, ws.readFile(file) + text);

interface AffectedCase {
  name: string;
  edit: Edit;
  /** Instances whose `plan` task is affected (project mode adds dependents). */
  tasks: string[];
}

const CASES: AffectedCase[] = [
  { name: "one component's catalog file: that component's instances", edit: replace('stacks/catalog/vpc.yaml', 'nat: false', 'nat: true'), tasks: VPCS },
  { name: "a mixin's global var: every instance of the stacks importing it", edit: replace('stacks/mixins/region/use1.yaml', 'region: us-east-1', 'region: us-east-1\n  zone_count: 3'), tasks: [...DEV_USE1, ...PROD_USE1] },
  { name: 'a comment-only edit: nothing', edit: append('stacks/catalog/db.yaml', '# reviewed by the platform team\n'), tasks: [] },
  { name: 'a whitespace-only edit: nothing', edit: replace('stacks/catalog/vpc.yaml', '        nat: false\n', '\n        nat:   false\n\n'), tasks: [] },
  { name: 'a value overridden later in every stack: nothing', edit: replace('stacks/catalog/db.yaml', 'backup_days: 7', 'backup_days: 14'), tasks: [] },
  { name: 'a stack manifest edit that changes one component: that instance', edit: replace('stacks/orgs/plat/dev/use1.yaml', '10.10.0.0/16', '10.11.0.0/16'), tasks: ['vpc-dev-use1'] },
  { name: "a component .tf edit: that component's instances", edit: append('components/terraform/db/main.tf', '\noutput "engine" {\n  value = "postgres"\n}\n'), tasks: DBS },
  { name: 'a glob-imported file added: the stacks with the glob', edit: (ws) => ws.writeFile('stacks/mixins/tags/team.yaml', 'terraform:\n  vars:\n    tags:\n      Team: core\n'), tasks: DEV },
  { name: 'a glob-imported file deleted: the stacks with the glob', edit: (ws) => fs.rmSync(ws.path('stacks/mixins/tags/owner.yaml')), tasks: DEV },
  { name: 'atmos.yaml edited: all', edit: replace('atmos.yaml', '    base_path: "components/terraform"\n', '    base_path: "components/terraform"\n    command: /usr/local/bin/terraform\n'), tasks: ALL },
  { name: 'a root package.json edit that changes no dependency: nothing', edit: replace('package.json', '"private": true,', '"private": true,\n  "description": "edited",'), tasks: [] },
  // Removals: the file that lost something is an input of the instances it changed.
  { name: 'removal: a component section deleted from a shared file', edit: replace('stacks/catalog/app.yaml', '      env:\n        LOG_LEVEL: info\n', ''), tasks: APPS },
  { name: 'removal: an override deleted from a stack manifest', edit: replace('stacks/orgs/plat/prod/use1.yaml', '        size: large\n', ''), tasks: ['db-prod-use1'] },
  { name: 'removal: a global vars key deleted from a shared file', edit: replace('stacks/orgs/plat/_defaults.yaml', '  owner_team: core\n', ''), tasks: ALL },
  { name: 'removal: an import removed from a stack', edit: replace('stacks/orgs/plat/prod/use1.yaml', '  - mixins/features/flags\n', ''), tasks: PROD_USE1 },
  {
    name: 'removal: a base component renamed',
    edit: (ws) => ws.writeFile('stacks/catalog/app.yaml', ws.readFile('stacks/catalog/app.yaml').split('app-defaults').join('app-base')),
    tasks: APPS,
  },
];

function ensureBuilt(): void {
  for (const file of [path.join(REPO, 'packages/atmos/dist/index.js'), path.join(REPO, 'packages/atmos/dist/cli/main.js')]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  }
}

function nxWorkspace(): Workspace {
  const ws = createWorkspace({ fixture: FIXTURE, prefix: 'atmos-affected-e2e-' });
  fs.symlinkSync(path.join(REPO, 'node_modules'), ws.path('node_modules'), 'dir');
  ws.gitInit('fixture');
  return ws;
}

interface Mode {
  daemon: boolean;
  /** NX_BASE, as CI exports it (nx-set-shas); default: nx.json defaultBase. */
  base?: string;
}

function nx(ws: Workspace, args: string[], mode: Mode): Promise<RunResult> {
  return ws.run(ws.path('node_modules/.bin/nx'), args, { timeoutMs: NX_TIMEOUT_MS, env: { NX_DAEMON: mode.daemon ? 'true' : 'false', ...(mode.base ? { NX_BASE: mode.base } : {}) } });
}

async function nxOk(ws: Workspace, args: string[], mode: Mode): Promise<RunResult> {
  const r = await nx(ws, args, mode);
  if (r.exitCode !== 0) throw new Error(`nx ${args.join(' ')} failed\n${formatRunResult(r)}`);
  return r;
}

/** `nx affected -t plan` (or another target): the task ids of the task graph it would run. */
async function affectedPlanTasks(ws: Workspace, mode: Mode, target = 'plan'): Promise<string[]> {
  const file = ws.path('.nx/e2e-affected-tasks.json');
  fs.rmSync(file, { force: true });
  await nxOk(ws, ['affected', '-t', target, `--graph=${file}`], mode);
  return sorted(Object.keys((JSON.parse(fs.readFileSync(file, 'utf8')) as { tasks: { tasks: Record<string, unknown> } }).tasks.tasks));
}

async function affectedProjects(ws: Workspace, mode: Mode): Promise<string[]> {
  return sorted(lines((await nxOk(ws, ['show', 'projects', '--affected'], mode)).stdout));
}

/** `atmos-nx describe affected --base <base> --format=projects`: names, or [] with exit code 3. */
async function describeAffectedProjects(ws: Workspace, base = 'main'): Promise<string[]> {
  const r = await ws.run(process.execPath, [ATMOS_NX, 'describe', 'affected', '--base', base, '--format=projects'], { timeoutMs: NX_TIMEOUT_MS });
  if (r.exitCode === 3) {
    expect(r.stdout).toBe('');
    return [];
  }
  if (r.exitCode !== 0) throw new Error(`atmos-nx describe affected failed\n${formatRunResult(r)}`);
  expect(lines(r.stdout)).toHaveLength(1);
  return sorted(r.stdout.trim().split(','));
}

const branchOf = (index: number) => `case-${index + 1}`;

beforeAll(ensureBuilt);

describe('nx affected -t plan: exactly the instances whose configuration changed', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = nxWorkspace();
  });
  afterAll(() => ws?.cleanup());

  test.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, index) => {
    ws.git(['checkout', '-q', '-B', branchOf(index), 'main']);
    ws.git(['clean', '-fdq']);
    c.edit(ws);
    ws.commit(c.name);
    const mode = { daemon: false };
    expect(await affectedPlanTasks(ws, mode)).toEqual(sorted(c.tasks.map((p) => `${p}:plan`)));
    expect(await affectedProjects(ws, mode)).toEqual(sorted(withDependents(c.tasks)));
    expect(await describeAffectedProjects(ws)).toEqual(sorted(c.tasks));
  });

  test('uncommitted edits count too (Nx adds them to the branch diff), and a new commit on top keeps the answer', async () => {
    ws.git(['checkout', '-q', '-B', 'uncommitted', 'main']);
    replace('stacks/catalog/db.yaml', 'size: small', 'size: medium')(ws);
    const mode = { daemon: false };
    expect(await affectedPlanTasks(ws, mode)).toEqual(['db-dev-use1:plan']); // prod-use1 overrides size
    ws.commit('db size');
    append('stacks/catalog/vpc.yaml', '# later\n')(ws);
    ws.commit('a comment on top');
    expect(await affectedPlanTasks(ws, mode)).toEqual(['db-dev-use1:plan']);
  });

  test('NX_BASE picks the base, as in CI (nx-set-shas): the answer against that commit', async () => {
    ws.git(['checkout', '-q', '-B', 'stacked', 'main']);
    replace('stacks/catalog/vpc.yaml', 'nat: false', 'nat: true')(ws);
    const first = ws.commit('vpc nat');
    replace('stacks/catalog/app.yaml', 'port: 80', 'port: 8080')(ws);
    ws.commit('app port');
    expect(await affectedPlanTasks(ws, { daemon: false, base: first })).toEqual(APPS.map((p) => `${p}:plan`));
    expect(await affectedPlanTasks(ws, { daemon: false })).toEqual(sorted([...APPS, ...VPCS].map((p) => `${p}:plan`)));
  });

  test('a catalog file prod imports through a link: editing the target selects the instances of both ways in', async () => {
    ws.git(['checkout', '-q', '-B', 'linked', 'main']);
    ws.git(['clean', '-fdq']);
    fs.mkdirSync(ws.path('stacks/linked'));
    fs.symlinkSync('../catalog/db.yaml', ws.path('stacks/linked/db.yaml'));
    replace('stacks/orgs/plat/prod/use1.yaml', '  - catalog/db\n', '  - linked/db\n')(ws);
    const linked = ws.commit('prod imports db through a link');
    replace('stacks/catalog/db.yaml', 'engine: postgres', 'engine: mysql')(ws);
    ws.commit('db engine');
    // git lists only the link's target as changed.
    expect(await affectedPlanTasks(ws, { daemon: false, base: linked })).toEqual(DBS.map((p) => `${p}:plan`));
    expect(await describeAffectedProjects(ws, linked)).toEqual(DBS);
  });

  test('a link to a file outside the stacks folder: editing the target selects the instances it changes (the target, not only the link, is an input)', async () => {
    ws.git(['checkout', '-q', '-B', 'linked-outside', 'main']);
    ws.git(['clean', '-fdq']);
    fs.mkdirSync(ws.path('shared'));
    fs.writeFileSync(ws.path('shared/db-tuning.yaml'), 'components:\n  terraform:\n    db:\n      vars:\n        max_connections: 100\n');
    fs.symlinkSync('../../shared/db-tuning.yaml', ws.path('stacks/catalog/db-tuning.yaml'));
    replace('stacks/orgs/plat/prod/use1.yaml', '  - catalog/db\n', '  - catalog/db\n  - catalog/db-tuning\n')(ws);
    const linked = ws.commit('prod tunes db through a link out of stacks/');
    replace('shared/db-tuning.yaml', 'max_connections: 100', 'max_connections: 200')(ws);
    ws.commit('more connections');
    expect(await affectedPlanTasks(ws, { daemon: false, base: linked })).toEqual(['db-prod-use1:plan']);
    expect(await describeAffectedProjects(ws, linked)).toEqual(['db-prod-use1']);
  });

  test('a component folder that is a link, re-pointed to another folder, and dependency paths written ./x and x/: git names the link itself; both select their instances', async () => {
    ws.git(['checkout', '-q', '-B', 'repointed', 'main']);
    ws.git(['clean', '-fdq']);
    fs.mkdirSync(ws.path('tf'));
    fs.renameSync(ws.path('components/terraform/app'), ws.path('tf/app-v1'));
    fs.cpSync(ws.path('tf/app-v1'), ws.path('tf/app-v2'), { recursive: true });
    ws.writeFile('tf/app-v2/extra.tf', 'variable "v2" {\n  default = 1\n}\n');
    fs.symlinkSync('../../tf/app-v1', ws.path('components/terraform/app'));
    ws.writeFile('cfg.json', '1\n');
    ws.writeFile('pol/p.rego', 'a\n');
    append('stacks/catalog/db.yaml', '      dependencies:\n        files: [./cfg.json]\n        folders: [pol/]\n')(ws);
    const linked = ws.commit('app through a link; db declares ./cfg.json and pol/');
    fs.rmSync(ws.path('components/terraform/app'));
    fs.symlinkSync('../../tf/app-v2', ws.path('components/terraform/app'));
    ws.commit('app v2');
    expect(await affectedPlanTasks(ws, { daemon: false, base: linked })).toEqual(APPS.map((p) => `${p}:plan`));
    expect(await describeAffectedProjects(ws, linked)).toEqual(APPS);
    const v2 = ws.commit('nothing');
    ws.writeFile('cfg.json', '2\n');
    ws.writeFile('pol/p.rego', 'b\n');
    ws.commit('db dependencies');
    expect(await affectedPlanTasks(ws, { daemon: false, base: v2 })).toEqual(DBS.map((p) => `${p}:plan`));
    expect(await describeAffectedProjects(ws, v2)).toEqual(DBS);
  });

  test('manifests whose names hold glob syntax: an edit selects their instances (Nx reads inputs as globs; unescaped, it matched nothing)', async () => {
    ws.git(['checkout', '-q', '-B', 'glob-names', 'main']);
    ws.git(['clean', '-fdq']);
    // Imported by name (an import is a glob for Atmos too, so only what is literal there: () + @),
    // and through the dev stacks' `mixins/tags/*` (any name).
    const db = 'db (v2)+@';
    ws.git(['mv', 'stacks/catalog/db.yaml', `stacks/catalog/${db}.yaml`]);
    for (const stack of ['stacks/orgs/plat/dev/use1.yaml', 'stacks/orgs/plat/prod/use1.yaml']) replace(stack, '  - catalog/db\n', `  - "catalog/${db}"\n`)(ws);
    const tags = 'stacks/mixins/tags/[e2]{x}.yaml';
    ws.writeFile(tags, 'terraform:\n  vars:\n    tags:\n      Zone: a\n');
    const renamed = ws.commit('glob syntax in names');
    replace(`stacks/catalog/${db}.yaml`, 'engine: postgres', 'engine: mysql')(ws);
    ws.commit('db engine');
    expect(await affectedPlanTasks(ws, { daemon: false, base: renamed })).toEqual(DBS.map((p) => `${p}:plan`));
    expect(await describeAffectedProjects(ws, renamed)).toEqual(DBS);
    replace(tags, 'Zone: a', 'Zone: b')(ws);
    ws.commit('zone');
    expect(await affectedPlanTasks(ws, { daemon: false, base: renamed })).toEqual(sorted([...new Set([...DBS, ...DEV])].map((p) => `${p}:plan`)));
  });

  test('atmos.yaml describe.affected.sections: only the listed sections (and metadata, settings) count, for nx affected as for describe affected', async () => {
    ws.git(['checkout', '-q', '-B', 'sections', 'main']);
    ws.git(['clean', '-fdq']);
    append('atmos.yaml', '\ndescribe:\n  affected:\n    sections: [env]\n')(ws);
    const listed = ws.commit('compare env only');
    replace('stacks/catalog/vpc.yaml', 'nat: false', 'nat: true')(ws); // a vars edit
    ws.commit('vpc nat');
    expect(await affectedPlanTasks(ws, { daemon: false, base: listed })).toEqual([]);
    expect(await describeAffectedProjects(ws, listed)).toEqual([]);
    replace('stacks/catalog/app.yaml', 'LOG_LEVEL: info', 'LOG_LEVEL: debug')(ws);
    ws.commit('app log level');
    expect(await affectedPlanTasks(ws, { daemon: false, base: listed })).toEqual(APPS.map((p) => `${p}:plan`));
    expect(await describeAffectedProjects(ws, listed)).toEqual(APPS);
    // The GitHub Actions form, through the installed bin: the matrix appended to $GITHUB_OUTPUT.
    const githubOutput = ws.path('.nx/github-output');
    fs.writeFileSync(githubOutput, 'earlier=1\n');
    const r = await ws.run(process.execPath, [ATMOS_NX, 'describe', 'affected', '--base', listed, '--format=matrix', '--output-file', githubOutput], { timeoutMs: NX_TIMEOUT_MS });
    if (r.exitCode !== 0) throw new Error(`atmos-nx describe affected failed\n${formatRunResult(r)}`);
    const [earlier, matrix, count] = fs.readFileSync(githubOutput, 'utf8').trimEnd().split('\n');
    expect([earlier, count]).toEqual(['earlier=1', 'count=3']);
    const include = (JSON.parse(matrix.replace(/^matrix=/, '')) as { include: Array<{ stack: string; component: string }> }).include;
    expect(include.map((entry) => `${entry.component}-${entry.stack}`).sort()).toEqual(APPS);
  });

  test('a base with an import that matches no manifest (a branch fixing main): every instance, for nx affected as for describe affected (Atmos compares that base as empty)', async () => {
    ws.git(['checkout', '-q', '-B', 'broken-base', 'main']);
    ws.git(['clean', '-fdq']);
    replace('stacks/orgs/plat/dev/use1.yaml', '  - catalog/app\n', '  - catalog/appz\n')(ws);
    const broken = ws.commit('an import of a file that does not exist');
    replace('stacks/orgs/plat/dev/use1.yaml', '  - catalog/appz\n', '  - catalog/app\n')(ws);
    ws.commit('the fix');
    // The first command on this branch computes the graph, and says why everything is affected
    // (Nx passes a plugin worker's stderr through without the daemon).
    const shown = await nxOk(ws, ['show', 'projects', '--affected'], { daemon: false, base: broken });
    expect(sorted(lines(shown.stdout))).toEqual(sorted(ALL));
    expect(shown.stderr).toMatch(/^warning: @org\/atmos, nx affected: stacks\/orgs\/plat\/dev\/use1\.yaml:\d+:5: at the base \([0-9a-f]{12}\): import "catalog\/appz" matches no manifest: compared with nothing, every instance is new/m);
    expect(await affectedPlanTasks(ws, { daemon: false, base: broken })).toEqual(sorted(ALL.map((p) => `${p}:plan`)));
    expect(await describeAffectedProjects(ws, broken)).toEqual(sorted(ALL));
    const r = await ws.run(process.execPath, [ATMOS_NX, 'describe', 'affected', '--base', broken, '--format=projects'], { timeoutMs: NX_TIMEOUT_MS });
    expect(r.stderr).toMatch(/^warning: stacks\/orgs\/plat\/dev\/use1\.yaml:\d+:5: at the base \([0-9a-f]{12}\): import "catalog\/appz" matches no manifest: compared with nothing, every instance is new/m);
  });

  test('a base that names no commit here (a shallow CI checkout): the plugin says nx affected selects by file, and why', async () => {
    ws.git(['checkout', '-q', 'main']);
    ws.git(['clean', '-fdq']);
    const shown = await nxOk(ws, ['show', 'projects'], { daemon: false, base: 'origin/main' });
    expect(sorted(lines(shown.stdout))).toEqual(expect.arrayContaining(ALL));
    expect(shown.stderr).toMatch(/^warning: @org\/atmos, nx affected: the base "origin\/main" \(NX_BASE\) names no commit in this repository: nx affected selects by file .*fetch it/m);
  });

  test('the other targets: `nx affected -t output` and `-t drift` select the changed instances (their own inputs); apply and validate are exact', async () => {
    ws.git(['checkout', '-q', branchOf(0)]); // the vpc catalog edit
    ws.git(['clean', '-fdq']);
    const mode = { daemon: false };
    expect(await affectedPlanTasks(ws, mode, 'output')).toEqual(sorted(VPCS.map((p) => `${p}:output`)));
    expect(await affectedPlanTasks(ws, mode, 'drift')).toEqual(sorted(VPCS.map((p) => `${p}:drift`)));
    expect(await affectedPlanTasks(ws, mode, 'validate')).toEqual(sorted(VPCS.map((p) => `${p}:validate`)));
    // apply's task graph holds the changed instances' applies and, through ^apply, their dependencies' (vpc has none).
    expect(await affectedPlanTasks(ws, mode, 'apply')).toEqual(sorted(VPCS.map((p) => `${p}:apply`)));
  });

  describe('with the Nx daemon on', () => {
    const mode = { daemon: true };
    beforeAll(async () => {
      ws.git(['checkout', '-q', 'main']);
      await nxOk(ws, ['daemon', '--start'], mode);
    });
    afterAll(async () => {
      if (ws) await nx(ws, ['daemon', '--stop'], mode);
    });

    test.each(CASES.map((c, i) => [c.name, c, i] as const))('after switching to the branch of: %s', async (_name, c, index) => {
      ws.git(['checkout', '-q', branchOf(index)]);
      ws.git(['clean', '-fdq']);
      expect(await affectedPlanTasks(ws, mode)).toEqual(sorted(c.tasks.map((p) => `${p}:plan`)));
      expect(await affectedProjects(ws, mode)).toEqual(sorted(withDependents(c.tasks)));
    });

    test('a new commit on the branch: the daemon follows', async () => {
      ws.git(['checkout', '-q', branchOf(0)]);
      replace('stacks/orgs/plat/prod/use1.yaml', '10.30.0.0/16', '10.31.0.0/16')(ws);
      ws.commit('prod cidr too');
      replace('stacks/catalog/vpc.yaml', 'nat: true', 'nat: false')(ws); // back to main's value, uncommitted
      expect(await affectedPlanTasks(ws, mode)).toEqual(['vpc-prod-use1:plan']);
      ws.commit('nat back');
      expect(await affectedPlanTasks(ws, mode)).toEqual(['vpc-prod-use1:plan']);
    });
  });
});
