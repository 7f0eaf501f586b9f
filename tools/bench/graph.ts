/**
 * `npm run bench -- graph`: what the @org/atmos Nx plugin costs on top of Nx itself, on the
 * synthetic 10,000-instance workspace.
 *
 * Two copies of the generated workspace (each with package.json, nx.json, node_modules
 * symlinked to the repo's, git-initialised), differing only in nx.json's plugin:
 *   ours   `@org/atmos` (packages/atmos/dist, loaded by package name, as users load it);
 *   floor  `./floor-plugin.js`, the minimal plugin for the same graph: it replays, from a JSON
 *          dump, the same project names, roots and tags, the same target names with only an
 *          executor (no inputs, options or metadata), and the same edges. The floor is what
 *          Nx needs for this graph at the least: the difference is our computation plus what
 *          our project configuration (inputs, options, metadata) costs Nx.
 *
 * Timed (wall time of the whole process, NX_DAEMON=false, NX_NO_CLOUD=true):
 *   cold    `nx show projects`, `.nx/` deleted before each run (our graph cache lives there too);
 *   warm    `nx show projects`, everything in `.nx/` deleted except our cache
 *           `.nx/workspace-data/atmos-graph.json`, so Nx re-creates its project graph and
 *           re-asks the plugins; ours then answers from its cache;
 *   affected  `nx show projects --affected --base=HEAD` right after one catalog edit
 *           (uncommitted), from a fully warm state: our cache key changes, so the plugin
 *           recomputes the model (and resolves the edited stacks at the base);
 *   nx run  `nx run <instance>:describe --skip-nx-cache`, the time from spawning nx to the
 *           start of the task's own process (a --require probe in NODE_OPTIONS records it; the
 *           floor's describe runs `node` on an empty script), without the daemon and with a
 *           warm daemon (started for the bench, always stopped).
 * Medians over --runs runs, ours and floor interleaved (alternating which goes first).
 * Targets (issue 13): cold ratio <= 1.5, warm ratio <= 1.15, nx run ratio <= 1.5 without and
 * with the daemon.
 *
 *   npm run bench -- graph [--runs 5] [--affected-runs 3] [--run-runs 3] [--only-run] [--workspace DIR] [--keep] [--strict]
 *                          [--profile | --no-profile] [--top 25] [--json] [...generator flags]
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GENERATOR_USAGE, describeStats, generateWorkspace, parseGeneratorFlags } from '../synthetic/generate';
import { formatProfileSummary, summariseProfile, type CpuProfile } from './profile';
import { median, parseBenchArgs } from './stats';

export const GRAPH_TARGETS = { coldRatio: 1.5, warmRatio: 1.15, runRatio: 1.5, daemonRunRatio: 1.5 };

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const PLUGIN_ENTRY = join(REPO_ROOT, 'packages', 'atmos', 'dist', 'index.js');
const NODE_MODULES = join(REPO_ROOT, 'node_modules');
const CONFIG_FILE = 'atmos.yaml';
const PLUGIN_CACHE = join('.nx', 'workspace-data', 'atmos-graph.json');
const RUN_TIMEOUT_MS = 15 * 60_000;

export const GRAPH_USAGE = `usage: npm run bench -- graph [options]
  --runs N              cold and warm runs per plugin (default 5)
  --affected-runs N     "edit a catalog file, nx show projects --affected" runs per plugin (default 3)
  --run-runs N          nx run <instance>:describe runs per plugin, without and with the daemon (default 3)
  --only-run            time only nx run <instance>:describe (no cold, warm or affected runs)
  --workspace DIR       copy this Atmos workspace instead of generating one
  --keep                keep the temporary folder (its path is printed)
  --profile             always profile our plugin's cold createNodes (default: only on FAIL)
  --no-profile          never profile
  --top N               rows per profile table (default 25)
  --json                print the results as JSON as well
  --strict              exit 1 when a target is missed
generator flags (default 200 stacks x 50 components = 10,000 instances):
${GENERATOR_USAGE.split('\n').slice(1).join('\n')}`;

interface GraphBenchOptions {
  runs: number;
  affectedRuns: number;
  runRuns: number;
  onlyRun: boolean;
  workspace?: string;
  keep: boolean;
  profile: 'always' | 'on-fail' | 'never';
  top: number;
  json: boolean;
  strict: boolean;
}

type Mode = 'ours' | 'floor';

function parseArgs(argv: string[]): { options: GraphBenchOptions; generator: ReturnType<typeof parseGeneratorFlags>['options'] } {
  const { options: generator, rest } = parseGeneratorFlags(argv);
  const options: GraphBenchOptions = { runs: 5, affectedRuns: 3, runRuns: 3, onlyRun: false, keep: false, profile: 'on-fail', top: 25, json: false, strict: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const next = rest[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    const count = (min: number) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min) throw new Error(`${arg} needs an integer >= ${min}`);
      return n;
    };
    if (arg === '--runs') options.runs = count(1);
    else if (arg === '--affected-runs') options.affectedRuns = count(0);
    else if (arg === '--run-runs') options.runRuns = count(0);
    else if (arg === '--only-run') options.onlyRun = true;
    else if (arg === '--workspace') options.workspace = resolve(value());
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--profile') options.profile = 'always';
    else if (arg === '--no-profile') options.profile = 'never';
    else if (arg === '--top') options.top = count(1);
    else if (arg === '--json') options.json = true;
    else if (arg === '--strict') options.strict = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return { options, generator };
}

// ---------------------------------------------------------------------------------------------
// Processes

const NX_ENV: Record<string, string> = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ['NODE_OPTIONS', 'NX_WORKSPACE_ROOT_PATH', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('ATMOS_')) delete env[key];
  return env;
}

interface Timed {
  ms: number;
  stdout: string;
}

/**
 * Runs `nx <args>` in `cwd` and measures spawn -> exit. Rejects on a non-zero exit.
 * stdout goes to a file, not a pipe: `nx show projects` console.logs one line per project and
 * then calls process.exit(), which drops whatever a slow pipe reader has not taken yet (seen
 * here: 640 of 900 lines under load). Writes to a file are synchronous.
 */
