/**
 * `npm run bench -- run`: the run phase's own overhead, with the real Nx CLI and real terraform.
 *
 * A synthetic 10,000-instance workspace (tools/synthetic/generate.ts) is generated into a temp
 * folder and made runnable (not timed): its s3 backend is dropped so every instance uses the
 * local default backend (`.atmos/state/<component>/`, no emulators, no network), the chosen
 * component's main.tf becomes a tiny terraform_data-only component, and nx.json / package.json /
 * node_modules (a link to this repository's) are added. One component is picked (the concrete
 * one found in the most stacks) and 20 of its stacks.
 *
 * Then `nx run-many -t plan -p <20 projects>` runs once to warm up (Nx project graph, plugin
 * graph cache, terraform init of each workdir: reported, not judged), then with --parallel=1 and
 * --parallel=4, each with ATMOS_NX_TIMING_LOG set. The executor appends one line per task to that
 * log ({project, command, ownMs, terraformMs}); printed: the executor's own time per task
 * (median, p90, max) against the target (<= 150 ms), terraform's time, and the wall times.
 *
 *   npm run bench -- run [--instances 20] [--component NAME] [--workspace DIR] [--keep] [--json] [--strict]
 *                        [...generator flags, e.g. --stacks 200 --components 50]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GENERATOR_USAGE, describeStats, generateWorkspace, parseGeneratorFlags } from '../synthetic/generate';
import { median, parseBenchArgs, percentile } from './stats';

/** The target for the executor's own time per task. */
export const RUN_TARGETS = { ownMsPerTask: 150 };

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const PLUGIN_DIST = join(REPO_ROOT, 'packages', 'atmos', 'dist');
const NX_BIN = join(REPO_ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
const TERRAFORM = '/usr/local/bin/terraform';

export const RUN_USAGE = `usage: npm run bench -- run [options]
  --instances N         instances of the component to plan (default 20)
  --component NAME      the Atmos component (default: the concrete component found in the most stacks)
  --workspace DIR       use this prepared workspace (from an earlier --keep) instead of generating one
  --keep                keep the generated workspace (its path is printed)
  --json                print the results as JSON as well
  --strict              exit 1 when the target is missed
generator flags (default 200 stacks x 50 components = 10,000 instances):
${GENERATOR_USAGE.split('\n').slice(1).join('\n')}`;

interface RunBenchOptions {
  instances: number;
  component?: string;
  workspace?: string;
  keep: boolean;
  json: boolean;
  strict: boolean;
}

interface TimingLine {
  project: string;
  command: string;
  ownMs: number;
  terraformMs: number;
}

interface Round {
  label: string;
  parallel: number;
  wallMs: number;
  tasks: TimingLine[];
}

/** terraform_data only: `terraform init` downloads nothing. Declares the var every synthetic component gets. */
const TINY_COMPONENT = `# Bench stand-in (tools/bench/run-executors.ts): built-in terraform_data only.
variable "name" {
  type = string
}

resource "terraform_data" "this" {
  input = var.name
}

output "name" {
  value = terraform_data.this.output
}
`;

function parseArgs(argv: string[]): { options: RunBenchOptions; generator: ReturnType<typeof parseGeneratorFlags>['options'] } {
  const { options: generator, rest } = parseGeneratorFlags(argv);
  const options: RunBenchOptions = { instances: 20, keep: false, json: false, strict: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const next = rest[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--instances') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error('--instances needs a positive integer');
      options.instances = n;
    } else if (arg === '--component') options.component = value();
    else if (arg === '--workspace') options.workspace = resolve(value());
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--strict') options.strict = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return { options, generator };
}

const BENCH_MARKER = '.atmos-bench-run.json';

/** Drops the s3 backend (local default backend instead) and adds what Nx needs. Idempotent. */
function makeRunnable(workspace: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  for (const file of ['stacks/orgs/_defaults.yaml']) {
    const path = join(workspace, file);
    const doc = YAML.parseDocument(readFileSync(path, 'utf8'));
    doc.deleteIn(['terraform', 'backend_type']);
    doc.deleteIn(['terraform', 'backend']);
    writeFileSync(path, doc.toString());
  }
  const leftover = readFileSync(join(workspace, 'stacks/orgs/_defaults.yaml'), 'utf8');
  if (/backend_type|\bs3:/.test(leftover)) throw new Error('could not remove the s3 backend from stacks/orgs/_defaults.yaml');
  writeFileSync(join(workspace, 'nx.json'), JSON.stringify({
    plugins: ['@org/atmos'],
    pluginsConfig: { '@nx/js': { projectsAffectedByDependencyUpdates: [] } },
    // Keep Nx's cache and workspace data inside the temp workspace (Nx 24 otherwise shares them under ~/.nx).
    cacheDirectory: '.nx/cache',
  }, null, 2) + '\n');
  writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'atmos-bench-run', private: true, version: '0.0.0' }, null, 2) + '\n');
  writeFileSync(join(workspace, '.gitignore'), 'node_modules\n.nx\n.atmos\n');
  if (!existsSync(join(workspace, 'node_modules'))) symlinkSync(join(REPO_ROOT, 'node_modules'), join(workspace, 'node_modules'));
}

