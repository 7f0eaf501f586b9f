/**
 * When a state backup is taken during a terraform run: the one hook run.ts calls before each
 * terraform command it starts.
 *
 * - Always before `terraform init -migrate-state`: the state in the backend being left (read from
 *   the backend terraform was last initialised with, `.terraform/terraform.tfstate`) and, when the
 *   new backend already holds state for the workspace, that state too (`-force-copy` overwrites it).
 * - Before every command that rewrites the state (apply, destroy, import, state mv/rm/push/...,
 *   taint, untaint, refresh) of an instance whose `settings.backup` is true. Settings merge like
 *   any other, so `settings: {backup: true}` in `stacks/orgs/plat/prod/_defaults.yaml` selects
 *   every instance of stage prod, and one instance can turn it off again.
 *
 * At most one backup per run and reason: a deploy's apply after its plan copies once.
 */
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import { isPlainMap, type PlainMap } from '../stacks/values';
import { readTextOrUndefined } from '../terraform/files';
import { backupState, describeBackup, type BackupReason } from './backup';
import { instanceStateLocation, stateLocation, withoutNulls } from './location';

/** `terraform state` subcommands that only read. */
const READ_ONLY_STATE = new Set(['list', 'show', 'pull', 'identities']);

export interface BackupHookContext {
  instance: ComponentInstance;
  workspaceRoot: string;
  env: Record<string, string | undefined>;
  /** The instance's terraform working folder and its TF_DATA_DIR (where the last backend is recorded). */
  workdir: { dir: string; dataDir: string };
  log: (line: string) => void;
}

/** `settings.backup` of the instance: true, false or absent (false); anything else is a one-line error. */
export function backupSelected(instance: ComponentInstance): boolean {
  const value = instance.sections.settings.backup;
  if (value === undefined || value === null || typeof value === 'boolean') return value === true;
  throw new AtmosUserError('WRONG_TYPE', `settings.backup of '${instance.component}' in stack '${instance.stack}' must be true or false (got ${typeof value === 'object' ? 'a map or list' : typeof value})`,
    { file: instance.manifestFile }, 'write settings: {backup: true} to back up the state before every apply, destroy and import of this instance');
}

/** The reason a terraform command (its arguments as run) rewrites the state, or undefined when it does not. */
export function stateChangingReason(args: string[]): BackupReason | undefined {
  const [command, sub] = args;
  switch (command) {
    case 'apply':
      // `apply -destroy` is refused upstream (arguments.ts); an apply of a plan file rewrites state too.
      return 'apply';
    case 'destroy':
      return 'destroy';
    case 'import':
    case 'taint':
    case 'untaint':
    case 'refresh':
      return command;
    case 'state':
      return sub !== undefined && !READ_ONLY_STATE.has(sub) ? 'state' : undefined;
    default:
      return undefined;
  }
}

export class StateBackupHook {
  private readonly done = new Set<string>();

  constructor(private readonly context: BackupHookContext) {}

  /** Called before each terraform command of the run, with its arguments. */
  async before(args: string[]): Promise<void> {
    if (args[0] === 'init' && args.includes('-migrate-state')) return this.beforeMigration();
    const reason = stateChangingReason(args);
    if (!reason || !backupSelected(this.context.instance) || this.done.has(reason)) return;
    this.done.add(reason);
    const { instance, workspaceRoot, env, log } = this.context;
    const result = await backupState(instanceStateLocation(instance, workspaceRoot, env), { workspaceRoot, owner: instance, reason, env });
    log(describeBackup(result, `settings.backup, before ${reason}`));
  }

  private async beforeMigration(): Promise<void> {
    if (this.done.has('migrate-state')) return;
    this.done.add('migrate-state');
    const { instance, workspaceRoot, env, log, workdir } = this.context;
    const owner = { component: instance.component, stack: instance.stack, file: instance.manifestFile };
    const previous = previousBackend(workdir.dataDir);
    if (previous) {
      const workspace = readTextOrUndefined(join(workdir.dataDir, 'environment'))?.trim() || 'default';
      try {
        const location = stateLocation(previous.type, previous.config, workspace, owner, env, instance.sections.env, workdir.dir);
        log(describeBackup(await backupState(location, { workspaceRoot, owner, reason: 'migrate-state', env }), 'before -migrate-state, the backend being left'));
      } catch (error) {
        // A backend we cannot copy from (gcs, azurerm, ...): terraform still copies the state; say that no backup was taken.
        if (!(error instanceof AtmosUserError) || error.code !== 'USAGE') throw error;
        log(`state backup (before -migrate-state): not taken: ${error.message}`);
      }
    } else {
      log('state backup (before -migrate-state): terraform records no previous backend in this workdir, nothing to back up');
    }
    // -force-copy overwrites what the new backend holds for this workspace: keep a copy of that too.
    const target = await backupState(instanceStateLocation(instance, workspaceRoot, env), { workspaceRoot, owner, reason: 'migrate-state-target', env });
    if (target.backup) log(describeBackup(target, 'before -migrate-state, the state already in the new backend'));
  }
}

/** The backend terraform was last initialised with in this workdir (TF_DATA_DIR/terraform.tfstate), if any. */
function previousBackend(dataDir: string): { type: string; config: PlainMap } | undefined {
  const text = readTextOrUndefined(join(dataDir, 'terraform.tfstate'));
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const backend = isPlainMap(parsed) ? parsed.backend : undefined;
  if (!isPlainMap(backend) || typeof backend.type !== 'string' || !isPlainMap(backend.config)) return undefined;
  return { type: backend.type, config: withoutNulls(backend.config) };
}
