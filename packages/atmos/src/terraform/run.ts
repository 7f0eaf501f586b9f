/**
 * Runs one Terraform command for one component instance, safely:
 * stage the workdir -> write varfile/backend -> init when needed (never silently
 * re-initialising away from existing state) -> select the workspace -> the command.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AtmosConfig } from '../config/types';
import { AwsCallError } from '../aws/errors';
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import { findBinary } from './binary';
import { generateFiles, hash, readTextOrUndefined, removeGenerated, writeAtomically, type GeneratedFiles } from './files';
import { runTerraform, type TerraformResult } from './process';
import { SecretMasker } from '../functions/runtime/mask';
import { resolveRunValues } from './run-values';
import { managedResourceCount, readState } from './state';
import { removeWorkdir, stageWorkdir, workdirFor, type Workdir } from './workdir';
import { localModuleFolders } from './local-modules';
import { classifyDrift, type DriftResource } from './drift';
import { writeInstanceResult, type InstanceResult, type InstanceStatus } from '../graph/results';
import { findWorkflow } from '../workflows/manifest';
import { StateBackupHook } from '../state/backup-hook';
import { lockHolder } from './lock-error';
import { checkImport, explainImportLock, importResource, refuseWhileLocked, type ImportRequest } from '../state/import';
import { afterPlan, applyStored, deployStored } from '../planfiles/stored-plan';
import { planfilesSettings } from '../planfiles/config';
import type { PlanfileRun } from '../planfiles/run-parts';

import { checkArguments, nxCommandLine, type CommandLine, type CommandSpec, type InstanceCommand } from './arguments';

export { cliCommandLine, nxCommandLine, type CommandLine, type InstanceCommand } from './arguments';

/** Commands (and passthrough subcommands) that change state: refused for `metadata.locked`. */
const MUTATING_COMMANDS = new Set(['apply', 'deploy', 'destroy', 'import', 'refresh', 'state', 'taint', 'untaint']);
/** `terraform state` subcommands that only read. */
const READ_ONLY_STATE_SUBCOMMANDS = new Set(['list', 'show', 'pull']);
/** Passthrough subcommands that need the varfile. */
const NEEDS_VARFILE = new Set(['plan', 'apply', 'destroy', 'import', 'refresh', 'console']);

export interface InstanceRunRequest {
  workspaceRoot: string;
  config: AtmosConfig;
  instance: ComponentInstance;
  command: InstanceCommand;
  /** Extra arguments for terraform (for `terraform`: the subcommand and its arguments). */
  args: string[];
  autoApprove?: boolean;
  /** Opt-in: run `init -migrate-state` when the backend configuration changed. */
  migrateState?: boolean;
  /** e.g. "5m": wait for a held state lock instead of failing. */
  lockTimeout?: string;
  env?: Record<string, string | undefined>;
  /** Another instance by component and stack (for output references); undefined when it does not exist. */
  findInstance(component: string, stack: string): ComponentInstance | undefined;
  /** The Nx project, for hints. */
  projectName?: string;
  /** How the user runs another command of this instance (hints print it); `nx run <project>:...` by default. */
  commandLine?: CommandLine;
  /** drift: exit non-zero when the instance is not in sync (default: record and exit 0). */
  failOnDrift?: boolean;
  /** `--verify-plan` on deploy/apply (true forces verification, false turns it off); see src/planfiles. */
  verifyPlan?: boolean;
  /** Nx runs this task because another task of the same run depends on it (`^apply`). */
  asDependency?: boolean;
  /** Instances that depend on this one (for `destroy`), with their project names. */
  dependents?: () => Promise<Array<{ name: string; instance: ComponentInstance }>>;
  /** import: the resource address and the provider's ID of the existing object. */
  import?: ImportRequest;
  log?: (line: string) => void;
}

export interface InstanceRunResult {
  success: boolean;
  exitCode: number;
  /** Executor's own time, excluding terraform processes (ms). */
  ownMs: number;
  terraformMs: number;
  stdout?: string;
}

interface InitRecord {
  backendFingerprint: string;
  sourcesFingerprint: string;
}

