/**
 * `nx add @org/atmos` for real, offline: the package is packed with `npm pack` (its `files`
 * list decides what ships), published to a local registry on 127.0.0.1 (e2e/harness/npm-registry.ts:
 * packuments from the repository's lock file, tarballs from npm's local cache), and added to a
 * fresh Nx workspace that holds only package.json and nx.json. npm in that workspace has an
 * empty cache of its own, so nx, @org/atmos and every dependency come through that registry.
 *
 * `nx add` runs `npm install -D @org/atmos@latest` (nx 24: src/command-line/add/add.js), then
 * `nx g @org/atmos:init` (runPluginInitGenerator). Afterwards the generators run from the
 * installed package (their templates ship as src/generators/<name>/files).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startLocalRegistry, type LocalRegistry } from '../harness/npm-registry';
import { requireTerraform } from '../harness/terraform';
import { createWorkspace, formatRunResult, runCommand, type RunResult, type Workspace } from '../harness/workspace';
import { REPO, requireBuiltPlugin } from './helpers';

jest.setTimeout(900_000);

let registry: LocalRegistry;
let ws: Workspace;
let scratch: string;
let npmEnv: Record<string, string>;

async function ok(r: Promise<RunResult>, what: string): Promise<RunResult> {
  const result = await r;
  if (result.exitCode !== 0) throw new Error(`${what} failed (registry misses: ${[...new Set(registry.misses)].join(', ') || 'none'})\n${formatRunResult(result)}`);
  return result;
}

const nx = (args: string[]) => ws.run(ws.path('node_modules/.bin/nx'), args, { env: npmEnv, timeoutMs: 300_000 });

beforeAll(async () => {
  requireBuiltPlugin();
  requireTerraform();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-nx-add-'));
  const pack = await ok(runCommand('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: path.join(REPO, 'packages/atmos'), timeoutMs: 120_000 }), 'npm pack');
  const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'packages/atmos/package.json'), 'utf8'));
  registry = await startLocalRegistry({ lockFile: path.join(REPO, 'package-lock.json'), publish: [{ manifest, tarball: path.join(scratch, path.basename(packed.filename)) }] });
  npmEnv = registry.npmEnv(path.join(scratch, 'npm-cache'));
  ws = createWorkspace({ prefix: 'atmos-nx-add-ws-' });
  ws.writeJson('package.json', { name: 'fresh-workspace', private: true });
  ws.writeJson('nx.json', { $schema: './node_modules/nx/schemas/nx-schema.json' });
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  ws?.cleanup();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

it('nx add @org/atmos installs the packed package and runs init; nx show projects works', async () => {
  await ok(ws.run('npm', ['install', '-D', 'nx@24.0.0'], { env: npmEnv, timeoutMs: 600_000 }), 'npm install -D nx@24.0.0');
  const add = await ok(nx(['add', '@org/atmos']), 'nx add @org/atmos');
  expect(add.stdout + add.stderr).toContain('Package @org/atmos added successfully.');

  // Installed from the tarball, not linked.
  const installed = ws.path('node_modules/@org/atmos');
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, 'dist/generators/environment/generator.js'))).toBe(true);
  expect(JSON.parse(ws.readFile('package.json')).devDependencies['@org/atmos']).toMatch(/0\.1\.0/);

  const nxJson = JSON.parse(ws.readFile('nx.json'));
  expect(nxJson.plugins).toContainEqual({ plugin: '@org/atmos', options: { projectName: '{component}-{stack}' } });
  expect(nxJson.pluginsConfig['@nx/js'].projectsAffectedByDependencyUpdates).toEqual([]);
  expect(ws.readFile('atmos.yaml')).toContain('name_pattern: "{stage}-{environment}"');
  expect(ws.readFile('.gitignore')).toContain('.atmos/');

  const show = await ok(nx(['show', 'projects', '--json']), 'nx show projects');
  expect(JSON.parse(show.stdout.slice(show.stdout.indexOf('[')))).toEqual(expect.any(Array));

  // Running init again changes nothing.
  const files = ['nx.json', 'atmos.yaml', '.gitignore'].map((file) => ws.readFile(file));
  const again = await ok(nx(['g', '@org/atmos:init']), 'nx g @org/atmos:init');
  expect(again.stdout).toContain('@org/atmos is already set up: nothing to change');
  expect(['nx.json', 'atmos.yaml', '.gitignore'].map((file) => ws.readFile(file))).toEqual(files);
});

it('the installed package generates a component, its catalog entry, the first environment and a copy of it, which Nx lists and terraform plans', async () => {
  const component = await ok(nx(['g', '@org/atmos:component', '--name=app', '--catalog']), 'nx g @org/atmos:component');
  expect(component.stdout).toContain('catalog entry stacks/catalog/app/defaults.yaml');
  expect(ws.exists('components/terraform/app/main.tf')).toBe(true);
  // The first environment is written from scratch (nothing to copy yet), the second copies it.
  const first = await ok(nx(['g', '@org/atmos:environment', '--tenant=plat', '--account=dev', '--region=us-east-1']), 'nx g @org/atmos:environment (first)');
  expect(first.stdout).toContain("Stack dev-use1: stacks/orgs/plat/dev/us-east-1.yaml (the workspace's first environment: it imports every catalog entry)");
  await ok(nx(['g', '@org/atmos:environment', '--account=prod', '--region=eu-west-1']), 'nx g @org/atmos:environment');
  const show = await ok(nx(['show', 'projects', '--json']), 'nx show projects');
  expect((JSON.parse(show.stdout.slice(show.stdout.indexOf('['))) as string[]).filter((name) => name.startsWith('app-')).sort()).toEqual(['app-dev-use1', 'app-prod-euw1']);
  const plan = await ok(nx(['run', 'app-prod-euw1:plan']), 'nx run app-prod-euw1:plan');
  expect((plan.stdout + plan.stderr).replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Plan: 1 to add/);
});
