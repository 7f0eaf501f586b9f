/**
 * `npm run bench -- affected`: `atmos-nx describe affected --base main` on the synthetic
 * 10,000-instance workspace after one catalog edit, the whole command as users run it
 * (process start-up and output included).
 *
 * The workspace is generated (not timed), committed on `main` in a git repository, then one
 * catalog manifest gets an uncommitted edit that changes a value of one component family's
 * abstract base (`stacks/catalog/<c>/defaults.yaml`, the first `vars:` of the file): the
 * instances inheriting it change, in every stack. Timed: --runs runs of
 * `describe affected --base main --format json` and of `--format=projects`; the affected
 * count must be the same in every run and not zero.
 * Target (issue 13): <= 1.5 s (median) for the JSON form.
 *
 *   npm run bench -- affected [--runs 5] [--workspace DIR] [--keep] [--json] [--strict] [...generator flags]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GENERATOR_USAGE, describeStats, generateWorkspace, parseGeneratorFlags } from '../synthetic/generate';
import { ATMOS_NX_BIN, timeAtmosNx } from './cli-time';
import { median, parseBenchArgs } from './stats';

export const AFFECTED_TARGETS = { describeAffectedMs: 1500 };

export const AFFECTED_USAGE = `usage: npm run bench -- affected [options]
  --runs N              timed runs of each form (default 5)
  --workspace DIR       copy this Atmos workspace instead of generating one
  --keep                keep the temporary folder (its path is printed)
  --json                print the results as JSON as well
  --strict              exit 1 when the target is missed
generator flags (default 200 stacks x 50 components = 10,000 instances):
${GENERATOR_USAGE.split('\n').slice(1).join('\n')}`;

interface AffectedBenchOptions {
  runs: number;
  workspace?: string;
  keep: boolean;
  json: boolean;
  strict: boolean;
}

function parseArgs(argv: string[]): { options: AffectedBenchOptions; generator: ReturnType<typeof parseGeneratorFlags>['options'] } {
  const { options: generator, rest } = parseGeneratorFlags(argv);
  const options: AffectedBenchOptions = { runs: 5, keep: false, json: false, strict: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--runs') {
      const n = Number(rest[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error('--runs needs an integer >= 1');
      options.runs = n;
    } else if (arg === '--workspace') {
      const dir = rest[++i];
      if (!dir) throw new Error('--workspace needs a folder');
      options.workspace = resolve(dir);
    } else if (arg === '--keep') options.keep = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--strict') options.strict = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return { options, generator };
}

const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

function git(cwd: string, args: string[]): void {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr || r.error?.message}`);
}

/** The first catalog family's abstract base with a `vars:` map, and the file with one of its values changed. */
export function editCatalogBase(dir: string): string {
  const catalog = join(dir, 'stacks', 'catalog');
  for (const entry of readdirSync(catalog).sort()) {
    const file = join('stacks', 'catalog', entry, 'defaults.yaml');
    if (!existsSync(join(dir, file))) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const match = /^( +)vars:\n/m.exec(text);
    if (!match) continue;
    const at = match.index + match[0].length;
    writeFileSync(join(dir, file), `${text.slice(0, at)}${match[1]}  bench_edited: true\n${text.slice(at)}`);
    return file;
  }
  throw new Error(`no stacks/catalog/<c>/defaults.yaml with a vars: map in ${dir}`);
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function runAffectedBenchmark(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv, AFFECTED_USAGE, parseArgs);
  if (typeof parsed === 'number') return parsed;
  const { options, generator } = parsed;
  if (!existsSync(ATMOS_NX_BIN)) {
    process.stderr.write(`${ATMOS_NX_BIN} is missing (run \`npm run build\`)\n`);
    return 1;
  }
  const out = (line = '') => process.stdout.write(line + '\n');
  const scratch = mkdtempSync(join(tmpdir(), 'atmos-bench-affected-'));
  try {
    const dir = join(scratch, 'workspace');
    if (options.workspace) {
      cpSync(options.workspace, dir, { recursive: true, filter: (from) => !/[\\/](\.nx|\.git|node_modules)$/.test(from) });
      out(`workspace: copied from ${options.workspace}`);
    } else {
      const started = performance.now();
      const generated = generateWorkspace(dir, generator);
      out(`workspace generated in ${fmt(performance.now() - started)} (not timed):`);
      for (const line of describeStats(generated.stats)) out(`  ${line}`);
    }
    git(dir, ['init', '-q', '-b', 'main']);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '--no-verify', '-m', 'synthetic workspace']);
    const edited = editCatalogBase(dir);
    out(`edited (uncommitted): ${edited} (a new var in its first vars: map)`);
    out();

    const forms: Array<{ label: string; args: string[]; okCodes: number[] }> = [
      { label: 'describe affected --format json', args: ['describe', 'affected', '--base', 'main', '--format', 'json'], okCodes: [0] },
      { label: 'describe affected --format=projects', args: ['describe', 'affected', '--base', 'main', '--format=projects'], okCodes: [0, 3] },
    ];
    const times: number[][] = forms.map(() => []);
    const counts: number[][] = forms.map(() => []);
    for (let i = 0; i < options.runs; i++) {
      const line: string[] = [];
      // Alternate which form goes first: the machine's speed drifts.
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const f of order) {
        const run = await timeAtmosNx(dir, forms[f].args, join(scratch, `out-${f}.txt`), forms[f].okCodes);
        const text = readFileSync(run.stdoutFile, 'utf8');
        const count = f === 0 ? (JSON.parse(text) as unknown[]).length : text.trim() === '' ? 0 : text.trim().split(',').length;
        times[f].push(run.ms);
        counts[f].push(count);
        line.push(`${forms[f].label} ${fmt(run.ms)} (${count})`);
      }
      out(`run ${i + 1}: ${line.join(', ')}`);
    }
    const allCounts = new Set(counts.flat());
    if (allCounts.size !== 1 || allCounts.has(0)) throw new Error(`the affected count differs between runs or forms, or is zero: ${counts.map((c) => c.join('/')).join(' vs ')}`);

    const medians = times.map(median);
    const ok = medians[0] <= AFFECTED_TARGETS.describeAffectedMs;
    out();
    out(`affected instances: ${[...allCounts][0]} (same in every run and form)`);
    for (let f = 0; f < forms.length; f++) out(`${forms[f].label.padEnd(38)} median ${fmt(medians[f])}, min ${fmt(Math.min(...times[f]))} (whole process, ${options.runs} runs)`);
    out(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (a shared machine: wall times are inflated when it is busy)`);
    out(`describe affected ${fmt(medians[0])} (median) <= ${fmt(AFFECTED_TARGETS.describeAffectedMs)}: ${ok ? 'PASS' : 'FAIL'}`);
    if (options.json) out(JSON.stringify({ targets: AFFECTED_TARGETS, edited, times, counts, medians, pass: ok }, null, 2));
    return options.strict && !ok ? 1 : 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    if (options.keep) out(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}
