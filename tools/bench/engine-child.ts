/**
 * One measured engine run, in a fresh Node process started by tools/bench/engine.ts:
 *
 *   node tools/dist/bench/engine-child.js --workspace DIR --engine packages/atmos/dist/index.js
 *          [--profile FILE.cpuprofile] [--dump FILE.json]
 *
 * Prints one line `@@bench-engine@@{...}` with the timings (ms, from performance.now(), whose
 * origin is the process start), the peak RSS and the canonical checksum.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { canonicalDigest, instanceFigures, templateManifestFigures, type InstanceLike } from './canonical';

export const RESULT_MARKER = '@@bench-engine@@';

/** The part of @org/atmos the benchmark drives (structural: any engine version with this API fits). */
interface EngineApi {
  loadAtmosConfig(options: { cwd?: string; env?: Record<string, string | undefined> }): unknown;
  resolveStacks(config: unknown, options?: { env?: Record<string, string | undefined> }): {
    instances: InstanceLike[];
    stackFiles: string[];
    manifestsRead: string[];
    describeContext: unknown;
  };
  describeInstance(instance: InstanceLike, context: unknown): unknown;
  toPlain(value: unknown): unknown;
}

export interface ChildResult {
  /** Process start -> this script's first line (Node bootstrap). */
  startupMs: number;
  /** require() of the engine's dist/index.js. */
  moduleLoadMs: number;
  /** loadAtmosConfig + resolveStacks: every instance resolved. */
  engineMs: number;
  /** CPU time (user + system, all threads of the process) over the engine window: steadier than wall time on a busy machine. */
  engineCpuMs: number;
  loadConfigMs: number;
  resolveMs: number;
  /** describeInstance + toPlain + canonical JSON + sha256 of every instance. */
  describeMs: number;
  /** Process start -> result printed. */
  totalMs: number;
  /** process.resourceUsage().maxRSS (KiB) right after resolveStacks, and at the end. */
  maxRssAfterEngineKiB: number;
  maxRssKiB: number;
  heapUsedAfterEngineBytes: number;
  stackFiles: number;
  manifestsRead: number;
  tmplManifestsRead: number;
  tmplPercent: number;
  instances: number;
  stacks: number;
  abstract: number;
  inheritingFromAbstract: number;
  inheritingPercent: number;
  canonicalBytes: number;
  sha256: string;
  profile?: string;
}

function args(argv: string[]): { workspace: string; engine: string; profile?: string; dump?: string } {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`engine-child: bad arguments ${argv.join(' ')}`);
    values[argv[i].slice(2)] = argv[i + 1];
  }
  if (!values.workspace || !values.engine) throw new Error('engine-child: --workspace and --engine are required');
  return { workspace: resolve(values.workspace), engine: resolve(values.engine), profile: values.profile, dump: values.dump };
}

async function main(): Promise<void> {
  const startupMs = performance.now();
  const options = args(process.argv.slice(2));

  const beforeRequire = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require(options.engine) as EngineApi;
  const moduleLoadMs = performance.now() - beforeRequire;

  let stopProfile: (() => Promise<void>) | undefined;
  if (options.profile) {
    // Profile the engine window only (not Node's bootstrap nor the describe/hash phase).
    const inspector = await import('node:inspector/promises');
    const session = new inspector.Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const file = options.profile;
    stopProfile = async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    };
  }

  const env = {};
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const config = engine.loadAtmosConfig({ cwd: options.workspace, env });
  const t1 = performance.now();
  const resolved = engine.resolveStacks(config, { env });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const maxRssAfterEngineKiB = process.resourceUsage().maxRSS;
  const heapUsedAfterEngineBytes = process.memoryUsage().heapUsed;
  if (stopProfile) await stopProfile();

  const t3 = performance.now();
  const dump = options.dump ? createWriteStream(options.dump) : undefined;
  const digest = canonicalDigest(resolved.instances, (instance) => engine.toPlain(engine.describeInstance(instance, resolved.describeContext)),
    dump ? (chunk) => dump.write(chunk) : undefined);
  const t4 = performance.now();
  if (dump) await new Promise<void>((done, fail) => dump.end((error?: Error | null) => (error ? fail(error) : done())));

  const figures = instanceFigures(resolved.instances);
  const tmpl = templateManifestFigures(resolved.manifestsRead);
  const result: ChildResult = {
    startupMs,
    moduleLoadMs,
    engineMs: t2 - t0,
    engineCpuMs: (cpu.user + cpu.system) / 1000,
    loadConfigMs: t1 - t0,
    resolveMs: t2 - t1,
    describeMs: t4 - t3,
    totalMs: 0,
    maxRssAfterEngineKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    heapUsedAfterEngineBytes,
    stackFiles: resolved.stackFiles.length,
    manifestsRead: tmpl.manifests,
    tmplManifestsRead: tmpl.tmpl,
    tmplPercent: tmpl.tmplPercent,
    ...figures,
    canonicalBytes: digest.bytes,
    sha256: digest.sha256,
    profile: options.profile,
  };
  result.totalMs = performance.now();
  process.stdout.write(RESULT_MARKER + JSON.stringify(result) + '\n');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