export async function runInstanceCommand(request: InstanceRunRequest): Promise<InstanceRunResult> {
  const started = Date.now();
  let terraformMs = 0;
  const { instance, config, workspaceRoot, command } = request;
  const log = request.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const env = request.env ?? process.env;
  const commandLine = request.commandLine ?? nxCommandLine(request.projectName ?? '<project>');
  // The arguments may not route around a target's rules (see arguments.ts); -auto-approve is the approval.
  const checked = checkArguments(command, request.args, request.autoApprove === true, commandLine);
  // The checked arguments replace the typed ones for everything below.
  request = { ...request, args: checked.args, autoApprove: checked.autoApprove, commandLine };
  const subcommand = command === 'terraform' ? request.args[0] : command;
  assertRunnable(instance, command, subcommand, request.args);
  if (command === 'import') {
    checkImport(request);
    await refuseWhileLocked(request);
  }

  const workdir = workdirFor(workspaceRoot, instance.stack, instance.component, instance.componentPath);
  if (command === 'clean') {
    clean(workdir, instance);
    return { success: true, exitCode: 0, ownMs: Date.now() - started, terraformMs };
  }
  if (!existsSync(instance.componentPath)) {
    throw new AtmosUserError('COMPONENT_NOT_FOUND', `the Terraform component folder ${instance.componentPath} does not exist`, { file: instance.manifestFile },
      `create it, or fix metadata.component of '${instance.component}'`);
  }
  const values = await resolveRunValues(instance, { workspaceRoot, config, command: subcommand ?? command, env, findInstance: request.findInstance, log });
  const masker = new SecretMasker(values.secrets);
  stageWorkdir(workspaceRoot, instance.componentPath, workdir);
  const files = generateFiles(instance, workdir, {
    workspaceRoot,
    autoGenerateBackendFile: config.components.terraform.autoGenerateBackendFile,
    vars: values.vars,
    sourcesFingerprint: sourcesFingerprint(instance, workspaceRoot),
  });
  if (command === 'generate') {
    log(`generated ${files.varfile}${config.components.terraform.autoGenerateBackendFile ? ` and ${join(workdir.dir, 'backend.tf.json')}` : ''}`);
    return { success: true, exitCode: 0, ownMs: Date.now() - started, terraformMs };
  }

  const binary = findBinary(config.components.terraform.command, env);
  const terraformEnv: Record<string, string | undefined> = {
    ...env,
    ...values.env,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_DATA_DIR: workdir.dataDir,
    // We select the workspace ourselves; an inherited TF_WORKSPACE would silently override it.
    TF_WORKSPACE: undefined,
  };
  // State backups (settings.backup, -migrate-state) happen right before terraform rewrites the state.
  const backups = new StateBackupHook({ instance, workspaceRoot, env, workdir, log });
  const tf = async (args: string[], captureStdout = false): Promise<TerraformResult> => {
    await backups.before(args);
    const result = await runTerraform({ binary, args, cwd: workdir.dir, env: terraformEnv, captureStdout, mask: (text) => masker.mask(text) });
    terraformMs += result.durationMs;
    if (result.exitCode !== 0) explainFailure(result, request, log);
    return result;
  };
  const done = (result: TerraformResult): InstanceRunResult => ({
    success: result.exitCode === 0,
    exitCode: result.exitCode,
    ownMs: Date.now() - started - terraformMs,
    terraformMs,
    stdout: masker.mask(result.stdout),
  });
  const lockArgs = request.lockTimeout ? [`-lock-timeout=${request.lockTimeout}`] : [];

  const init = await ensureInit(workdir, instance, files, request, tf, command === 'init', command === 'init' ? request.args : []);
  if (init && init.exitCode !== 0) return done(init);
  if (command === 'init') return done(init ?? okResult());
  const selected = await selectWorkspace(workdir, instance.workspace, tf);
  if (selected && selected.exitCode !== 0) return done(selected);

  // Stored plans (src/planfiles) add their rules around the runner's own plan and apply steps.
  const stored = (): PlanfileRun => ({
    workspaceRoot, config, instance, projectName: request.projectName, env, files, workdir, commandLine, args: request.args,
    autoApprove: request.autoApprove === true, verifyPlan: request.verifyPlan, asDependency: request.asDependency === true, lockArgs, tf, log,
    mask: (text) => masker.mask(text),
    plan: (extra) => plan(files, lockArgs, extra, tf),
    applyPlanfile: (extra) => applyPlanfile(files, lockArgs, extra, tf),
    applyWithoutStore: () => apply(files, lockArgs, request, config, tf, log),
    locallyAppliedFingerprint: () => fingerprintIn(readTextOrUndefined(appliedRecord(files))),
    localPlanIsCurrent: () => existsSync(files.planfile) && fingerprintIn(readTextOrUndefined(`${files.planfile}.meta.json`)) === files.inputsFingerprint,
  });

  switch (command) {
    case 'plan': {
      const planned = await plan(files, lockArgs, request.args, tf);
      const succeeded = planned.exitCode === 0 || (planned.exitCode === 2 && request.args.includes('-detailed-exitcode'));
      return done(succeeded ? await afterPlan(stored(), planned) : planned);
    }
    case 'drift':
      return done(await drift(files, request, tf, log));
    case 'apply':
      return done(await applyStored(stored()));
    case 'deploy': {
      if (request.verifyPlan !== undefined || planfilesConfigured(config)) return done(await deployStored(stored()));
      const planned = await plan(files, lockArgs, request.args, tf);
      if (planned.exitCode !== 0) return done(planned);
      return done(await applyPlanfile(files, lockArgs, [], tf));
    }
    case 'destroy':
      await assertNoLiveDependents(request);
      if (!request.autoApprove) {
        throw new AtmosUserError('USAGE', `destroy of '${instance.component}' in stack '${instance.stack}' needs an explicit approval`, undefined,
          `once you are sure, run ${sameCommand(request, { autoApprove: true })}; nothing was changed`);
      }
      return done(await tf(['destroy', '-auto-approve', '-input=false', `-var-file=${files.varfile}`, ...lockArgs, ...request.args]));
    case 'output':
      return done(await tf(['output', ...request.args]));
    case 'validate':
      return done(await tf(['validate', ...request.args]));
    case 'import':
      return done(await importResource(request, files.varfile, lockArgs, tf));
    case 'terraform': {
      const [sub, ...rest] = request.args;
      const varfileArgs = NEEDS_VARFILE.has(sub) ? [`-var-file=${files.varfile}`] : [];
      return done(await tf([sub, ...varfileArgs, ...rest]));
    }
  }
  throw new Error(`unhandled command ${command}`);
}

