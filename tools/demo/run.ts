/**
 * `npm run demo`: the main job, offline. Copies the offline twin (examples/twin: the reference
 * stacks with provider-free components, local state) into a temporary git workspace and drives
 * it through the real Nx CLI and real terraform: the instances, the dependency graph, plans,
 * applies in dependency order, outputs, `nx affected -t plan` after a one-line change, the
 * onboarding of a new environment (the shipped onboard-environment workflow) and drift detection
 * with its report, which is copied to .atmos/demo/ in this repository (git-ignored, kept); the
 * last line printed is the report's path. Every figure it prints is counted from what ran.
 *
 * Usage: node tools/dist/demo/run.js [--stacks dev-use1,shared-use1] [--parallel N] [--keep] [--out DIR]
 *   --stacks    only these stacks' instances (they must include every stack they depend on)
 *   --parallel  terraform tasks at a time (default 3)
 *   --keep      keep the temporary workspace (it is removed otherwise, also after a failure)
 *   --out DIR   use DIR (empty or new) as the workspace; kept like --keep
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dependencyWaves, edgesOf, type NxGraphFile } from './graph';

const repoRoot = resolve(__dirname, '../../..');
const twin = join(repoRoot, 'examples/twin');
const nxBin = join(repoRoot, 'node_modules/nx/dist/bin/nx.js');
const atmosNxBin = join(repoRoot, 'packages/atmos/bin/atmos-nx.js');
/** Where the demo keeps the drift report: in the repository (git-ignored), not in the workspace it removes. */
export const REPORT_DIR = join(repoRoot, '.atmos/demo');
/** The environment the demo onboards: a new region of an existing account, depending only on shared-use1. */
const NEW_STACK = 'staging-usw2';
const UNDECLARED = 'Value for undeclared variable';

export interface DemoOptions {
  stacks?: string[];
  parallel: number;
  keep: boolean;
  out?: string;
}

class DemoError extends Error {}

export function parseArgs(argv: string[]): DemoOptions {
  const options: DemoOptions = { parallel: 3, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new DemoError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--keep') options.keep = true;
    else if (arg === '--stacks') options.stacks = value().split(',').map((s) => s.trim()).filter((s) => s !== '');
    else if (arg === '--parallel') {
      options.parallel = Number(value());
      if (!Number.isInteger(options.parallel) || options.parallel < 1) throw new DemoError('--parallel needs a whole number of 1 or more');
    } else if (arg === '--out') options.out = resolve(value());
    else throw new DemoError(`unknown option ${arg} (known: --stacks, --parallel, --keep, --out)`);
  }
  return options;
}

/** What the demo counted while it ran. */
interface Tally {
  undeclaredWarnings: number;
}

/** Per-instance results in a task step's output (terraform's colours removed). */
export function countResults(text: string): { applied: number; changes: number; noChanges: number } {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (re: RegExp) => (plain.match(re) ?? []).length;
  return {
    applied: count(/^\S+: Apply complete! Resources:/gm),
    changes: count(/^\S+: Plan: \d+ to add/gm),
    noChanges: count(/^\S+: No changes\./gm),
  };
}

/** Runs nx in the workspace, echoing its output; fails the demo when nx fails. */
async function nx(dir: string, args: string[], tally: Tally, env: Record<string, string> = {}): Promise<string> {
  const { code, text } = await nxRun(dir, args, tally, env);
  if (code !== 0) throw new DemoError(`step failed: nx ${args.join(' ')} (exit ${code})`);
  return text;
}

/** The nx process running now (a Ctrl-C sent to the demo alone is passed on to it). */
let running: ReturnType<typeof spawn> | undefined;

/** Runs nx in the workspace, echoing its output and counting terraform's warnings. */
function nxRun(dir: string, args: string[], tally: Tally, env: Record<string, string> = {}): Promise<{ code: number | null; text: string }> {
  const runsTasks = args[0] === 'run' || args[0] === 'run-many' || args[0] === 'affected';
  return toolRun(dir, 'nx', nxBin, [...args, ...(runsTasks ? ['--output-style=stream'] : [])], tally, env, args);
}

