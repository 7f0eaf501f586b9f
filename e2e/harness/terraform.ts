/**
 * Locating the real terraform binary. e2e tests must never silently skip when
 * terraform is missing: `requireTerraform()` throws with the reason.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCommand, RunOptions, RunResult } from './workspace';

export const TERRAFORM_DEFAULT_PATH = '/usr/local/bin/terraform';

export interface TerraformInfo {
  /** Absolute path of the binary that was found. */
  path: string;
  /** e.g. "1.11.4" */
  version: string;
}

let cached: TerraformInfo | undefined;

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function findOnPath(pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'terraform');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface RequireTerraformOptions {
  /** Default /usr/local/bin/terraform. */
  defaultPath?: string;
  /** Default process.env.PATH. */
  pathEnv?: string;
}

/**
 * Returns the terraform binary (/usr/local/bin/terraform, else the first on
 * PATH) and its version. Throws — never skips — if none is usable.
 */
export function requireTerraform(options: RequireTerraformOptions = {}): TerraformInfo {
  const useCache = options.defaultPath === undefined && options.pathEnv === undefined;
  if (useCache && cached) return cached;
  const defaultPath = options.defaultPath ?? TERRAFORM_DEFAULT_PATH;
  const pathEnv = options.pathEnv ?? process.env.PATH ?? '';
  const candidate = isExecutable(defaultPath) ? defaultPath : findOnPath(pathEnv);
  if (!candidate) {
    throw new Error(
      `terraform is required by the e2e tests but was not found: ${defaultPath} does not exist or is not executable, ` +
        `and no executable "terraform" is on PATH (${pathEnv || '<empty>'}). Install terraform (1.11.x) there.`,
    );
  }
  let raw: string;
  try {
    raw = execFileSync(candidate, ['version', '-json'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new Error(`terraform at ${candidate} is not runnable: \`terraform version -json\` failed: ${(err as Error).message}`);
  }
  let version: unknown;
  try {
    version = (JSON.parse(raw) as { terraform_version?: unknown }).terraform_version;
  } catch {
    /* handled below */
  }
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`terraform at ${candidate} printed an unexpected version: ${raw.slice(0, 500)}`);
  }
  const info = { path: candidate, version };
  if (useCache) cached = info;
  return info;
}

/**
 * Runs terraform (found by requireTerraform) with `-no-color`-friendly env
 * from the harness (TF_IN_AUTOMATION, CHECKPOINT_DISABLE, …).
 */
export function runTerraform(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runCommand(requireTerraform().path, args, options);
}