function planfilesConfigured(config: AtmosConfig): boolean {
  return planfilesSettings(config) !== undefined;
}

function okResult(): TerraformResult {
  return { exitCode: 0, stdout: '', stderrTail: '', durationMs: 0 };
}

function assertRunnable(instance: ComponentInstance, command: InstanceCommand, subcommand: string | undefined, args: string[]): void {
  const where = `'${instance.component}' in stack '${instance.stack}'`;
  if (instance.abstract) {
    throw new AtmosUserError('USAGE', `${where} is abstract (metadata.type: abstract) and cannot be run`, { file: instance.manifestFile },
      'run a component that inherits from it instead');
  }
  if (!instance.enabled) {
    throw new AtmosUserError('USAGE', `${where} is disabled (metadata.enabled: false)`, { file: instance.manifestFile }, 'enable it in the stack manifest to run it');
  }
  const mutating = MUTATING_COMMANDS.has(command) || (command === 'terraform' && subcommand !== undefined && MUTATING_COMMANDS.has(subcommand) &&
    !(subcommand === 'state' && READ_ONLY_STATE_SUBCOMMANDS.has(args[1] ?? '')));
  if (instance.locked && mutating) {
    throw new AtmosUserError('USAGE', `${where} is locked (metadata.locked: true): ${command === 'terraform' ? `terraform ${args.slice(0, 2).join(' ')}` : command} is refused`,
      { file: instance.manifestFile }, 'unlock it in the stack manifest (metadata.locked: false) if this change is intended');
  }
}

/**
 * Sources that decide whether `terraform init` must run again: the component's and its local
 * modules' Terraform files, and the lock file. Paths are relative to the workspace: the same
 * commit in another clone (another CI machine) has the same fingerprint, so its stored plan applies.
 */
function sourcesFingerprint(instance: ComponentInstance, workspaceRoot: string): string {
  const parts: string[] = [];
  for (const folder of [instance.componentPath, ...localModuleFolders(instance.componentPath)]) {
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder).sort()) {
      if (!entry.endsWith('.tf') && !entry.endsWith('.tf.json') && entry !== '.terraform.lock.hcl') continue;
      const path = join(folder, entry);
      if (statSync(path).isFile()) parts.push(relative(workspaceRoot, path), readFileSync(path, 'utf8'));
    }
  }
  return hash(parts.join('\0'));
}