/** Runs `npx atmos-nx ...` in the workspace, echoing its output; fails the demo when it fails. */
async function atmosNx(dir: string, args: string[], tally: Tally): Promise<string> {
  const { code, text } = await toolRun(dir, 'npx atmos-nx', atmosNxBin, args, tally, {}, args);
  if (code !== 0) throw new DemoError(`step failed: npx atmos-nx ${args.join(' ')} (exit ${code})`);
  return text;
}

function toolRun(dir: string, name: string, bin: string, fullArgs: string[], tally: Tally, env: Record<string, string>, shown: string[]): Promise<{ code: number | null; text: string }> {
  console.log(`$ ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}${name} ${shown.join(' ')}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...fullArgs], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CHECKPOINT_DISABLE: '1', NO_COLOR: '1', ...env },
    });
    running = child;
    let text = '';
    const take = (chunk: Buffer, sink: NodeJS.WriteStream) => {
      text += chunk.toString('utf8');
      sink.write(chunk);
    };
    child.stdout.on('data', (c: Buffer) => take(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => take(c, process.stderr));
    child.on('error', reject);
    child.on('close', (code) => {
      running = undefined;
      tally.undeclaredWarnings += text.split(UNDECLARED).length - 1;
      resolvePromise({ code, text });
    });
  });
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=demo@example.invalid', '-c', 'user.name=demo', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

function heading(title: string): void {
  console.log(`\n=== ${title}`);
}

/** The workspace: a copy of the twin with this checkout's node_modules, committed to git (nx affected needs a base). */
function prepareWorkspace(options: DemoOptions): string {
  const dir = options.out ?? mkdtempSync(join(tmpdir(), 'atmos-demo-'));
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new DemoError(`${dir} is not empty; pass an empty or new --out folder`);
  cpSync(twin, dir, { recursive: true, filter: (from) => !/[/\\](\.atmos|\.nx|\.terraform|node_modules)$/.test(from) });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'offline twin');
  return dir;
}

/** The stack manifests under `root`. */
function stackFiles(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const path = join(root, entry.name);
    if (entry.isDirectory()) return stackFiles(path);
    return /\.ya?ml(\.tmpl)?$/.test(entry.name) ? [path] : [];
  });
}

/** Outputs each applied instance's local state holds. */
function countOutputs(dir: string): { instances: number; outputs: number } {
  const stateRoot = join(dir, '.atmos/state');
  let instances = 0;
  let outputs = 0;
  if (!existsSync(stateRoot)) return { instances, outputs };
  for (const component of readdirSync(stateRoot)) {
    const workspaces = join(stateRoot, component, 'terraform.tfstate.d');
    if (!existsSync(workspaces)) continue;
    for (const workspace of readdirSync(workspaces)) {
      const file = join(workspaces, workspace, 'terraform.tfstate');
      if (!existsSync(file)) continue;
      const state = JSON.parse(readFileSync(file, 'utf8')) as { outputs?: Record<string, unknown> };
      instances++;
      outputs += Object.keys(state.outputs ?? {}).length;
    }
  }
  return { instances, outputs };
}

/**
 * Dependencies whose apply had not completed when their dependent's task began, judged from the
 * streamed output (each line prefixed with its project, in the order it was printed).
 */
export function orderViolations(text: string, edges: Array<{ source: string; target: string }>): string[] {
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const firstLine = new Map<string, number>();
  const completed = new Map<string, number>();
  lines.forEach((line, i) => {
    const m = /^(\S+): (.*)$/.exec(line);
    if (!m) return;
    if (!firstLine.has(m[1])) firstLine.set(m[1], i);
    if (m[2].startsWith('Apply complete!')) completed.set(m[1], i);
  });
  return edges
    .filter((e) => !(completed.has(e.target) && firstLine.has(e.source) && (completed.get(e.target) as number) < (firstLine.get(e.source) as number)))
    .map((e) => `${e.source} -> ${e.target}`);
}

async function demo(options: DemoOptions, dir: string): Promise<string | undefined> {
  const tally: Tally = { undeclaredWarnings: 0 };
  const started = Date.now();
  console.log(`workspace: ${dir}`);

  heading('the instances: one Nx project per component x stack');
  const all = (JSON.parse(await nx(dir, ['show', 'projects', '--json'], tally)) as string[]).filter((p) => p !== 'atmos');

  heading('the dependency graph (inferred from output references and depends_on)');
  await nx(dir, ['graph', '--file=graph.json'], tally);
  const graph = JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')) as NxGraphFile;
  // The stack is in the project's tags (`stack:<name>`), where the executors read it too.
  const stackOf = (project: string): string => graph.graph.nodes[project]?.data.tags?.find((t) => t.startsWith('stack:'))?.slice('stack:'.length) ?? '?';
  const selected = options.stacks ? all.filter((p) => options.stacks?.includes(stackOf(p))) : all;
  if (options.stacks) {
    const unknown = options.stacks.filter((s) => !all.some((p) => stackOf(p) === s));
    if (unknown.length > 0) throw new DemoError(`--stacks: no instances in ${unknown.join(', ')} (stacks: ${[...new Set(all.map(stackOf))].sort().join(', ')})`);
  }
  const edges = edgesOf(graph, new Set(selected));
  const outside = edgesOf(graph, new Set(all)).filter((e) => selected.includes(e.source) && !selected.includes(e.target));
  if (outside.length > 0) {
    const e = outside[0];
    throw new DemoError(`${e.source} depends on ${e.target}, in stack ${stackOf(e.target)}: add ${stackOf(e.target)} to --stacks`);
  }
  const stacks = [...new Set(selected.map(stackOf))].sort();
  const crossStack = edges.filter((e) => stackOf(e.source) !== stackOf(e.target));
  for (const stack of stacks) console.log(`  ${stack}: ${selected.filter((p) => stackOf(p) === stack).length} instances`);
  console.log(`  ${selected.length} instances in ${stacks.length} stacks, ${edges.length} dependencies (${crossStack.length} across stacks)`);
  const waves = dependencyWaves(selected, edges);
  waves.forEach((wave, i) => console.log(`  wave ${i + 1}: ${wave.join(' ')}`));

  heading(`plan the instances that depend on nothing (${waves[0].length})`);
  const firstPlans = countResults(await nx(dir, ['run-many', '-t', 'plan', '-p', waves[0].join(','), `--parallel=${options.parallel}`], tally));

  // The reference locks production databases (metadata.locked): apply refuses them. The demo
  // shows the refusal, then unlocks them in its own copy for their first apply, and locks them
  // again afterwards, as an operator would.
  const locked = selected.filter((p) => graph.graph.nodes[p]?.data.metadata?.atmos?.locked === true);
  const lockFiles: string[] = [];
  if (locked.length > 0) {
    heading(`locked instances (${locked.length}: ${locked.join(' ')}): apply refuses them`);
    const refused = await nxRun(dir, ['run', `${locked[0]}:apply`, '--autoApprove', '--exclude-task-dependencies'], tally);
    if (refused.code === 0 || !/is locked/.test(refused.text)) throw new DemoError(`${locked[0]} is locked, yet its apply was not refused`);
    heading('unlock them in the demo workspace for their first apply (metadata.locked: false)');
    for (const file of stackFiles(join(dir, 'stacks'))) {
      const text = readFileSync(file, 'utf8');
      if (!/^\s+locked: true\b/m.test(text)) continue;
      writeFileSync(file, text.replace(/^(\s+)locked: true\b/gm, '$1locked: false'));
      lockFiles.push(file);
      console.log(`  ${file.slice(dir.length + 1)}`);
    }
    git(dir, 'commit', '-qam', 'unlock for the first apply');
  }

  heading(`apply all ${selected.length} in dependency order (Nx runs each apply after its dependencies' applies)`);
  const applyStarted = Date.now();
  const applyText = await nx(dir, ['run-many', '-t', 'apply', '-p', selected.join(','), '--autoApprove', `--parallel=${options.parallel}`], tally);
  const applies = countResults(applyText);
  const violations = orderViolations(applyText, edges);
  const applySeconds = (Date.now() - applyStarted) / 1000;
  if (lockFiles.length > 0) {
    git(dir, 'revert', '--no-edit', 'HEAD');
    console.log(`\nlocked again: ${locked.join(' ')}`);
  }

  const sample = selected.find((p) => p.startsWith('apigateway-')) ?? selected[selected.length - 1];
  heading(`outputs of ${sample}`);
  await nx(dir, ['run', `${sample}:output`], tally);
  const counted = countOutputs(dir);

  // The change a user makes most: one value in one stack. Task-mode `nx affected -t plan` plans
  // the instance whose own configuration changed, now with its dependencies' real outputs.
  let affected: ReturnType<typeof countResults> | undefined;
  const manifest = join(dir, 'stacks/orgs/plat', stacks.includes('dev-use1') ? 'dev/us-east-1.yaml' : '');
  if (stacks.includes('dev-use1') && existsSync(manifest)) {
    heading('change one value (dev-use1: vpc flow log retention) and plan what it affects');
    const text = readFileSync(manifest, 'utf8');
    if (!/^    vpc:\n      vars:\n/m.test(text)) throw new DemoError(`${manifest} has no vpc vars block to change`);
    writeFileSync(manifest, text.replace(/^    vpc:\n      vars:\n/m, '    vpc:\n      vars:\n        flow_logs_retention_in_days: 90\n'));
    git(dir, 'commit', '-qam', 'dev-use1: keep vpc flow logs for 90 days');
    // NX_BASE, not --base: the plugin computes the graph against Nx's default base and cannot
    // see a --base flag (README, "nx affected"); NX_BASE gives Nx and the plugin the same base.
    affected = countResults(await nx(dir, ['affected', '-t', 'plan', `--parallel=${options.parallel}`], tally, { NX_BASE: 'HEAD~1' }));
  }

  // Onboarding: the shipped workflow, as a user runs it, for an environment that does not exist yet.
  let onboarded: { instances: number; layers: number } | undefined;
  if (stacks.includes('shared-use1')) {
    heading(`onboard a new environment, ${NEW_STACK}: prerequisites -> generate its files -> backend -> apply in graph order`);
    const text = await atmosNx(dir, ['workflow', 'onboard-environment', '-s', NEW_STACK], tally);
    const layers = (text.match(/^\s+layer \d+: /gm) ?? []).length;
    const instances = statesOf(dir, NEW_STACK);
    if (!existsSync(join(dir, 'stacks/orgs/plat/staging/us-west-2.yaml'))) throw new DemoError(`onboarding wrote no stacks/orgs/plat/staging/us-west-2.yaml`);
    const expected = (JSON.parse(await nx(dir, ['show', 'projects', '--json', '-p', `tag:stack:${NEW_STACK}`], tally)) as string[]).length;
    if (instances !== expected || layers === 0) throw new DemoError(`onboarding ${NEW_STACK} applied ${instances} of its ${expected} instances (${layers} layers)`);
    onboarded = { instances, layers };
  }

  // Drift: the drift target of the new environment's instances and of the instance changed above
  // (its edit is committed, not applied: "changed", not "drifted"), then the report.
  const driftProjects = [...(onboarded ? [`tag:stack:${NEW_STACK}`] : []), ...(affected ? ['vpc-dev-use1'] : [])];
  let report: { path: string; counts: string } | undefined;
  if (driftProjects.length > 0) {
    heading(`drift detection: ${driftProjects.join(', ')}`);
    await nx(dir, ['run-many', '-t', 'drift', '-p', driftProjects.join(','), `--parallel=${options.parallel}`], tally);
    heading('the drift report');
    const reportRun = await nxRun(dir, ['run', 'atmos:drift-report'], tally);
    if (reportRun.code !== 0) throw new DemoError('nx run atmos:drift-report failed: an instance drifted or its check failed');
    report = { path: keepReport(dir), counts: driftCounts(join(REPORT_DIR, 'drift-report.json')) };
    console.log(readFileSync(report.path, 'utf8'));
  }

  heading('summary');
  console.log(`  instances: ${selected.length} in ${stacks.length} stacks; dependencies: ${edges.length} (${crossStack.length} across stacks); waves: ${waves.length}`);
  console.log(`  first plans: ${firstPlans.changes} with changes, ${firstPlans.noChanges} without`);
  console.log(`  applies completed: ${applies.applied} of ${selected.length} in ${applySeconds.toFixed(0)} s at --parallel=${options.parallel}`);
  console.log(`  dependency order: ${edges.length - violations.length} of ${edges.length} dependencies applied before their dependent started`);
  if (affected) console.log(`  nx affected -t plan after the change: ${affected.changes + affected.noChanges} planned, ${affected.changes} with changes`);
  console.log(`  outputs in state: ${counted.outputs} across ${counted.instances} instances`);
  if (onboarded) console.log(`  onboarded ${NEW_STACK}: ${onboarded.instances} instances applied in ${onboarded.layers} dependency layers`);
  if (report) console.log(`  drift: ${report.counts}`);
  console.log(`  "${UNDECLARED}" warnings: ${tally.undeclaredWarnings}`);
  console.log(`  total: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (tally.undeclaredWarnings > 0) throw new DemoError(`terraform warned ${tally.undeclaredWarnings} times about undeclared variables`);
  if (violations.length > 0) throw new DemoError(`applied out of dependency order: ${violations.join(', ')}`);
  if (applies.applied !== selected.length || counted.instances !== selected.length) {
    throw new DemoError(`expected ${selected.length} applies, counted ${applies.applied} (${counted.instances} states)`);
  }
  return report?.path;
}

/** How many instances of `stack` have a local state (workspace `<stack>`, or `<stack>-<component>` where a folder serves several). */
function statesOf(dir: string, stack: string): number {
  const stateRoot = join(dir, '.atmos/state');
  if (!existsSync(stateRoot)) return 0;
  return readdirSync(stateRoot).flatMap((component) => {
    const workspaces = join(stateRoot, component, 'terraform.tfstate.d');
    return existsSync(workspaces) ? readdirSync(workspaces).filter((w) => (w === stack || w.startsWith(`${stack}-`)) && existsSync(join(workspaces, w, 'terraform.tfstate'))) : [];
  }).length;
}

/** Copies the workspace's drift report (Markdown and JSON) into the repository's .atmos/demo/. */
function keepReport(dir: string): string {
  mkdirSync(REPORT_DIR, { recursive: true });
  const markdown = join(REPORT_DIR, 'drift-report.md');
  cpSync(join(dir, '.atmos/drift/report.md'), markdown);
  cpSync(join(dir, '.atmos/drift/report.json'), join(REPORT_DIR, 'drift-report.json'));
  return markdown;
}

/** "17 checked: 16 in-sync, 1 changed" from the report's JSON. */
function driftCounts(file: string): string {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { instances?: Array<{ status?: string }>; results?: Array<{ status?: string }> };
  const rows = json.instances ?? json.results ?? [];
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status ?? '?', (counts.get(row.status ?? '?') ?? 0) + 1);
  return `${rows.length} checked: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`;
}

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    return 2;
  }
  let dir: string | undefined;
  let reportPath: string | undefined;
  // Ctrl-C at a terminal reaches nx (and terraform, which releases its lock) directly; a SIGINT
  // or SIGTERM sent to the demo alone is passed on. Either way the demo waits for nx to stop and
  // then removes its workspace instead of dying first.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!interrupted) console.error('\ninterrupted: waiting for nx to stop');
      interrupted = true;
      running?.kill('SIGINT');
    });
  }
  try {
    dir = prepareWorkspace(options);
    reportPath = await demo(options, dir);
    console.log(`\ndemo complete`);
    return 0;
  } catch (error) {
    if (!(error instanceof DemoError)) throw error;
    console.error(`\ndemo: ${error.message}`);
    return 1;
  } finally {
    if (dir && !options.keep && !options.out) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    else if (dir) console.log(`workspace kept: ${dir}`);
    // The last line: where the drift report is kept (the workspace above may be gone).
    if (reportPath) console.log(`drift report (JSON beside it):\n${reportPath}`);
  }
}

if (require.main === module) {
  main().then((code) => (process.exitCode = code));
}
