/**
 * Helpers for the generator e2e specs: temp copies of the repository's own workspace and of the
 * offline example, with the repository's node_modules linked (Nx loads @org/atmos from its
 * built dist/ through it), and the real Nx CLI and atmos-nx bin run inside them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createWorkspace, formatRunResult, type EnvOverrides, type RunResult, type Workspace } from '../harness/workspace';

export const REPO = path.resolve(__dirname, '..', '..');
/** The offline twin of the reference (provider-free components, local state). */
export const OFFLINE_EXAMPLE = path.join(REPO, 'examples', 'twin');
const NODE_MODULES = path.join(REPO, 'node_modules');

export function requireBuiltPlugin(): void {
  const generator = path.join(NODE_MODULES, '@org', 'atmos', 'dist', 'generators', 'environment', 'generator.js');
  if (!fs.existsSync(generator)) throw new Error(`the plugin is not built (${generator} is missing): run \`npm run build\` in ${REPO} first`);
}

/** The repository's own workspace (atmos.yaml, nx.json, stacks, components), as a user's checkout has it. */
export function copyOfRepositoryWorkspace(): Workspace {
  const ws = createWorkspace({ prefix: 'atmos-gen-repo-' });
  for (const entry of ['atmos.yaml', 'nx.json', 'stacks', 'components']) fs.cpSync(path.join(REPO, entry), ws.path(entry), { recursive: true });
  ws.writeJson('package.json', { name: 'atmos-generators-e2e', private: true });
  return linked(ws);
}

/** The offline example (examples/twin) as it is in this checkout. */
export function copyOfOfflineExample(): Workspace {
  const ws = createWorkspace({ prefix: 'atmos-gen-offline-' });
  fs.cpSync(OFFLINE_EXAMPLE, ws.path('.'), { recursive: true, filter: (source) => !/[\\/](node_modules|\.nx|\.atmos|\.terraform)([\\/]|$)/.test(source) });
  return linked(ws);
}

function linked(ws: Workspace): Workspace {
  fs.symlinkSync(NODE_MODULES, ws.path('node_modules'), 'dir');
  ws.writeFile('.gitignore', 'node_modules\n.nx\n.atmos\n.terraform\n');
  ws.gitInit('workspace');
  return ws;
}

export function nx(ws: Workspace, args: string[], env: EnvOverrides = {}, timeoutMs = 180_000): Promise<RunResult> {
  return ws.run(ws.path('node_modules/.bin/nx'), args, { timeoutMs, env });
}

export async function nxOk(ws: Workspace, args: string[], env: EnvOverrides = {}): Promise<RunResult> {
  const r = await nx(ws, args, env);
  if (r.exitCode !== 0) throw new Error(`nx ${args.join(' ')} failed\n${formatRunResult(r)}`);
  return r;
}

export async function projects(ws: Workspace): Promise<string[]> {
  const r = await nxOk(ws, ['show', 'projects', '--json']);
  return (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as string[]).sort();
}

/** `atmos-nx describe component <component> -s <stack> --format json`, parsed. */
export async function describeComponent(ws: Workspace, component: string, stack: string, env: EnvOverrides = {}): Promise<Record<string, any>> {
  const r = await ws.run(process.execPath, [ws.path('node_modules/.bin/atmos-nx'), 'describe', 'component', component, '-s', stack, '--format', 'json'], { env, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`atmos-nx describe component ${component} -s ${stack} failed\n${formatRunResult(r)}`);
  return JSON.parse(r.stdout) as Record<string, any>;
}

/** The files git sees as changed or new since the last commit (what a generator wrote). */
export function changedFiles(ws: Workspace): string[] {
  return ws.git(['status', '--porcelain', '--untracked-files=all']).split('\n').filter(Boolean).map((line) => line.slice(3)).sort();
}

/** A one-line user error: Nx's error title, no stack frames. */
export function expectOneLineError(r: RunResult, message: string): void {
  const output = r.stdout + r.stderr;
  if (r.exitCode === 0) throw new Error(`expected a failure with "${message}"\n${formatRunResult(r)}`);
  if (!output.includes(message)) throw new Error(`expected "${message}" in the output\n${formatRunResult(r)}`);
  if (/^\s+at .+:\d+:\d+\)?$/m.test(output)) throw new Error(`a stack trace was printed for a user mistake\n${formatRunResult(r)}`);
}