async function ensureInit(
  workdir: Workdir,
  instance: ComponentInstance,
  files: GeneratedFiles,
  request: InstanceRunRequest,
  tf: (args: string[]) => Promise<TerraformResult>,
  force: boolean,
  extra: string[],
): Promise<TerraformResult | undefined> {
  const recordFile = join(workdir.root, '.atmos-init.json');
  const previousText = readTextOrUndefined(recordFile);
  const previous = previousText ? (JSON.parse(previousText) as InitRecord) : undefined;
  const current: InitRecord = { backendFingerprint: files.backendFingerprint, sourcesFingerprint: files.sourcesFingerprint };
  const initialised = existsSync(join(workdir.dataDir, 'terraform.tfstate')) || existsSync(join(workdir.dataDir, 'environment'));
  if (!force && previous && initialised && previous.backendFingerprint === current.backendFingerprint && previous.sourcesFingerprint === current.sourcesFingerprint) {
    return undefined;
  }
  const args = ['init', '-input=false', ...extra];
  if (previous && initialised && previous.backendFingerprint !== current.backendFingerprint) {
    if (!request.migrateState) {
      throw new AtmosUserError('USAGE',
        `the backend configuration of '${instance.component}' in stack '${instance.stack}' changed since it was last initialised`, { file: instance.manifestFile },
        'terraform must move the existing state to the new backend: run again with --migrateState to run `terraform init -migrate-state` ' +
          `(we never run -reconfigure, which would abandon the existing state): ${sameCommand(request, { migrateState: true })}; or restore the previous backend settings`);
    }
    args.push('-migrate-state', '-force-copy');
  }
  const result = await withPluginCacheLock(request.env ?? process.env, () => tf(args));
  if (result.exitCode === 0) writeAtomically(recordFile, JSON.stringify(current), workdir.root);
  return result;
}

/** Terraform's plugin cache is not safe for concurrent inits: serialise them when one is configured. */
async function withPluginCacheLock<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const cacheDir = env.TF_PLUGIN_CACHE_DIR;
  if (!cacheDir) return fn();
  mkdirSync(cacheDir, { recursive: true });
  const lockDir = join(cacheDir, '.atmos-init.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}; remove it if no terraform init is running`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function selectWorkspace(workdir: Workdir, workspace: string, tf: (args: string[]) => Promise<TerraformResult>): Promise<TerraformResult | undefined> {
  const current = readTextOrUndefined(join(workdir.dataDir, 'environment'))?.trim() ?? 'default';
  if (current === workspace) return undefined;
  return tf(['workspace', 'select', '-or-create=true', workspace]);
}

async function plan(files: GeneratedFiles, lockArgs: string[], extra: string[], tf: (args: string[]) => Promise<TerraformResult>): Promise<TerraformResult> {
  removeGenerated(files.planfile, files.root);
  removeGenerated(`${files.planfile}.meta.json`, files.root);
  // A plan file holds every value, secrets included: it exists 0600 before terraform writes into
  // it (terraform truncates an existing plan file and keeps its mode; the runner's umask covers
  // what else it writes), so an interrupted plan never leaves a readable one behind.
  writeAtomically(files.planfile, '', files.root);
  const result = await tf(['plan', '-input=false', `-var-file=${files.varfile}`, `-out=${files.planfile}`, ...lockArgs, ...extra]);
  if (statSync(files.planfile, { throwIfNoEntry: false })?.size === 0) removeGenerated(files.planfile, files.root);
  // 0 = success; with -detailed-exitcode, 2 = success with changes.
  if (result.exitCode === 0 || (result.exitCode === 2 && extra.includes('-detailed-exitcode'))) {
    writeAtomically(`${files.planfile}.meta.json`, JSON.stringify({ inputsFingerprint: files.inputsFingerprint }), files.root);
  }
  return result;
}

