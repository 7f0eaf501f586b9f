/**
 * `npm run bench -- outputs`: resolving dependency outputs from state vs. running terraform.
 *
 * Setup (not timed): a temporary workspace with 10 applied dependencies (`dep01`..`dep10`, derived
 * from one terraform_data component, 5 outputs each: string, list, map, number, bool) on an s3
 * backend served by the harness's S3 emulator (s3rver, in a child process; `--backend local` for
 * local state), and one `consumer` with 50 output references across them (`!terraform.output`,
 * `!terraform.state` with a query, inline `${{ output... }}`). The dependencies are applied with
 * our own executor code (packages/atmos/dist), which leaves each one an initialised workdir.
 *
 * Timed, alternately, `--runs` times after one warm-up:
 *   ours      evaluateInstance(consumer) from the built dist: one state read per dependency
 *   baseline  `terraform output -json` once per dependency, sequentially, in those already
 *             initialised workdirs (as a resolver shelling out to terraform would), then the
 *             same 50 values picked from the JSON
 * Both must produce the same 50 values. Prints per-run times, median / min, the ratio and
 * PASS/FAIL against the target (ours >= 10x faster, medians).
 *
 *   npm run bench -- outputs [--runs 5] [--backend s3|local] [--keep] [--json] [--strict]
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { median } from './stats';

export const OUTPUTS_TARGET = { minSpeedup: 10 };

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const DIST = join(REPO_ROOT, 'packages', 'atmos', 'dist');
const EMULATOR_CHILD = join(REPO_ROOT, 'e2e', 'harness', 'emulator-child.ts');
const TS_REGISTER = join(REPO_ROOT, 'e2e', 'harness', 'ts-register.js');
const DEPENDENCIES = 10;
const STACK = 'bench';
const BUCKET = 'tfstate-bench';
const REGION = 'us-east-1';

export const OUTPUTS_USAGE = `usage: npm run bench -- outputs [options]
  --runs N            measured runs of each side (default 5), after one warm-up
  --backend s3|local  where the dependencies' state lives (default s3: the S3 emulator)
  --keep              keep the temporary workspace (its path is printed)
  --json              print the results as JSON as well
  --strict            exit 1 when the target (>= ${OUTPUTS_TARGET.minSpeedup}x faster) is missed`;

interface Options {
  runs: number;
  backend: 's3' | 'local';
  keep: boolean;
  json: boolean;
  strict: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 5, backend: 's3', keep: false, json: false, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--runs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error('--runs needs a positive integer');
      options.runs = n;
    } else if (arg === '--backend') {
      const backend = value();
      if (backend !== 's3' && backend !== 'local') throw new Error('--backend must be s3 or local');
      options.backend = backend;
    } else if (arg === '--keep') options.keep = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--strict') options.strict = true;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

// ---- the built plugin, loaded at run time (tools/ is compiled on its own) --------------------

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Instance {
  component: string;
  stack: string;
  componentPath: string;
  [key: string]: any;
}
interface Dist {
  loadAtmosConfig(options: { cwd: string; env?: Record<string, string | undefined> }): any;
  resolveStacks(config: any, options?: { env?: Record<string, string | undefined> }): { config: any; instances: Instance[] };
  evaluateInstance(instance: Instance, services: any): Promise<{ vars: Record<string, unknown>; secrets: Set<string> }>;
  SsmParameters: new (env: Record<string, string | undefined>) => { destroy(): void };
  readState(instance: Instance, workspaceRoot: string, env: Record<string, string | undefined>): Promise<unknown>;
  runInstanceCommand(request: any): Promise<{ success: boolean; exitCode: number }>;
  workdirFor(root: string, stack: string, component: string, componentPath: string): { root: string; dir: string; dataDir: string };
  findBinary(command: string, env: Record<string, string | undefined>): string;
}

function loadDist(): Dist {
  const load = (path: string) => {
    const file = join(DIST, path);
    if (!existsSync(file)) throw new Error(`the plugin is not built: ${file} is missing (run \`npm run build\`)`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  };
  return {
    loadAtmosConfig: load('config/load.js').loadAtmosConfig,
    resolveStacks: load('stacks/engine.js').resolveStacks,
    evaluateInstance: load('functions/runtime/evaluate.js').evaluateInstance,
    SsmParameters: load('functions/runtime/ssm.js').SsmParameters,
    readState: load('terraform/state.js').readState,
    runInstanceCommand: load('terraform/run.js').runInstanceCommand,
    workdirFor: load('terraform/workdir.js').workdirFor,
    findBinary: load('terraform/binary.js').findBinary,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---- the S3 emulator (the e2e harness's child process) ----------------------------------------

interface S3Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

async function startS3(): Promise<S3Emulator> {
  if (!existsSync(EMULATOR_CHILD)) throw new Error(`${EMULATOR_CHILD} is missing (the S3 emulator of the e2e harness)`);
  const directory = mkdtempSync(join(tmpdir(), 'atmos-bench-s3rver-'));
  const child: ChildProcess = fork(EMULATOR_CHILD, ['s3', JSON.stringify({ directory, region: REGION })], {
    execArgv: ['-r', TS_REGISTER],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, HARNESS_PARENT_PID: String(process.pid), NODE_OPTIONS: '' },
  });
  let log = '';
  child.stdout?.on('data', (c) => (log = (log + String(c)).slice(-8000)));
  child.stderr?.on('data', (c) => (log = (log + String(c)).slice(-8000)));
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killNow);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(killNow, 3000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killNow);
    child.stdout?.destroy();
    child.stderr?.destroy();
    rmSync(directory, { recursive: true, force: true });
  };
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the S3 emulator did not start within 30 s\n${log}`)), 30_000);
    child.on('message', (message: { type?: string; port?: number; message?: string }) => {
      if (message?.type === 'ready' && typeof message.port === 'number') {
        clearTimeout(timer);
        resolvePort(message.port);
      } else if (message?.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`the S3 emulator failed: ${message.message}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the S3 emulator exited early (code ${code})\n${log}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}

async function createBucket(endpoint: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');
  const client = new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } finally {
    client.destroy();
  }
}

// ---- the workspace ---------------------------------------------------------------------------

const depName = (i: number) => `dep${String(i + 1).padStart(2, '0')}`;

/** The 50 references: 5 per dependency, one of each output, in three syntaxes. */
function references(): Array<{ variable: string; dep: string; yaml: string; pick(outputs: Record<string, unknown>): unknown }> {
  const refs = [];
  for (let i = 0; i < DEPENDENCIES; i++) {
    const dep = depName(i);
    refs.push(
      { variable: `${dep}_id`, dep, yaml: `!terraform.output ${dep} id`, pick: (o: Record<string, unknown>) => o.id },
      { variable: `${dep}_subnet`, dep, yaml: `!terraform.state ${dep} .subnets[1]`, pick: (o: Record<string, unknown>) => (o.subnets as unknown[])[1] },
      { variable: `${dep}_tags`, dep, yaml: `\${{ output.${dep}.tags }}`, pick: (o: Record<string, unknown>) => o.tags },
      { variable: `${dep}_count`, dep, yaml: `!terraform.state ${dep} count`, pick: (o: Record<string, unknown>) => o.count },
      { variable: `${dep}_enabled`, dep, yaml: `\${{ output.${dep}.enabled }}`, pick: (o: Record<string, unknown>) => o.enabled },
    );
  }
  return refs;
}

