/**
 * Summaries of V8 .cpuprofile files (from `node --cpu-prof` or the inspector's Profiler.stop):
 * top functions by self time and by total (inclusive) time, and self time per file. Compiled
 * JavaScript positions are mapped back to TypeScript through the `.js.map` next to the file.
 *
 *   node tools/dist/bench/profile.js FILE.cpuprofile [--top N]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  location: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  samples: number;
  bySelf: ProfileEntry[];
  byTotal: ProfileEntry[];
  byFile: ProfileEntry[];
}

const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapFor(file: string): SourceMap | null {
  let map = sourceMaps.get(file);
  if (map === undefined) {
    map = null;
    const mapFile = file + '.map';
    if (existsSync(mapFile)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    sourceMaps.set(file, map);
  }
  return map;
}

function pathOf(url: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return url;
}

/** `src/stacks/merge.ts:57` for engine code (mapped through the source map), `node:internal/...:12` for Node's. */
function locate(frame: CallFrame, root: string): { location: string; file: string } {
  if (!frame.url) return { location: '', file: '(native)' };
  const path = pathOf(frame.url);
  if (path.endsWith('.js') && path.startsWith('/')) {
    const map = sourceMapFor(path);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource) {
      // Sources are relative to the map's folder unless absolute or a URL.
      const source = pathOf(entry.originalSource);
      const original = isAbsolute(source) || /^[a-z]+:/i.test(source) ? source : resolve(dirname(path), source);
      const file = original.startsWith('/') ? relative(root, original).split(sep).join('/') : original;
      return { location: `${file}:${(entry.originalLine ?? 0) + 1}`, file };
    }
  }
  const file = path.startsWith('/') ? relative(root, path).split(sep).join('/') : path;
  return { location: `${file}:${frame.lineNumber + 1}`, file };
}

export function summariseProfile(profile: CpuProfile, options: { top?: number; root?: string } = {}): ProfileSummary {
  const top = options.top ?? 25;
  const root = options.root ?? process.cwd();
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keys = new Map<number, { key: string; name: string; location: string; file: string }>();
  const keyOf = (id: number) => {
    let key = keys.get(id);
    if (!key) {
      const frame = (byId.get(id) as ProfileNode).callFrame;
      const { location, file } = locate(frame, root);
      const name = frame.functionName || (frame.url ? '(anonymous)' : '(native)');
      key = { key: `${name}@${location}`, name, location, file };
      keys.set(id, key);
    }
    return key;
  };

  // Sample i lasts until sample i+1 (Chrome DevTools' convention); the last one until endTime.
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const durations: number[] = [];
  let timestamp = profile.startTime;
  const stamps = samples.map((_, i) => (timestamp += deltas[i] ?? 0));
  for (let i = 0; i < samples.length; i++) durations.push(Math.max(0, (i + 1 < samples.length ? stamps[i + 1] : profile.endTime) - stamps[i]));

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const us = durations[i];
    sum += us;
    const leaf = keyOf(samples[i]);
    self.set(leaf.key, (self.get(leaf.key) ?? 0) + us);
    files.set(leaf.file, (files.get(leaf.file) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const { key, name } = keyOf(id);
      if (name === '(root)' || seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const names = new Map<string, { name: string; location: string }>();
  for (const key of keys.values()) names.set(key.key, key);
  const entries = (map: Map<string, number>, describe: (key: string) => { name: string; location: string }): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({ ...describe(key), ms: us / 1000, percent: sum === 0 ? 0 : (100 * us) / sum }));
  return {
    totalMs: sum / 1000,
    samples: samples.length,
    bySelf: entries(self, (key) => names.get(key) as { name: string; location: string }),
    byTotal: entries(total, (key) => names.get(key) as { name: string; location: string }),
    byFile: entries(files, (file) => ({ name: file, location: '' })),
  };
}

export function formatProfileSummary(summary: ProfileSummary): string[] {
  const row = (entry: ProfileEntry) =>
    `  ${entry.ms.toFixed(1).padStart(8)} ms ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}${entry.location ? `  (${entry.location})` : ''}`;
  return [
    `profile: ${summary.totalMs.toFixed(1)} ms sampled, ${summary.samples} samples`,
    'top functions by self time:',
    ...summary.bySelf.map(row),
    'top functions by total time (self + callees):',
    ...summary.byTotal.map(row),
    'self time by file:',
    ...summary.byFile.map(row),
  ];
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const topIndex = argv.indexOf('--top');
  const top = topIndex >= 0 ? Number(argv.splice(topIndex, 2)[1]) : 25;
  if (argv.length !== 1) {
    process.stderr.write('usage: node tools/dist/bench/profile.js FILE.cpuprofile [--top N]\n');
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(readFileSync(argv[0], 'utf8')) as CpuProfile;
    process.stdout.write(formatProfileSummary(summariseProfile(profile, { top })).join('\n') + '\n');
  }
}