async function apply(files: GeneratedFiles, lockArgs: string[], request: InstanceRunRequest, config: AtmosConfig, tf: (args: string[]) => Promise<TerraformResult>, log: (line: string) => void): Promise<TerraformResult> {
  const meta = readTextOrUndefined(`${files.planfile}.meta.json`);
  const planIsCurrent = existsSync(files.planfile) && meta !== undefined && (JSON.parse(meta) as { inputsFingerprint: string }).inputsFingerprint === files.inputsFingerprint;
  if (planIsCurrent) {
    log(`applying the reviewed plan ${files.planfile}`);
    return applyPlanfile(files, lockArgs, request.args, tf);
  }
  if (request.autoApprove || config.components.terraform.applyAutoApprove) {
    const result = await tf(['apply', '-auto-approve', '-input=false', `-var-file=${files.varfile}`, ...lockArgs, ...request.args]);
    if (result.exitCode === 0) recordApplied(files);
    return result;
  }
  const { instance } = request;
  // Applying a dependency first (^apply) must not block on an instance already applied with these exact inputs.
  const applied = readTextOrUndefined(appliedRecord(files));
  if (!existsSync(files.planfile) && applied !== undefined && (JSON.parse(applied) as { inputsFingerprint: string }).inputsFingerprint === files.inputsFingerprint) {
    log(`'${instance.component}' in stack '${instance.stack}' was already applied with exactly these inputs; nothing to apply`);
    return okResult();
  }
  throw new AtmosUserError('USAGE',
    existsSync(files.planfile)
      ? `the plan of '${instance.component}' in stack '${instance.stack}' is stale: its inputs changed since it was made`
      : `there is no reviewed plan for '${instance.component}' in stack '${instance.stack}'`,
    undefined, `run the plan target first (${request.commandLine!({ command: 'plan' })}) and review it, then ${sameCommand(request, {})}; ` +
      `or ${sameCommand(request, { autoApprove: true })} to apply without a reviewed plan`);
}

/**
 * A drift check: plan without the lock into the check's own plan file (never the reviewed plan),
 * read it with `terraform show -json`, record in-sync / drifted / changed / error under
 * .atmos/results/drift/ (0600, not an Nx output: never cached). Exit 0 after recording unless
 * --failOnDrift, so `run-many -t drift && nx run atmos:drift-report` reaches the report.
 */
async function drift(files: GeneratedFiles, request: InstanceRunRequest, tf: (args: string[], captureStdout?: boolean) => Promise<TerraformResult>, log: (line: string) => void): Promise<TerraformResult> {
  const { instance } = request;
  const driftPlan = `${files.planfile}.drift`;
  const record = (status: InstanceStatus, summary: string, resources: DriftResource[] = []) => {
    const file = writeInstanceResult(request.workspaceRoot, { component: instance.component, stack: instance.stack, kind: 'drift', status, finishedAt: new Date().toISOString(), summary, resources } as InstanceResult, 0o600);
    log(`drift: '${instance.component}' in stack '${instance.stack}': ${status} (${summary}); recorded in ${file}`);
  };
  try {
    const planned = await tf(['plan', '-input=false', '-lock=false', '-detailed-exitcode', `-out=${driftPlan}`, `-var-file=${files.varfile}`, ...request.args]);
    if (planned.exitCode !== 0 && planned.exitCode !== 2) {
      record('error', `terraform plan exited ${planned.exitCode}`);
      return request.failOnDrift ? planned : { ...planned, exitCode: 0 };
    }
    const shown = await tf(['show', '-json', driftPlan], true);
    if (shown.exitCode !== 0) {
      record('error', `terraform show -json exited ${shown.exitCode}`);
      return request.failOnDrift ? shown : { ...shown, exitCode: 0, stdout: planned.stdout };
    }
    const finding = classifyDrift(shown.stdout);
    record(finding.status, finding.summary, finding.resources);
    const failed = request.failOnDrift && finding.status !== 'in-sync';
    return { ...planned, exitCode: failed ? 2 : 0 };
  } finally {
    // A plan file holds every value, secrets included: the check keeps only addresses and actions.
    rmSync(driftPlan, { force: true });
  }
}

async function applyPlanfile(files: GeneratedFiles, lockArgs: string[], extra: string[], tf: (args: string[]) => Promise<TerraformResult>): Promise<TerraformResult> {
  // The plan file comes last: terraform reads it as the positional argument.
  const result = await tf(['apply', '-input=false', ...lockArgs, ...extra, files.planfile]);
  // A plan file can be applied once; keep nothing that could be applied twice.
  if (result.exitCode === 0) {
    removeGenerated(files.planfile, files.root);
    removeGenerated(`${files.planfile}.meta.json`, files.root);
    recordApplied(files);
  }
  return result;
}