function writeWorkspace(root: string, backend: 's3' | 'local', endpoint: string | undefined): void {
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  write('atmos.yaml', [
    'base_path: ""',
    'components:',
    '  terraform:',
    '    command: terraform',
    '    base_path: components/terraform',
    '    auto_generate_backend_file: true',
    'stacks:',
    '  base_path: stacks',
    '  included_paths: ["orgs/**/*"]',
    '  name_pattern: "{stage}"',
    '',
  ].join('\n'));
  write('components/terraform/dep/main.tf', `# Built-in terraform_data only: terraform init downloads nothing.
variable "stage" {
  type = string
}

variable "name" {
  type = string
}

variable "index" {
  type = number
}

resource "terraform_data" "this" {
  input = { name = var.name, index = var.index }
}

output "id" {
  value = "\${terraform_data.this.output.name}-id"
}

output "subnets" {
  value = [for i in range(3) : "\${var.name}-subnet-\${i}"]
}

output "tags" {
  value = { Name = var.name, Index = tostring(var.index), Stage = var.stage }
}

output "count" {
  value = var.index * 10
}

output "enabled" {
  value = var.index % 2 == 0
}
`);
  write('components/terraform/consumer/main.tf', '# Only evaluated, never applied.\n');
  const backendYaml = backend === 's3'
    ? `terraform:\n  backend_type: s3\n  backend:\n    s3: ${JSON.stringify({
      bucket: BUCKET, key: 'terraform.tfstate', region: REGION, encrypt: false, endpoints: { s3: endpoint }, use_path_style: true,
      skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, skip_region_validation: true, skip_s3_checksum: true,
    })}\n`
    : 'terraform:\n  backend_type: local\n  backend:\n    local: {}\n';
  const deps = Array.from({ length: DEPENDENCIES }, (_, i) =>
    `    ${depName(i)}:\n      metadata:\n        component: dep\n      vars:\n        name: ${depName(i)}\n        index: ${i + 1}\n`).join('');
  const consumerVars = references().map((ref) => `        ${ref.variable}: ${ref.yaml}\n`).join('');
  write('stacks/orgs/bench.yaml', `${backendYaml}vars:\n  stage: ${STACK}\ncomponents:\n  terraform:\n${deps}    consumer:\n      vars:\n${consumerVars}`);
}

