/**
 * Temporary workspaces for e2e tests: a directory under os.tmpdir(), filled
 * from a fixture folder and/or inline files, optionally a git repository with
 * an initial commit (so `nx affected` has a base), plus a command runner with
 * a timeout that captures stdout/stderr/exit code.
 *
 *   const ws = createWorkspace({ fixture: path.join(__dirname, '__fixtures__/x'), git: true });
 *   ws.writeFile('stacks/dev.yaml', '...');
 *   ws.commit('add dev stack');
 *   const r = await ws.run('npx', ['nx', 'show', 'projects'], { env: awsEnv(emu.endpoints) });
 *   assertSuccess(r);
 *   ws.cleanup();
 *
 * Set KEEP_E2E_WORKSPACE=1 to keep workspaces on disk for debugging.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type EnvOverrides = Record<string, string | undefined>;

export interface RunOptions {
  /** Working directory; for Workspace.run it is relative to the workspace root. */
  cwd?: string;
  /** Merged over process.env + BASE_COMMAND_ENV; `undefined` removes a variable. */
  env?: EnvOverrides;
  /** Default 120 000 ms. The whole process group is killed on timeout. */
  timeoutMs?: number;
  /** Written to stdin (stdin is otherwise closed). */
  input?: string;
}

export interface RunResult {
  command: string;
  args: string[];
  cwd: string;
  /** null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/** Always set for commands run by the harness. */
export const BASE_COMMAND_ENV: Readonly<Record<string, string>> = {
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  // Terraform's version/security "checkpoint" call goes to the internet.
  CHECKPOINT_DISABLE: '1',
  // Isolated CLI config (no ~/.terraformrc; no "Unable to open CLI configuration file" warning).
  TF_CLI_CONFIG_FILE: path.join(__dirname, 'terraform.rc'),
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  // Loopback guard: any proxy-aware client (terraform, git, curl…) that tries
  // a non-loopback HTTP(S) address fails fast on a closed local port instead
  // of reaching the network. Loopback addresses bypass it.
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost,::1',
  no_proxy: '127.0.0.1,localhost,::1',
};

/** Inherited variables that would point git/terraform at the wrong place. */
const STRIPPED_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_COMMON_DIR',
  'GIT_CEILING_DIRECTORIES',
  'TF_DATA_DIR',
  'TF_WORKSPACE',
  'TF_CLI_ARGS',
  'TF_LOG',
  'NODE_OPTIONS',
  'NX_WORKSPACE_ROOT_PATH',
];

const GIT_ENV: Readonly<Record<string, string>> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'e2e',
  GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
  GIT_COMMITTER_NAME: 'e2e',
  GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
};

export function commandEnv(overrides: EnvOverrides = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of STRIPPED_ENV) delete env[k];
  Object.assign(env, BASE_COMMAND_ENV, overrides);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

/** Process groups started by runCommand and still running (killed on process exit). */
const runningGroups = new Set<number>();
const workspaces = new Set<Workspace>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of runningGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const ws of workspaces) ws.cleanup();
  });
}

const OUTPUT_LIMIT = 16 * 1024 * 1024;

/**
 * Runs a command (no shell) in its own process group, capturing output.
 * Never rejects for a non-zero exit code; check `exitCode` or use assertSuccess.
 */
export function runCommand(command: string, args: string[] = [], options: RunOptions = {}): Promise<RunResult> {
  installExitHook();
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: commandEnv(options.env),
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout kills the whole tree
    });
    const pgid = child.pid;
    if (pgid) runningGroups.add(pgid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < OUTPUT_LIMIT) stderr += d;
    });
    if (options.input !== undefined) child.stdin?.end(options.input);

    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (pgid) process.kill(-pgid, signal);
      } catch {
        /* gone */
      }
    };
    let forceTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      forceTimer = setTimeout(() => killGroup('SIGKILL'), 5000);
    }, timeoutMs);

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, extraErr = '') => {
      clearTimeout(timer);
      if (forceTimer) clearTimeout(forceTimer);
      // Reap anything the command left behind in its group.
      killGroup('SIGKILL');
      if (pgid) runningGroups.delete(pgid);
      resolve({
        command,
        args,
        cwd,
        exitCode,
        signal,
        stdout,
        stderr: stderr + extraErr,
        timedOut,
        durationMs: Date.now() - started,
      });
    };
    child.once('error', (err) => finish(null, null, `\n[harness] failed to spawn ${command}: ${err.message}`));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

/** Human-readable summary of a run, for assertion messages. */
export function formatRunResult(r: RunResult, maxChars = 8000): string {
  const tail = (s: string) => (s.length > maxChars ? `…${s.slice(-maxChars)}` : s);
  const status = r.timedOut ? `TIMED OUT after ${r.durationMs} ms` : r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
  return [
    `$ ${[r.command, ...r.args].join(' ')}   (cwd ${r.cwd}, ${status}, ${r.durationMs} ms)`,
    `--- stdout ---\n${tail(r.stdout)}`,
    `--- stderr ---\n${tail(r.stderr)}`,
  ].join('\n');
}