function fingerprintIn(record: string | undefined): string | undefined {
  try {
    return record === undefined ? undefined : (JSON.parse(record) as { inputsFingerprint?: string }).inputsFingerprint;
  } catch {
    return undefined;
  }
}

function appliedRecord(files: GeneratedFiles): string {
  return `${files.planfile}.applied.json`;
}

function recordApplied(files: GeneratedFiles): void {
  writeAtomically(appliedRecord(files), JSON.stringify({ inputsFingerprint: files.inputsFingerprint, at: new Date().toISOString() }), files.root);
}

/** Nx cannot order destroys in reverse: refuse while something that depends on this instance still has resources. */
async function assertNoLiveDependents(request: InstanceRunRequest): Promise<void> {
  if (!request.dependents) return;
  const live: string[] = [];
  const commands: string[] = [];
  for (const dependent of await request.dependents()) {
    const count = managedResourceCount(await dependentState(request, dependent));
    if (count > 0) {
      live.push(`${dependent.name} (${count} resource${count === 1 ? '' : 's'})`);
      const of = { project: dependent.name, component: dependent.instance.component, stack: dependent.instance.stack };
      commands.push(request.commandLine!({ command: 'destroy', autoApprove: true, of }));
    }
  }
  if (live.length > 0) {
    throw new AtmosUserError('USAGE', `cannot destroy '${request.instance.component}' in stack '${request.instance.stack}': ${live.join(', ')} still depend on it`, undefined,
      `destroy the dependents first (${commands.join('; ')}), then run this again${destroyEnvironmentHint(request)}`);
  }
}

/** The whole-stack destroy, when the workspace has the workflow (stacks/workflows/onboard-environment.yaml ships it). */
function destroyEnvironmentHint(request: InstanceRunRequest): string {
  const stack = request.instance.stack;
  try {
    findWorkflow(request.config.workflows.basePath, 'destroy-environment');
  } catch {
    return '';
  }
  return `; or destroy the whole stack in reverse dependency order: npx atmos-nx workflow destroy-environment -s ${stack} --confirm=${stack}`;
}

/** A dependent's state; an AWS failure says it happened in the destroy guard, and where the dependent is defined. */
async function dependentState(request: InstanceRunRequest, dependent: { name: string; instance: ComponentInstance }) {
  try {
    return await readState(dependent.instance, request.workspaceRoot, request.env ?? process.env);
  } catch (error) {
    if (!(error instanceof AwsCallError)) throw error;
    throw error.within(`destroy of '${request.instance.component}' in stack '${request.instance.stack}' checks that its dependent ${dependent.name} has no resources left`,
      { file: dependent.instance.manifestFile });
  }
}

function clean(workdir: Workdir, instance: ComponentInstance): void {
  for (const stateFile of ['terraform.tfstate', 'terraform.tfstate.d']) {
    if (existsSync(join(workdir.dir, stateFile))) {
      throw new AtmosUserError('USAGE', `the workdir of '${instance.component}' in '${instance.stack}' holds local state (${stateFile}); clean would delete it`, undefined,
        'configure a backend (backend_type) or move the state before cleaning');
    }
  }
  removeWorkdir(workdir);
}

function explainFailure(result: TerraformResult, request: InstanceRunRequest, log: (line: string) => void): void {
  const holder = lockHolder(result.stderrTail);
  if (!holder) return;
  if (request.command === 'import') return explainImportLock(holder, request, log);
  const { id, who, operation } = holder;
  log(`\nThe state of '${request.instance.component}' in '${request.instance.stack}' is locked by another run` +
    `${who ? ` (${who}${operation ? `, ${operation}` : ''})` : ''}.` +
    `\n  Wait for it to finish, or wait for the lock: ${sameCommand(request, { lockTimeout: '5m' })}` +
    (id ? `\n  If that run is gone for good: ${request.commandLine!({ command: 'terraform', terraform: ['force-unlock', '-force', id] })}` : ''));
}

/** The command that is running, as the user would type it again, with some options changed. */
function sameCommand(request: InstanceRunRequest, change: Partial<CommandSpec>): string {
  return request.commandLine!({
    command: request.command,
    autoApprove: request.autoApprove,
    migrateState: request.migrateState,
    lockTimeout: request.lockTimeout,
    terraform: request.args,
    ...change,
  });
}