/** Runs `fn` with process.stdout/stderr writes captured (terraform's streaming output during setup). */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  let output = '';
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  const capture = ((chunk: string | Uint8Array) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { value: await fn(), output };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

function terraformOutputJson(binary: string, cwd: string, env: Record<string, string | undefined>): Promise<Record<string, { value: unknown }>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, ['output', '-json'], { cwd, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`terraform output -json failed in ${cwd} (exit ${code}): ${stderr}`));
      else resolvePromise(JSON.parse(stdout) as Record<string, { value: unknown }>);
    });
  });
}

function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
}

const ms = (value: number): string => `${value.toFixed(value < 100 ? 1 : 0)} ms`;

export async function runOutputsBenchmark(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(OUTPUTS_USAGE + '\n');
    return 0;
  }
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${OUTPUTS_USAGE}\n`);
    return 2;
  }
  const out = (line = '') => process.stdout.write(line + '\n');
  const savedEnv = { ...process.env };
  // Before the SDK loads: no "node >= 22" notice in the middle of the figures.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  let dist: Dist;
  try {
    dist = loadDist();
  } catch (error) {
    restoreEnv(savedEnv);
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'atmos-bench-outputs-'));
  const root = join(scratch, 'workspace');
  const cliConfig = join(scratch, 'terraform.rc');
  writeFileSync(cliConfig, 'disable_checkpoint = true\n');
  let s3: S3Emulator | undefined;
  try {
    if (options.backend === 's3') {
      s3 = await startS3();
      await createBucket(s3.endpoint);
    }
    // The SDK (our state reads) and terraform (the baseline) both take credentials from here.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required', AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9',
      CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: cliConfig,
    });
    for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'TF_WORKSPACE', 'TF_DATA_DIR', 'TF_LOG', 'TF_CLI_ARGS']) delete process.env[key];
    const env: Record<string, string | undefined> = { ...process.env };
    writeWorkspace(root, options.backend, s3?.endpoint);

    const config = dist.loadAtmosConfig({ cwd: root, env });
    const resolved = dist.resolveStacks(config, { env });
    const find = (component: string, stack: string) => resolved.instances.find((i) => i.component === component && i.stack === stack);
    const deps = Array.from({ length: DEPENDENCIES }, (_, i) => find(depName(i), STACK)!);
    const consumer = find('consumer', STACK)!;
    const binary = dist.findBinary('terraform', env);

    out(`outputs benchmark: ${DEPENDENCIES} applied dependencies x 5 outputs, 1 consumer with ${references().length} output references`);
    out(`backend: ${options.backend === 's3' ? `s3 (s3rver emulator at ${s3!.endpoint})` : 'local'}; terraform ${binary}`);
    out(`workspace: ${root}`);
    out(`node ${process.version}, ${cpus().length} CPU(s), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    // Setup: apply every dependency (two at a time) with our executor code; this also initialises each workdir.
    const setupStarted = performance.now();
    const queue = [...deps];
    const { output: setupOutput, value: failures } = await quietly(async () => {
      const failed: string[] = [];
      await Promise.all([0, 1].map(async () => {
        for (let dep = queue.shift(); dep; dep = queue.shift()) {
          const result = await dist.runInstanceCommand({
            workspaceRoot: root, config: resolved.config, instance: dep, command: 'apply', args: [], autoApprove: true, env,
            findInstance: find, log: (line: string) => process.stderr.write(line + '\n'),
          });
          if (!result.success) failed.push(dep.component);
        }
      }));
      return failed;
    });
    if (failures.length > 0) throw new Error(`applying ${failures.join(', ')} failed:\n${setupOutput.slice(-6000)}`);
    out(`setup: applied ${DEPENDENCIES} dependencies in ${ms(performance.now() - setupStarted)} (not timed)`);
    out();

    const refs = references();
    const workdirs = deps.map((dep) => ({ dep: dep.component, ...dist.workdirFor(root, dep.stack, dep.component, dep.componentPath) }));

    const ours = async (): Promise<{ ms: number; values: Record<string, unknown> }> => {
      const ssm = new dist.SsmParameters(env);
      try {
        const started = performance.now();
        const evaluated = await dist.evaluateInstance(consumer, {
          config: resolved.config, env, command: 'plan', findInstance: find,
          readState: (instance: Instance) => dist.readState(instance, root, env),
          ssm, log: (line: string) => { throw new Error(`unexpected: ${line}`); },
        });
        const elapsed = performance.now() - started;
        return { ms: elapsed, values: Object.fromEntries(refs.map((ref) => [ref.variable, evaluated.vars[ref.variable]])) };
      } finally {
        ssm.destroy();
      }
    };
    const baseline = async (): Promise<{ ms: number; values: Record<string, unknown> }> => {
      const started = performance.now();
      const byDep = new Map<string, Record<string, unknown>>();
      for (const workdir of workdirs) {
        const json = await terraformOutputJson(binary, workdir.dir, { ...env, TF_DATA_DIR: workdir.dataDir });
        byDep.set(workdir.dep, Object.fromEntries(Object.entries(json).map(([name, output]) => [name, output.value])));
      }
      const values = Object.fromEntries(refs.map((ref) => [ref.variable, ref.pick(byDep.get(ref.dep)!)]));
      return { ms: performance.now() - started, values };
    };

    // Warm-up (not counted), then alternate the two sides so both see the same machine.
    const warmOurs = await ours();
    const warmBaseline = await baseline();
    if (!isDeepStrictEqual(warmOurs.values, warmBaseline.values)) {
      throw new Error(`the two sides disagree:\nours:     ${JSON.stringify(warmOurs.values)}\nbaseline: ${JSON.stringify(warmBaseline.values)}`);
    }
    out(`warm-up: state reads ${ms(warmOurs.ms)}, terraform output -json x${DEPENDENCIES} ${ms(warmBaseline.ms)}; both resolve the same ${refs.length} values`);
    const oursMs: number[] = [];
    const baselineMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const a = await ours();
      const b = await baseline();
      for (const values of [a.values, b.values]) {
        if (!isDeepStrictEqual(values, warmOurs.values)) throw new Error(`run ${i + 1} resolved different values: ${JSON.stringify(values)}`);
      }
      oursMs.push(a.ms);
      baselineMs.push(b.ms);
      out(`run ${i + 1}: state reads ${ms(a.ms)}, terraform output -json x${DEPENDENCIES} ${ms(b.ms)} (${(b.ms / a.ms).toFixed(1)}x)`);
    }

    const oursMedian = median(oursMs);
    const baselineMedian = median(baselineMs);
    const speedup = baselineMedian / oursMedian;
    const pass = speedup >= OUTPUTS_TARGET.minSpeedup;
    out();
    out(`${''.padEnd(44)} median       min`);
    const row = (label: string, values: number[]) => out(`${label.padEnd(44)} ${ms(median(values)).padStart(9)} ${ms(Math.min(...values)).padStart(9)}`);
    row(`our state reads (evaluateInstance, ${refs.length} refs)`, oursMs);
    row(`terraform output -json x${DEPENDENCIES} (sequential)`, baselineMs);
    out(`  per dependency: ${ms(oursMedian / DEPENDENCIES)} vs ${ms(baselineMedian / DEPENDENCIES)}`);
    out();
    out(`ratio (medians): ${speedup.toFixed(1)}x faster`);
    out(`target >= ${OUTPUTS_TARGET.minSpeedup}x faster: ${pass ? 'PASS' : 'FAIL'}`);
    if (options.json) {
      out(JSON.stringify({ backend: options.backend, dependencies: DEPENDENCIES, references: refs.length, runs: options.runs, oursMs, baselineMs, oursMedian, baselineMedian, speedup, pass }));
    }
    return pass || !options.strict ? 0 : 1;
  } finally {
    restoreEnv(savedEnv);
    await s3?.stop();
    if (options.keep) out(`kept ${root}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}