/** Throws with the full command output unless the command exited with one of `okCodes` (default 0). */
export function assertSuccess(r: RunResult, okCodes: number[] = [0]): RunResult {
  if (r.timedOut || r.exitCode === null || !okCodes.includes(r.exitCode)) {
    throw new Error(`command failed\n${formatRunResult(r)}`);
  }
  return r;
}

export interface CreateWorkspaceOptions {
  /** Directory name prefix under os.tmpdir(). Default `atmos-e2e-`. */
  prefix?: string;
  /** Folder copied into the workspace root. */
  fixture?: string;
  /** Files (relative path -> content) written after the fixture is copied. */
  files?: Record<string, string>;
  /** `git init` + initial commit of everything. Default false. */
  git?: boolean;
  /** Env overrides applied to every `run` of this workspace. */
  env?: EnvOverrides;
}

export class Workspace {
  private removed = false;

  constructor(
    readonly root: string,
    private readonly defaultEnv: EnvOverrides = {},
  ) {}

  /** Absolute path inside the workspace. */
  path(...segments: string[]): string {
    const p = path.resolve(this.root, ...segments);
    if (p !== this.root && !p.startsWith(this.root + path.sep)) throw new Error(`path escapes the workspace: ${segments.join('/')}`);
    return p;
  }

  writeFile(relPath: string, content: string | Buffer): string {
    const p = this.path(relPath);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  }

  writeFiles(files: Record<string, string | Buffer>): void {
    for (const [rel, content] of Object.entries(files)) this.writeFile(rel, content);
  }

  writeJson(relPath: string, value: unknown): string {
    return this.writeFile(relPath, `${JSON.stringify(value, null, 2)}\n`);
  }

  readFile(relPath: string): string {
    return fs.readFileSync(this.path(relPath), 'utf8');
  }

  exists(relPath: string): boolean {
    return fs.existsSync(this.path(relPath));
  }

  /** Copies a fixture folder's contents into `destRel` (default: the root), skipping local terraform/node state. */
  copyFixture(fixtureDir: string, destRel = '.'): void {
    const src = path.resolve(fixtureDir);
    if (!fs.statSync(src).isDirectory()) throw new Error(`fixture is not a directory: ${src}`);
    const skip = new Set(['.terraform', 'node_modules', '.nx', '.git']);
    fs.cpSync(src, this.path(destRel), {
      recursive: true,
      filter: (from) => {
        const base = path.basename(from);
        return !skip.has(base) && !base.endsWith('.tfstate') && !base.endsWith('.tfstate.backup');
      },
    });
  }

  /** Runs a command; `options.cwd` is relative to the workspace root. */
  run(command: string, args: string[] = [], options: RunOptions = {}): Promise<RunResult> {
    return runCommand(command, args, {
      ...options,
      cwd: this.path(options.cwd ?? '.'),
      env: { ...this.defaultEnv, ...options.env },
    });
  }

  /** Runs git synchronously in the workspace, isolated from the host's git config. Throws on failure. */
  git(args: string[]): string {
    const r = spawnSync('git', args, { cwd: this.root, env: commandEnv({ ...GIT_ENV }), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
    return r.stdout;
  }

  gitInit(message = 'initial commit'): void {
    this.git(['init', '-q', '-b', 'main']);
    this.git(['config', 'commit.gpgsign', 'false']);
    this.commit(message);
  }

  /** Stages everything and commits (allowing an empty commit). Returns the new HEAD sha. */
  commit(message = 'update'): string {
    this.git(['add', '-A']);
    this.git(['commit', '-q', '--allow-empty', '--no-verify', '-m', message]);
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  /** Removes the workspace (unless KEEP_E2E_WORKSPACE is set). Idempotent. */
  cleanup(): void {
    if (this.removed) return;
    this.removed = true;
    workspaces.delete(this);
    if (process.env.KEEP_E2E_WORKSPACE) {
      process.stderr.write(`[harness] keeping workspace ${this.root}\n`);
      return;
    }
    fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}

export function createWorkspace(options: CreateWorkspaceOptions = {}): Workspace {
  installExitHook();
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), options.prefix ?? 'atmos-e2e-')));
  const ws = new Workspace(root, options.env);
  workspaces.add(ws);
  try {
    if (options.fixture) ws.copyFixture(options.fixture);
    if (options.files) ws.writeFiles(options.files);
    if (options.git) ws.gitInit();
  } catch (err) {
    ws.cleanup();
    throw err;
  }
  return ws;
}