interface Picked {
  component: string;
  terraformComponent: string;
  componentPath: string;
  projects: string[];
}

/**
 * The component (concrete, in the most stacks unless named) and `count` of its project names. The
 * static engine is enough for this (about 1 s); names follow the plugin's default `{component}-{stack}`.
 */
function pickProjects(workspace: string, count: number, wanted?: string): Picked {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const atmos = require(join(PLUGIN_DIST, 'index.js')) as {
    loadAtmosConfig(options: { cwd: string }): unknown;
    resolveStacks(config: unknown): { instances: Array<{ component: string; stack: string; componentPath: string; abstract: boolean; enabled: boolean }> };
  };
  const resolved = atmos.resolveStacks(atmos.loadAtmosConfig({ cwd: workspace }));
  const byComponent = new Map<string, typeof resolved.instances>();
  for (const instance of resolved.instances) {
    if (instance.abstract || !instance.enabled) continue;
    byComponent.set(instance.component, [...(byComponent.get(instance.component) ?? []), instance]);
  }
  let component = wanted;
  if (!component) {
    // Prefer a component whose Terraform folder is its own name (the catalog's primary), then the most stacks.
    const own = (name: string, list: typeof resolved.instances) => Number(list[0].componentPath.endsWith(`/${name}`));
    const ranked = [...byComponent.entries()].sort((a, b) => own(b[0], b[1]) - own(a[0], a[1]) || b[1].length - a[1].length || a[0].localeCompare(b[0]));
    component = ranked[0]?.[0];
  }
  const instances = component ? (byComponent.get(component) ?? []) : [];
  if (!component || instances.length === 0) throw new Error(`no deployable instances of component '${component ?? '?'}' in ${workspace}`);
  if (instances.length < count) throw new Error(`component '${component}' has ${instances.length} instances, fewer than --instances ${count}`);
  const chosen = [...instances].sort((a, b) => a.stack.localeCompare(b.stack)).slice(0, count);
  const componentPath = relative(workspace, chosen[0].componentPath).split('\\').join('/');
  return {
    component,
    terraformComponent: componentPath.split('/').pop() ?? component,
    componentPath,
    projects: chosen.map((i) => `${i.component.split('/').join('-')}-${i.stack.split('/').join('-')}`),
  };
}

function runNx(workspace: string, args: string[], timingLog: string): Promise<{ wallMs: number; code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      CI: 'true',
      NX_SKIP_NX_CACHE: 'true',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      NODE_OPTIONS: '',
      ATMOS_NX_TIMING_LOG: timingLog,
    };
    for (const name of ['TF_DATA_DIR', 'TF_WORKSPACE', 'TF_CLI_ARGS', 'TF_LOG', 'NX_WORKSPACE_ROOT_PATH']) delete env[name];
    const child = spawn(process.execPath, [NX_BIN, ...args], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ wallMs: performance.now() - started, code, output }));
  });
}

