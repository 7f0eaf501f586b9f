/**
 * `npm run bench -- <name> [options]`: runs one benchmark.
 *
 * To add one, export `async function runXBenchmark(argv: string[]): Promise<number>` (the exit
 * code) from tools/bench/<name>.ts and register it in BENCHMARKS below.
 */
import { runEngineBenchmark } from './engine';
import { runOutputsBenchmark } from './outputs';
import { runExecutorsBenchmark } from './run-executors';
import { runGraphBenchmark } from './graph';
import { runAffectedBenchmark } from './affected';

export interface Benchmark {
  description: string;
  run(argv: string[]): Promise<number>;
}

export const BENCHMARKS: Record<string, Benchmark> = {
  engine: {
    description: 'static stack engine: resolve + describe a synthetic 10,000-instance workspace, and the whole `atmos-nx describe stacks --format json` command (targets: engine <= 0.7 s, <= 500 MB, describe stacks <= 1.5 s)',
    run: runEngineBenchmark,
  },
  graph: {
    description: 'Nx plugin on the 10,000-instance workspace vs the minimal floor plugin (same names, roots, tags, target names, edges): nx show projects cold and warm, nx run <instance>:describe to task start without and with a warm daemon (targets: cold <= 1.5x, warm <= 1.15x, nx run <= 1.5x)',
    run: runGraphBenchmark,
  },
  affected: {
    description: '`atmos-nx describe affected --base main` after one catalog edit on the 10,000-instance workspace, whole command (target: <= 1.5 s)',
    run: runAffectedBenchmark,
  },
  run: {
    description: 'terraform executors: nx run-many -t plan of one component in 20 stacks of the 10,000-instance workspace, --parallel=1 and 4 (target: executor own time <= 150 ms per task)',
    run: runExecutorsBenchmark,
  },
  outputs: {
    description: '50 output references across 10 applied dependencies: our state reads vs `terraform output -json` per dependency (target: >= 10x faster)',
    run: runOutputsBenchmark,
  },
};

function usage(): string {
  const names = Object.keys(BENCHMARKS);
  const width = Math.max(...names.map((name) => name.length));
  return [
    'usage: npm run bench -- <name> [options]   (npm run bench -- <name> --help for its options)',
    'available benchmarks:',
    ...names.map((name) => `  ${name.padEnd(width)}  ${BENCHMARKS[name].description}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const benchmark = Object.prototype.hasOwnProperty.call(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (!benchmark) {
    process.stderr.write(`unknown benchmark '${name}', available: ${Object.keys(BENCHMARKS).join(', ')}\n${usage()}\n`);
    return 2;
  }
  return benchmark.run(rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
