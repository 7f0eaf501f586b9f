/**
 * `npm run demo`: the main job, offline. Copies examples/offline into a fresh git workspace and
 * drives it through the real Nx CLI and real terraform: projects, graph, plans (with mock
 * outputs before the network exists), applies in dependency order, outputs and a drift check.
 * Usage: node tools/dist/demo/run.js [--out DIR]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../..');
const example = join(repoRoot, 'examples/offline');

function main(): number {
  const outIndex = process.argv.indexOf('--out');
  const dir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : mkdtempSync(join(tmpdir(), 'atmos-demo-'));
  if (existsSync(join(dir, 'atmos.yaml'))) throw new Error(`${dir} already holds a workspace; pass an empty --out folder`);
  cpSync(example, dir, { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.email=demo@example.com', '-c', 'user.name=demo', 'commit', '-qm', 'offline example');
  console.log(`workspace: ${dir}\n`);

  const steps: Array<[string, string[]]> = [
    ['projects (one per component instance)', ['show', 'projects']],
    ['dependency graph', ['graph', '--file=graph.json']],
    ['plan everything (app uses settings.mock_outputs: network was never applied)', ['run-many', '-t', 'plan', '--parallel=2']],
    ['apply the reviewed network plans', ['run-many', '-t', 'apply', '-p', 'tag:component:network', '--parallel=2']],
    ['re-plan app with the real network outputs', ['run-many', '-t', 'plan', '-p', 'tag:component:app', '--parallel=2']],
    ['apply app: dependencies first (^apply), each with its reviewed plan', ['run-many', '-t', 'apply', '-p', 'tag:component:app', '--parallel=2']],
    ['outputs of app in prod', ['run', 'app-acme-local-prod:output']],
    ['drift check: plan -detailed-exitcode on every instance', ['run-many', '-t', 'drift', '--parallel=2']],
  ];
  for (const [title, args] of steps) {
    console.log(`\n=== ${title}\n$ nx ${args.join(' ')}`);
    const runsTasks = args[0] === 'run' || args[0] === 'run-many';
    const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules/nx/dist/bin/nx.js'), ...args, ...(runsTasks ? ['--output-style=stream'] : [])], {
      cwd: dir,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    });
    if (result.status !== 0) {
      console.error(`\nstep failed: nx ${args.join(' ')} (exit ${result.status})`);
      return 1;
    }
    if (args[0] === 'graph') printEdges(join(dir, 'graph.json'));
  }
  console.log(`\ndemo complete: 4 instances planned, applied and checked for drift in ${dir}`);
  return 0;
}

function printEdges(file: string): void {
  const graph = JSON.parse(readFileSync(file, 'utf8')) as { graph: { dependencies: Record<string, Array<{ target: string; type: string }>> } };
  for (const [source, edges] of Object.entries(graph.graph.dependencies)) {
    for (const edge of edges) console.log(`  ${source} -> ${edge.target} (${edge.type})`);
  }
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

process.exitCode = main();
