/**
 * `describe affected`, as Atmos computes it: resolve every instance at a base git ref and in the
 * working tree, and report the instances whose resolved configuration or Terraform sources
 * differ — a semantic diff, so a catalog edit that changes nothing for an instance does not
 * report it. The base is read with `git archive` into a temporary folder (the repository and
 * its worktrees are left alone).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import { localModuleFolders } from '../terraform/local-modules';
import { resolveStacks } from './engine';
import type { ComponentInstance } from './types';
import { deepEqual } from './values';

export interface AffectedInstance {
  component: string;
  component_type: 'terraform';
  stack: string;
  stack_slug: string;
  /** Why, first match in Atmos's order: stack.metadata, component, component.module, stack.vars, stack.env, stack.settings; ours: stack.backend, stack.providers, file, folder; deleted. */
  affected: string;
  deleted?: boolean;
}

export function describeAffected(config: AtmosConfig, baseRef: string, env: Record<string, string | undefined> = process.env): AffectedInstance[] {
  const repoRoot = git(config.basePath, ['rev-parse', '--show-toplevel']).trim();
  const changedFiles = new Set(git(repoRoot, ['diff', '--name-only', baseRef, '--']).split('\n').filter(Boolean).map((f) => join(repoRoot, f)));
  for (const file of git(repoRoot, ['ls-files', '--others', '--exclude-standard']).split('\n').filter(Boolean)) changedFiles.add(join(repoRoot, file));

  const baseDir = mkdtempSync(join(tmpdir(), 'atmos-affected-'));
  try {
    const archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', baseRef], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', baseDir], { input: archive });
    const baseRoot = join(baseDir, relative(repoRoot, config.basePath));
    const baseConfigPath = config.configFile ? join(baseDir, relative(repoRoot, config.configFile)) : undefined;
    const base = resolveStacks(loadAtmosConfig({ cwd: baseRoot, env: { ...env, ATMOS_CLI_CONFIG_PATH: baseConfigPath, ATMOS_BASE_PATH: undefined } }), { env });
    const head = resolveStacks(config, { env });
    const baseByKey = new Map(base.instances.map((i) => [key(i), i]));
    const affected: AffectedInstance[] = [];
    for (const instance of head.instances) {
      if (instance.abstract || !instance.enabled) continue;
      const reason = affectedReason(baseByKey.get(key(instance)), instance, changedFiles, config.basePath);
      if (reason) affected.push(entry(instance, reason));
    }
    const headKeys = new Set(head.instances.map(key));
    for (const old of base.instances) {
      if (!old.abstract && old.enabled && !headKeys.has(key(old))) affected.push({ ...entry(old, 'deleted'), deleted: true });
    }
    return affected.sort((a, b) => a.stack.localeCompare(b.stack) || a.component.localeCompare(b.component));
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

function affectedReason(base: ComponentInstance | undefined, head: ComponentInstance, changedFiles: Set<string>, basePath: string): string | undefined {
  if (!base) return 'stack.metadata';
  const a = base.sections;
  const b = head.sections;
  if (!deepEqual(a.metadata, b.metadata)) return 'stack.metadata';
  if (touches(changedFiles, head.componentPath) || base.terraformComponent !== head.terraformComponent) return 'component';
  if (localModuleFolders(head.componentPath).some((folder) => touches(changedFiles, folder))) return 'component.module';
  if (!deepEqual(a.vars, b.vars)) return 'stack.vars';
  if (!deepEqual(a.env, b.env)) return 'stack.env';
  if (!deepEqual(a.settings, b.settings)) return 'stack.settings';
  if (a.backendType !== b.backendType || !deepEqual(a.backend, b.backend) || base.workspace !== head.workspace) return 'stack.backend';
  if (!deepEqual(a.providers, b.providers) || a.command !== b.command) return 'stack.providers';
  const dependencies = b.dependencies;
  const files = Array.isArray(dependencies.files) ? dependencies.files.map(String) : [];
  if (files.some((file) => changedFiles.has(join(basePath, file)))) return 'file';
  const folders = Array.isArray(dependencies.folders) ? dependencies.folders.map(String) : [];
  if (folders.some((folder) => touches(changedFiles, join(basePath, folder)))) return 'folder';
  return undefined;
}

function touches(changedFiles: Set<string>, folder: string): boolean {
  const prefix = folder.endsWith('/') ? folder : folder + '/';
  for (const file of changedFiles) if (file.startsWith(prefix)) return true;
  return false;
}

function key(instance: ComponentInstance): string {
  return `${instance.component}\0${instance.stack}`;
}

function entry(instance: ComponentInstance, affected: string): AffectedInstance {
  return { component: instance.component, component_type: 'terraform', stack: instance.stack, stack_slug: `${instance.stack}-${instance.component.split('/').join('-')}`, affected };
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new AtmosUserError('USAGE', `git ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`, undefined,
      'run inside a git repository and pass an existing ref, e.g. --base main');
  }
}