function timeNx(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Timed> {
  const stdoutFile = join(cwd, '.nx-bench-stdout.txt');
  const fd = openSync(stdoutFile, 'w');
  return new Promise<Timed>((done, fail) => {
    let stderr = '';
    const started = performance.now();
    startedAtEpoch = performance.timeOrigin + started;
    let exitedAt = 0;
    const child = spawn(process.execPath, [join(cwd, 'node_modules', '.bin', 'nx'), ...args], {
      cwd,
      env: { ...childEnv(NX_ENV), ...extraEnv },
      stdio: ['ignore', fd, 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', () => (exitedAt = performance.now()));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = readFileSync(stdoutFile, 'utf8');
      if (code !== 0) fail(new Error(`nx ${args.join(' ')} in ${cwd} failed (exit ${code ?? signal}):\n${stderr.slice(-4000) || stdout.slice(-4000)}`));
      else done({ ms: (exitedAt || performance.now()) - started, stdout });
    });
  }).finally(() => closeSync(fd));
}

/** When the last timeNx spawned nx, in epoch milliseconds (to compare with a child's performance.timeOrigin). */
let startedAtEpoch = 0;

function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: childEnv(GIT_ENV), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** Runs this file in a child Node process in one of its helper modes (see `childMain`). */
function runSelf(args: string[], nodeFlags: string[] = []): void {
  const r = spawnSync(process.execPath, [...nodeFlags, __filename, ...args], {
    env: childEnv({}),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: RUN_TIMEOUT_MS,
  });
  if (r.status !== 0) throw new Error(`${args[0]} failed (exit ${r.status ?? r.signal}): ${r.stderr || r.error?.message}`);
}

// ---------------------------------------------------------------------------------------------
// Workspaces

/** The script the floor's `describe` target runs (`node floor-task.js`). */
const FLOOR_TASK = 'floor-task.js';

/**
 * Loaded with --require in every Node process of an `nx run` (NODE_OPTIONS): the task's own
 * process (atmos-nx, or the floor's script) appends when it started, in epoch milliseconds.
 */
const START_PROBE = `'use strict';
if (process.env.ATMOS_BENCH_PROBE_OUT && /atmos-nx|floor-task/.test(process.argv.slice(1, 2).join(' '))) {
  require('node:fs').appendFileSync(process.env.ATMOS_BENCH_PROBE_OUT, String(require('node:perf_hooks').performance.timeOrigin) + '\\n');
}
`;

const FLOOR_PLUGIN = (dumpFile: string) => `// Floor plugin for \`npm run bench -- graph\`: replays a JSON dump of what @org/atmos returns
// for this workspace (createNodes result and dependencies). Computes nothing.
'use strict';
const { readFileSync } = require('node:fs');
const DUMP = ${JSON.stringify(dumpFile)};
let dump;
const load = () => (dump ??= JSON.parse(readFileSync(DUMP, 'utf8')));
exports.createNodes = [${JSON.stringify(CONFIG_FILE)}, (configFiles) => (configFiles.includes(${JSON.stringify(CONFIG_FILE)}) ? [[${JSON.stringify(CONFIG_FILE)}, load().createNodesResult]] : [])];
exports.createNodesV2 = exports.createNodes;
// Edges as ours gives them: implicitDependencies in the projects (then no createDependencies, which
// would make Nx send every project to the worker again), else replayed by createDependencies.
if (load().dependencies.length > 0) exports.createDependencies = () => load().dependencies;
`;

/** Copies the Atmos workspace `source` into `dir` and makes it an Nx workspace using `plugin`. */
function prepareWorkspace(source: string, dir: string, plugin: string, dumpFile: string): void {
  cpSync(source, dir, { recursive: true, filter: (from) => !/[\\/](\.nx|\.git|node_modules)$/.test(from) });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'synthetic-atmos-bench', private: true }, null, 2)}\n`);
  writeFileSync(join(dir, 'nx.json'), `${JSON.stringify({
    plugins: [{ plugin }],
    pluginsConfig: { '@nx/js': { projectsAffectedByDependencyUpdates: [] } },
  }, null, 2)}\n`);
  // In both copies, so both have the very same files apart from nx.json.
  writeFileSync(join(dir, 'floor-plugin.js'), FLOOR_PLUGIN(dumpFile));
  writeFileSync(join(dir, FLOOR_TASK), '// the floor\'s describe task: starts, does nothing\n');
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n.nx\n.atmos\n.nx-bench-stdout.txt\n.nx-bench-probe.txt\n');
  symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--no-verify', '-m', 'synthetic workspace']);
}

/** `.nx/` gone entirely. */
function coldState(dir: string): void {
  rmSync(join(dir, '.nx'), { recursive: true, force: true });
}

/** Everything Nx keeps in `.nx/` gone, except our plugin's graph cache. */
function warmState(dir: string): void {
  const nx = join(dir, '.nx');
  if (!existsSync(nx)) return;
  for (const entry of readdirSync(nx)) if (entry !== 'workspace-data') rmSync(join(nx, entry), { recursive: true, force: true });
  const data = join(nx, 'workspace-data');
  for (const entry of readdirSync(data)) if (entry !== 'atmos-graph.json') rmSync(join(data, entry), { recursive: true, force: true });
}

/** A catalog manifest every stack (indirectly) imports, preferring vpc's. */
function catalogFile(dir: string): string {
  const preferred = join('stacks', 'catalog', 'vpc', 'defaults.yaml');
  if (existsSync(join(dir, preferred))) return preferred;
  const catalog = join(dir, 'stacks', 'catalog');
  for (const entry of readdirSync(catalog).sort()) {
    const candidate = join('stacks', 'catalog', entry, 'defaults.yaml');
    if (existsSync(join(dir, candidate))) return candidate;
  }
  throw new Error(`no stacks/catalog/<c>/defaults.yaml in ${dir}`);
}

const projectSet = (stdout: string): string[] => stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();

// ---------------------------------------------------------------------------------------------
// Figures

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

interface Series {
  ours: number[];
  floor: number[];
}

export async function runGraphBenchmark(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv, GRAPH_USAGE, parseArgs);
  if (typeof parsed === 'number') return parsed;
  const { options, generator } = parsed;
  for (const needed of [PLUGIN_ENTRY, join(NODE_MODULES, '.bin', 'nx')]) {
    if (!existsSync(needed)) {
      process.stderr.write(`${needed} is missing (run \`npm run build\` / \`npm ci\`)\n`);
      return 1;
    }
  }

  const out = (line = '') => process.stdout.write(line + '\n');
  const scratch = mkdtempSync(join(tmpdir(), 'atmos-bench-graph-'));
  try {
    // --- setup (not timed)
    let source = options.workspace;
    if (!source) {
      source = join(scratch, 'generated');
      const started = performance.now();
      const generated = generateWorkspace(source, generator);
      out(`workspace generated in ${fmt(performance.now() - started)} (not timed):`);
      for (const line of describeStats(generated.stats)) out(`  ${line}`);
    } else {
      out(`workspace: copied from ${source}`);
    }
    const dumpFile = join(scratch, 'floor-dump.json');
    const dirs: Record<Mode, string> = { ours: join(scratch, 'ours'), floor: join(scratch, 'floor') };
    prepareWorkspace(source, dirs.ours, '@org/atmos', dumpFile);
    prepareWorkspace(source, dirs.floor, './floor-plugin.js', dumpFile);
    const nxVersion = (JSON.parse(readFileSync(join(NODE_MODULES, 'nx', 'package.json'), 'utf8')) as { version: string }).version;
    out(`nx ${nxVersion}, node ${process.version}, plugin ${PLUGIN_ENTRY}`);
    out(`ours:  ${dirs.ours}  (nx.json plugin "@org/atmos")`);
    out(`floor: ${dirs.floor}  (nx.json plugin "./floor-plugin.js", replaying ${dumpFile})`);

    {
      const started = performance.now();
      runSelf(['--dump-floor', dirs.ours, dumpFile]);
      coldState(dirs.ours); // the dump left our cache behind
      out(`floor dump: ${(readFileSync(dumpFile).length / 1e6).toFixed(1)} MB, written in ${fmt(performance.now() - started)} (not timed)`);
    }
    out();

    const timed = async (mode: Mode, args: string[]) => timeNx(dirs[mode], args);
    const pairOrder = (i: number): Mode[] => (i % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours']);

    // --- cold
    const cold: Series = { ours: [], floor: [] };
    let projects: Record<Mode, string[]> | undefined;
    // --only-run: one cold run each, for the project list (and the check that both plugins agree).
    const coldRuns = options.onlyRun ? 1 : options.runs;
    const warmRuns = options.onlyRun ? 0 : options.runs;
    const affectedRuns = options.onlyRun ? 0 : options.affectedRuns;
    for (let i = 0; i < coldRuns; i++) {
      const line: string[] = [];
      const sets: Partial<Record<Mode, string[]>> = {};
      for (const mode of pairOrder(i)) {
        coldState(dirs[mode]);
        const r = await timed(mode, ['show', 'projects']);
        cold[mode].push(r.ms);
        sets[mode] = projectSet(r.stdout);
        line.push(`${mode} ${fmt(r.ms)}`);
      }
      out(`cold ${i + 1}: ${line.join(', ')}`);
      if (JSON.stringify(sets.ours) !== JSON.stringify(sets.floor) || (projects && JSON.stringify(projects.ours) !== JSON.stringify(sets.ours))) {
        throw new Error(`cold run ${i + 1}: ours and floor list different projects (${sets.ours?.length} vs ${sets.floor?.length}), or not the same as in run 1`);
      }
      projects ??= sets as Record<Mode, string[]>;
    }
    if (!projects) throw new Error('no cold run');

    // --- warm: prime our cache once (untimed), then Nx's caches go before every run
    await timed('ours', ['show', 'projects']);
    if (!existsSync(join(dirs.ours, PLUGIN_CACHE))) throw new Error(`our plugin wrote no cache at ${PLUGIN_CACHE}`);
    const warm: Series = { ours: [], floor: [] };
    for (let i = 0; i < warmRuns; i++) {
      const line: string[] = [];
      for (const mode of pairOrder(i)) {
        warmState(dirs[mode]);
        const r = await timed(mode, ['show', 'projects']);
        warm[mode].push(r.ms);
        line.push(`${mode} ${fmt(r.ms)}`);
      }
      out(`warm ${i + 1}: ${line.join(', ')}`);
    }

    // --- affected after one catalog edit, from a fully warm state
    const affected: Series = { ours: [], floor: [] };
    const affectedCounts: Record<Mode, number[]> = { ours: [], floor: [] };
    const edited = catalogFile(dirs.ours);
    for (let i = 0; i < affectedRuns; i++) {
      const line: string[] = [];
      for (const mode of pairOrder(i)) {
        await timed(mode, ['show', 'projects']); // warm everything (untimed)
        const file = join(dirs[mode], edited);
        writeFileSync(file, `${readFileSync(file, 'utf8')}\n# bench edit ${i + 1}\n`);
        const r = await timed(mode, ['show', 'projects', '--affected', '--base=HEAD']);
        affected[mode].push(r.ms);
        affectedCounts[mode].push(projectSet(r.stdout).length);
        line.push(`${mode} ${fmt(r.ms)} (${projectSet(r.stdout).length} projects)`);
      }
      out(`affected ${i + 1} (edit ${edited}): ${line.join(', ')}`);
    }
    // Leave the edits: they would otherwise count as changes for the runs below.
    for (const mode of ['ours', 'floor'] as Mode[]) git(dirs[mode], ['checkout', '-q', '--', edited]);

    // --- nx run <instance>:describe: spawn -> the task's own process started, without and with a warm daemon
    const instance = projects.ours.find((name) => name !== 'atmos')!;
    const probe = join(scratch, 'start-probe.js');
    writeFileSync(probe, START_PROBE);
    const toTaskStart = async (mode: Mode, daemon: boolean): Promise<number> => {
      const probeOut = join(dirs[mode], '.nx-bench-probe.txt');
      rmSync(probeOut, { force: true });
      await timeNx(dirs[mode], ['run', `${instance}:describe`, '--skip-nx-cache'], {
        NX_DAEMON: daemon ? 'true' : 'false', NODE_OPTIONS: `--require ${probe}`, ATMOS_BENCH_PROBE_OUT: probeOut,
      });
      const starts = existsSync(probeOut) ? readFileSync(probeOut, 'utf8').split('\n').filter(Boolean).map(Number) : [];
      if (starts.length === 0) throw new Error(`nx run ${instance}:describe (${mode}): the task's process never started`);
      return starts[0] - startedAtEpoch;
    };
    const run: Series = { ours: [], floor: [] };
    const daemonRun: Series = { ours: [], floor: [] };
    if (options.runRuns > 0) {
      for (let i = 0; i < options.runRuns; i++) {
        const line: string[] = [];
        for (const mode of pairOrder(i)) {
          const ms = await toTaskStart(mode, false);
          run[mode].push(ms);
          line.push(`${mode} ${fmt(ms)}`);
        }
        out(`nx run ${instance}:describe to task start, no daemon ${i + 1}: ${line.join(', ')}`);
      }
      try {
        for (const mode of ['ours', 'floor'] as Mode[]) {
          await timeNx(dirs[mode], ['daemon', '--start'], { NX_DAEMON: 'true' });
          await toTaskStart(mode, true); // warms the daemon (untimed)
        }
        for (let i = 0; i < options.runRuns; i++) {
          const line: string[] = [];
          for (const mode of pairOrder(i)) {
            const ms = await toTaskStart(mode, true);
            daemonRun[mode].push(ms);
            line.push(`${mode} ${fmt(ms)}`);
          }
          out(`nx run ${instance}:describe to task start, warm daemon ${i + 1}: ${line.join(', ')}`);
        }
      } finally {
        for (const mode of ['ours', 'floor'] as Mode[]) await timeNx(dirs[mode], ['daemon', '--stop'], { NX_DAEMON: 'true' }).catch(() => undefined);
      }
    }

    // --- summary
    const m = (series: Series) => ({ ours: median(series.ours), floor: median(series.floor) });
    const coldM = m(cold);
    const warmM = m(warm);
    const affectedM = affectedRuns > 0 ? m(affected) : undefined;
    const coldRatio = coldM.ours / coldM.floor;
    const warmRatio = warmM.ours / warmM.floor;
    // Not measured (--only-run): not judged.
    const coldOk = options.onlyRun || coldRatio <= GRAPH_TARGETS.coldRatio;
    const warmOk = options.onlyRun || warmRatio <= GRAPH_TARGETS.warmRatio;
    const runM = options.runRuns > 0 ? m(run) : undefined;
    const daemonRunM = options.runRuns > 0 ? m(daemonRun) : undefined;
    const runRatio = runM ? runM.ours / runM.floor : undefined;
    const daemonRunRatio = daemonRunM ? daemonRunM.ours / daemonRunM.floor : undefined;
    const runOk = runRatio === undefined || runRatio <= GRAPH_TARGETS.runRatio;
    const daemonRunOk = daemonRunRatio === undefined || daemonRunRatio <= GRAPH_TARGETS.daemonRunRatio;
    const allOk = coldOk && warmOk && runOk && daemonRunOk;
    out();
    out(`projects: ${projects.ours.length} (identical with both plugins); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (a shared machine: ratios of alternating runs, not absolute times, are the figures)`);
    out(`                          ours      floor     ratio   (median of ${options.runs}; nx run: of ${options.runRuns})`);
    const row = (label: string, v: { ours: number; floor: number }) =>
      out(`${label.padEnd(24)} ${fmt(v.ours).padStart(8)} ${fmt(v.floor).padStart(10)} ${(v.ours / v.floor).toFixed(2).padStart(8)}`);
    if (!options.onlyRun) row('nx show projects, cold', coldM);
    if (!options.onlyRun) row('nx show projects, warm', warmM);
    if (affectedM) row('--affected after edit', affectedM);
    if (runM) row('nx run, no daemon', runM);
    if (daemonRunM) row('nx run, warm daemon', daemonRunM);
    if (!options.onlyRun) out(`  ours over floor: cold +${fmt(coldM.ours - coldM.floor)}, warm +${fmt(warmM.ours - warmM.floor)}` +
      (affectedM ? `, affected +${fmt(affectedM.ours - affectedM.floor)}` : ''));
    if (affectedRuns > 0) out(`  affected projects after editing ${edited}: ours ${affectedCounts.ours.join('/')}, floor ${affectedCounts.floor.join('/')}`);
    out();
    if (!options.onlyRun) out(`cold ratio ${coldRatio.toFixed(2)} <= ${GRAPH_TARGETS.coldRatio}: ${coldOk ? 'PASS' : 'FAIL'}`);
    if (!options.onlyRun) out(`warm ratio ${warmRatio.toFixed(2)} <= ${GRAPH_TARGETS.warmRatio}: ${warmOk ? 'PASS' : 'FAIL'}`);
    if (runRatio !== undefined) out(`nx run (to task start, no daemon) ratio ${runRatio.toFixed(2)} <= ${GRAPH_TARGETS.runRatio}: ${runOk ? 'PASS' : 'FAIL'}`);
    if (daemonRunRatio !== undefined) out(`nx run (to task start, warm daemon) ratio ${daemonRunRatio.toFixed(2)} <= ${GRAPH_TARGETS.daemonRunRatio}: ${daemonRunOk ? 'PASS' : 'FAIL'}`);

    let profileSummary: ReturnType<typeof summariseProfile> | undefined;
    if (options.profile === 'always' || (options.profile === 'on-fail' && !allOk)) {
      out();
      out('profiling our plugin: one cold createNodes + createDependencies (as in an Nx plugin worker), node --cpu-prof');
      const profileDir = join(scratch, 'profile');
      mkdirSync(profileDir, { recursive: true });
      coldState(dirs.ours);
      const started = performance.now();
      runSelf(['--model', dirs.ours], ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '500']);
      const file = join(profileDir, readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).sort()[0]);
      out(`  (${fmt(performance.now() - started)} under the profiler; ${file})`);
      profileSummary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, { top: options.top, root: REPO_ROOT });
      for (const line of formatProfileSummary(profileSummary)) out(line);
      if (!options.keep) out('(the profile is deleted with the temporary folder; pass --keep to keep it)');
    }

    if (options.json) {
      out(JSON.stringify({
        targets: GRAPH_TARGETS, projects: projects.ours.length, cold, warm, affected, affectedCounts, edited, run, daemonRun,
        median: { cold: coldM, warm: warmM, affected: affectedM, run: runM, daemonRun: daemonRunM }, ratio: { cold: coldRatio, warm: warmRatio, run: runRatio, daemonRun: daemonRunRatio },
        pass: { cold: coldOk, warm: warmOk, run: runOk, daemonRun: daemonRunOk }, profile: profileSummary,
      }, null, 2));
    }
    return options.strict && !allOk ? 1 : 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    if (options.keep) out(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Child modes (run by runSelf in a fresh process):
//   --dump-floor WORKSPACE OUT  the built plugin's createNodes result and dependencies, as JSON
//   --model WORKSPACE           the same computation, for the profiler

interface PluginApi {
  createNodes: readonly [string, (files: string[], options: unknown, context: unknown) => unknown];
  /** Absent when the edges are the projects' implicitDependencies. */
  createDependencies?: (options: unknown, context: unknown) => unknown;
}

async function computeLikeNx(workspaceRoot: string): Promise<{ createNodesResult: unknown; dependencies: unknown }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plugin = require(PLUGIN_ENTRY) as PluginApi;
  const context = { workspaceRoot, nxJsonConfiguration: {}, configFiles: [CONFIG_FILE] };
  const results = (await plugin.createNodes[1]([CONFIG_FILE], undefined, context)) as Array<[string, { projects?: Record<string, { name?: string }> }]>;
  const createNodesResult = results.find(([file]) => file === CONFIG_FILE)?.[1];
  if (!createNodesResult?.projects) throw new Error('the plugin returned no projects for atmos.yaml');
  const projects: Record<string, unknown> = {};
  for (const [root, project] of Object.entries(createNodesResult.projects)) projects[project.name ?? root] = { ...project, root };
  const dependencies = plugin.createDependencies === undefined ? [] : await plugin.createDependencies(undefined, { workspaceRoot, projects, nxJsonConfiguration: {}, externalNodes: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } });
  return { createNodesResult, dependencies };
}

