/**
 * The onboarding prerequisites (seed: "Check Prerequisites"): terraform is installed and new
 * enough for the components the stack deploys (their `required_version`), the stack's backend
 * is configured, and what the backend needs answers: its local endpoints (a custom S3 / DynamoDB /
 * STS endpoint) are reachable, or, against AWS, the credentials work (STS GetCallerIdentity
 * through the backend's own credential chain). Each failure is one line saying what to do.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join, relative } from 'node:path';
import type { AwsClients } from '../aws/clients';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import type { ResolvedStacks } from '../stacks/engine';
import { findBinary } from '../terraform/binary';
import { stackBackends, type StateBackend } from '../backend/backends';

export interface Check {
  /** What was checked, e.g. `terraform 1.11.4 (>= 1.6 needed by tfstate-backend)`. */
  ok: string;
}

/** `1.11.4` -> [1, 11, 4]. */
function parts(version: string): number[] {
  return version.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
}

function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** Whether `version` meets a Terraform version constraint (`>= 1.5`, `~> 1.6.0`, `>= 1.5, < 2.0`). */
export function satisfies(version: string, constraint: string): boolean {
  return constraint.split(',').map((c) => c.trim()).filter(Boolean).every((term) => {
    const match = /^(>=|<=|!=|~>|>|<|=)?\s*v?(\d+(?:\.\d+){0,2})/.exec(term);
    if (!match) return true;
    const [, op = '=', wanted] = match;
    const c = compare(version, wanted);
    switch (op) {
      case '>=': return c >= 0;
      case '>': return c > 0;
      case '<=': return c <= 0;
      case '<': return c < 0;
      case '!=': return c !== 0;
      case '~>': {
        // ~> 1.6 allows 1.x >= 1.6; ~> 1.6.0 allows 1.6.x.
        const w = wanted.split('.');
        const upper = w.length === 1 ? [Number(w[0]) + 1] : [...w.slice(0, -2).map(Number), Number(w[w.length - 2]) + 1];
        return c >= 0 && compare(version, upper.join('.')) < 0;
      }
      default: return c === 0;
    }
  });
}

/** The `required_version` constraints of the components, by folder (relative to the workspace). */
export function requiredVersions(folders: string[], root: string): Array<{ folder: string; constraint: string }> {
  const found: Array<{ folder: string; constraint: string }> = [];
  for (const folder of [...new Set(folders)].sort()) {
    let files: string[];
    try {
      files = readdirSync(folder).filter((f) => f.endsWith('.tf'));
    } catch {
      continue;
    }
    for (const file of files) {
      const match = /^\s*required_version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(folder, file), 'utf8'));
      if (match) found.push({ folder: relative(root, folder) || '.', constraint: match[1] });
    }
  }
  return found;
}

/** terraform (components.terraform.command) is installed and meets every component's required_version. */
export function checkTerraform(config: AtmosConfig, componentFolders: string[], env: Record<string, string | undefined>): Check {
  const command = config.components.terraform.command;
  const binary = findBinary(command, env);
  let version: string;
  try {
    const text = execFileSync(binary, ['version', '-json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, CHECKPOINT_DISABLE: '1' } as NodeJS.ProcessEnv, timeout: 30_000 });
    version = String((JSON.parse(text) as { terraform_version?: string }).terraform_version ?? '');
  } catch (error) {
    throw new AtmosUserError('CONFIG_INVALID', `${binary} version -json failed: ${(error as Error).message.split('\n')[0]}`, undefined,
      'check that components.terraform.command in atmos.yaml is terraform (or tofu)');
  }
  if (!/^\d+\.\d+/.test(version)) throw new AtmosUserError('CONFIG_INVALID', `${binary} did not say its version`, undefined, 'check components.terraform.command in atmos.yaml');
  const constraints = requiredVersions(componentFolders, config.basePath);
  const unmet = constraints.find((c) => !satisfies(version, c.constraint));
  if (unmet) {
    throw new AtmosUserError('CONFIG_INVALID', `terraform ${version} (${binary}) does not meet required_version "${unmet.constraint}" of ${unmet.folder}`, undefined,
      `install a terraform that does (https://developer.hashicorp.com/terraform/install), or point components.terraform.command at it`);
  }
  const strictest = constraints.map((c) => c.constraint).filter((c, i, all) => all.indexOf(c) === i);
  return { ok: `terraform ${version} (${binary})${strictest.length ? `: meets ${strictest.join('; ')}` : ''}` };
}

/** The stack's backend is configured (an s3 backend with a bucket; see stackBackends) and answers. */
export async function checkBackend(resolved: ResolvedStacks, stack: string, clients: AwsClients): Promise<Check[]> {
  const { backends, localComponents } = stackBackends(resolved, stack, clients.env);
  const checks: Check[] = [];
  if (localComponents.length > 0) checks.push({ ok: `local state for ${localComponents.length} instance${localComponents.length === 1 ? '' : 's'} (backend_type local or none): no backend to check` });
  for (const backend of backends) {
    checks.push({ ok: `backend configured: bucket ${backend.bucket}${backend.table ? `, lock table ${backend.table}` : backend.lockfile ? ', use_lockfile' : ''}, ${backend.region} (${backend.components.length} instances)` });
    checks.push(await checkReach(backend, clients));
  }
  return checks;
}

/** Local endpoints: each answers HTTP. AWS: the backend's credential chain gets an identity from STS. */
async function checkReach(backend: StateBackend, clients: AwsClients): Promise<Check> {
  const { target } = backend;
  const local = (['s3', 'dynamodb'] as const).filter((service) => target.endpoints[service]);
  if (local.length > 0) {
    for (const service of local) {
      const endpoint = target.endpoints[service]!;
      try {
        await answers(endpoint);
      } catch (error) {
        const cause = networkCause(error);
        throw new AtmosUserError('AWS_ERROR', `the backend's ${service} endpoint ${endpoint} does not answer (${cause})`, target.file ? { file: target.file } : undefined,
          `start the server, or fix terraform.backend.s3.endpoints.${service} (or AWS_ENDPOINT_URL_${service.toUpperCase()})`);
      }
    }
    return { ok: `backend endpoints answer: ${local.map((s) => `${s} ${target.endpoints[s]}`).join(', ')}` };
  }
  const identity = await clients.callerIdentity(target, `checking the credentials of the backend of ${backend.components.join(', ')}`);
  return { ok: `AWS credentials work: ${identity} (${clients.identity(target)})` };
}

/** Any HTTP answer at all (a 403 or a 400 included) means the server is there. */
function answers(endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(endpoint);
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', timeout: 5_000 }, (response) => {
      response.resume();
      resolve();
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
    request.on('error', reject);
    request.end();
  });
}

/** ECONNREFUSED, ENOTFOUND, a timeout...: what a connection error says (in a cause, or one per address tried). */
function networkCause(error: unknown): string {
  const seen: unknown[] = [error];
  while (seen.length > 0) {
    const e = seen.shift() as { code?: string; name?: string; cause?: unknown; errors?: unknown[] } | undefined;
    if (!e) continue;
    if (typeof e.code === 'string') return e.code;
    if (e.name === 'TimeoutError') return 'no answer within 5 s';
    if (e.cause) seen.push(e.cause);
    if (Array.isArray(e.errors)) seen.push(...e.errors);
  }
  return (error as Error).message ?? String(error);
}
