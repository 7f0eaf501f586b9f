/** Summary statistics shared by the benchmarks. */
import { spawnSync } from 'node:child_process';

/** The middle value (mean of the two middle values for an even count); NaN when empty. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Per pair, b / a, summarised: the way to compare two builds on a machine whose speed drifts
 * (each pair ran at nearly the same moment, so the drift cancels out in its ratio).
 */
export function pairedRatios(a: number[], b: number[]): { median: number; mean: number; count: number } {
  if (a.length !== b.length) throw new Error(`paired figures need equal counts (${a.length} and ${b.length})`);
  const ratios = a.map((x, i) => b[i] / x);
  return { median: median(ratios), mean: ratios.reduce((sum, r) => sum + r, 0) / (ratios.length || NaN), count: ratios.length };
}

/** Nearest-rank percentile; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The shared start of a benchmark: `--help`, then its options parsed, or a usage error (exit code 2). */
export function parseBenchArgs<T>(argv: string[], usage: string, parse: (argv: string[]) => T): T | number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  try {
    return parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
}

/**
 * A fixed JavaScript workload (map stores and lookups) timed in a fresh Node process, in ms.
 * Shared machines change speed by up to 2x within minutes; printed beside a benchmark's figures,
 * it says how fast the machine was at that moment, so figures from different moments compare.
 */
export function machineReferenceMs(): number {
  const workload = `const t=process.hrtime.bigint();const m=new Map();let s=0;
for(let i=0;i<3e6;i++){m.set('k'+(i%5000),{a:i});s+=(m.get('k'+(i%777))||{a:0}).a;}
process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6)+' '+(s>0));`;
  const result = spawnSync(process.execPath, ['-e', workload], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(result.stdout.split(' ')[0]);
}