interface DumpedProject {
  name?: string;
  root?: string;
  tags?: string[];
  implicitDependencies?: string[];
  targets?: Record<string, { executor?: string }>;
}

/**
 * The floor's graph: the same project names, roots, tags and target names, each target with
 * only its executor, and the same edges. `describe` runs an empty script, for `nx run`.
 */
function minimalGraph(graph: { createNodesResult: unknown; dependencies: unknown }): { createNodesResult: unknown; dependencies: unknown } {
  const projects = (graph.createNodesResult as { projects: Record<string, DumpedProject> }).projects;
  const minimal: Record<string, DumpedProject> = {};
  for (const [root, project] of Object.entries(projects)) {
    const targets: Record<string, { executor?: string; inputs?: unknown[]; options?: unknown }> = {};
    for (const [name, target] of Object.entries(project.targets ?? {})) targets[name] = { executor: target.executor };
    // inputs: [] because the default ({projectRoot}/**) names a git-ignored virtual root Nx cannot hash.
    if (targets.describe) targets.describe = { executor: 'nx:run-commands', inputs: [], options: { command: `node ${FLOOR_TASK}`, cwd: '{workspaceRoot}' } };
    minimal[root] = {
      name: project.name, root: project.root ?? root, ...(project.tags ? { tags: project.tags } : {}),
      ...(project.implicitDependencies ? { implicitDependencies: project.implicitDependencies } : {}), targets,
    };
  }
  return { createNodesResult: { projects: minimal }, dependencies: graph.dependencies };
}

async function childMain(argv: string[]): Promise<void> {
  const [mode, workspace, outFile] = argv;
  if (mode === '--dump-floor' && workspace && outFile) {
    writeFileSync(outFile, JSON.stringify(minimalGraph(await computeLikeNx(resolve(workspace)))));
  } else if (mode === '--model' && workspace) {
    await computeLikeNx(resolve(workspace));
  } else {
    throw new Error(`usage: graph.js --dump-floor WORKSPACE OUT | --model WORKSPACE (got ${argv.join(' ')})`);
  }
}

if (require.main === module) {
  childMain(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