function readTiming(file: string): TimingLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TimingLine);
}


function summary(values: number[]) {
  return { median: median(values), p90: percentile(values, 90), max: values.length ? Math.max(...values) : NaN };
}

export async function runExecutorsBenchmark(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv, RUN_USAGE, parseArgs);
  if (typeof parsed === 'number') return parsed;
  const { options, generator } = parsed;
  for (const [what, path] of [['the plugin (run `npm run build`)', join(PLUGIN_DIST, 'executors', 'plan', 'executor.js')], ['nx', NX_BIN], ['terraform', TERRAFORM]]) {
    if (!existsSync(path)) {
      process.stderr.write(`${path} is missing: ${what}\n`);
      return 1;
    }
  }

  const out = (line = '') => process.stdout.write(line + '\n');
  let scratch: string | undefined;
  let timingDir: string | undefined;
  let workspace = options.workspace;
  try {
    if (!workspace) {
      scratch = mkdtempSync(join(tmpdir(), 'atmos-bench-run-'));
      workspace = join(scratch, 'workspace');
      const started = performance.now();
      const result = generateWorkspace(workspace, generator);
      out(`workspace: ${workspace} (generated in ${(performance.now() - started).toFixed(0)} ms, not timed)`);
      for (const line of describeStats(result.stats)) out(`  ${line}`);
    } else {
      out(`workspace: ${workspace}`);
    }
    makeRunnable(workspace);
    // One timing-log path for every nx invocation (truncated between rounds): the plugin's graph cache
    // key hashes every ATMOS_* variable, so a new path per round would rebuild the 10,000-instance graph.
    timingDir = mkdtempSync(join(tmpdir(), 'atmos-bench-run-timing-'));
    const timingLog = join(timingDir, 'timing.jsonl');
    const pickStarted = performance.now();
    const picked = pickProjects(workspace, options.instances, options.component);
    const previous = existsSync(join(workspace, BENCH_MARKER)) ? (JSON.parse(readFileSync(join(workspace, BENCH_MARKER), 'utf8')) as { componentPath?: string }) : {};
    writeFileSync(join(workspace, picked.componentPath, 'main.tf'), TINY_COMPONENT);
    writeFileSync(join(workspace, BENCH_MARKER), JSON.stringify({ componentPath: picked.componentPath }) + '\n');
    if (previous.componentPath && previous.componentPath !== picked.componentPath) out(`note: an earlier run replaced ${previous.componentPath}/main.tf as well`);
    out(`component: ${picked.component} (terraform folder ${picked.componentPath}, main.tf replaced by a terraform_data-only stand-in), ` +
      `local default backend; ${picked.projects.length} instances picked in ${(performance.now() - pickStarted).toFixed(0)} ms:`);
    out(`  ${picked.projects.join(' ')}`);
    out(`nx ${JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'nx', 'package.json'), 'utf8')).version}, node ${process.version}, NX_DAEMON=false`);
    out();

    const rounds: Round[] = [];
    const runProjects = (parallel: number) => runNx(workspace!, ['run-many', '-t', 'plan', '-p', picked.projects.join(','), `--parallel=${parallel}`, '--outputStyle=static'], timingLog);
    for (const [label, parallel] of [['warm-up (graph, init)', 4], ['--parallel=1', 1], ['--parallel=4', 4]] as const) {
      writeFileSync(timingLog, '');
      const r = await runProjects(parallel);
      const tasks = readTiming(timingLog);
      if (r.code !== 0) {
        process.stderr.write(`${label}: nx exited with ${r.code}\n${r.output.slice(-8000)}\n`);
        return 1;
      }
      if (tasks.length !== picked.projects.length) {
        process.stderr.write(`${label}: expected ${picked.projects.length} timing lines in ATMOS_NX_TIMING_LOG, got ${tasks.length}\n`);
        return 1;
      }
      rounds.push({ label, parallel, wallMs: r.wallMs, tasks });
      const own = summary(tasks.map((t) => t.ownMs));
      const tf = summary(tasks.map((t) => t.terraformMs));
      out(`${label.padEnd(22)} wall ${(r.wallMs / 1000).toFixed(2).padStart(6)} s   own/task median ${own.median.toFixed(0).padStart(4)} ms, ` +
        `p90 ${own.p90.toFixed(0).padStart(4)} ms, max ${own.max.toFixed(0).padStart(4)} ms   terraform/task median ${tf.median.toFixed(0).padStart(5)} ms`);
    }
    // What every nx invocation pays before the first task starts: the project graph of the whole workspace.
    const graphOnly = await runNx(workspace, ['show', 'projects'], timingLog);
    if (graphOnly.code !== 0) {
      process.stderr.write(`nx show projects exited with ${graphOnly.code}\n${graphOnly.output.slice(-8000)}\n`);
      return 1;
    }
    out(`${'nx show projects'.padEnd(22)} wall ${(graphOnly.wallMs / 1000).toFixed(2).padStart(6)} s   (project graph only: the fixed cost of each nx invocation above)`);

    const [serial, parallel] = rounds.slice(1);
    const serialOwn = summary(serial.tasks.map((t) => t.ownMs));
    const parallelOwn = summary(parallel.tasks.map((t) => t.ownMs));
    const verdict = (value: number) => (value <= RUN_TARGETS.ownMsPerTask ? 'PASS' : 'FAIL');
    const ok = serialOwn.p90 <= RUN_TARGETS.ownMsPerTask;
    const overhead = (round: Round) =>
      (round.wallMs - graphOnly.wallMs) / round.tasks.length - median(round.tasks.map((t) => t.ownMs)) - median(round.tasks.map((t) => t.terraformMs));
    out();
    out(`executor own time per task (ownMs: executor start -> end, minus terraform), target <= ${RUN_TARGETS.ownMsPerTask} ms:`);
    out(`  --parallel=1: median ${serialOwn.median.toFixed(0)} ms ${verdict(serialOwn.median)}, p90 ${serialOwn.p90.toFixed(0)} ms ${verdict(serialOwn.p90)}, max ${serialOwn.max.toFixed(0)} ms ${verdict(serialOwn.max)}`);
    out(`  --parallel=4: median ${parallelOwn.median.toFixed(0)} ms, p90 ${parallelOwn.p90.toFixed(0)} ms, max ${parallelOwn.max.toFixed(0)} ms ` +
      `(wall-clock: 4 tasks + their terraform share ${cpus().length} cores, so this includes waiting for a CPU)`);
    out(`wall: --parallel=1 ${(serial.wallMs / 1000).toFixed(2)} s, --parallel=4 ${(parallel.wallMs / 1000).toFixed(2)} s (x${(serial.wallMs / parallel.wallMs).toFixed(2)}); ` +
      `per task at --parallel=1, outside the executor and terraform ((wall - graph) / tasks - own - terraform: nx's fork, module loading): ${overhead(serial).toFixed(0)} ms`);
    if (options.json) {
      out(JSON.stringify({
        component: picked.component,
        projects: picked.projects,
        target: RUN_TARGETS,
        rounds: rounds.map((r) => ({ label: r.label, parallel: r.parallel, wallMs: Math.round(r.wallMs), own: summary(r.tasks.map((t) => t.ownMs)), terraform: summary(r.tasks.map((t) => t.terraformMs)), tasks: r.tasks })),
        graphOnlyMs: Math.round(graphOnly.wallMs),
        pass: ok,
      }));
    }
    return options.strict && !ok ? 1 : 0;
  } finally {
    if (timingDir) rmSync(timingDir, { recursive: true, force: true });
    if (scratch) {
      if (options.keep) out(`kept ${workspace} (re-run with --workspace ${workspace})`);
      else rmSync(scratch, { recursive: true, force: true });
    }
  }
}
