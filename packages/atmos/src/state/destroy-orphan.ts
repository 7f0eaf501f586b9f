/**
 * `destroy-orphan --instance=<component>/<stack> --confirm=<component>/<stack>`: destroys the
 * resources of an instance that was removed from the stacks, with the configuration of the last
 * commit that had it (read with git archive into a temporary work folder) against its real state.
 *
 * Refused: without the matching --confirm; for an instance still configured (its own destroy
 * target applies); for an instance no commit defines; when its state holds nothing; when a
 * configured instance now uses the same state. The state is always backed up first.
 */
import type { AtmosConfig } from '../config/types';
import { AtmosUserError, isUserError } from '../errors/user-error';
import { graphModel } from '../nx/plugin';
import { resolveStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { effectiveBackend } from '../terraform/files';
import { managedResourceCount } from '../terraform/state';
import { cliCommandLine, runInstanceCommand } from '../terraform/run';
import { backupState, describeBackup } from './backup';
import { asInRepository, searchHistory, HISTORY_DEPTH, type CommitTree } from './history';
import { describeLocation, instanceStateLocation, locationId } from './location';
import { instanceName, readStateAt } from './orphans';

export interface DestroyOrphanRequest {
  config: AtmosConfig;
  workspaceRoot: string;
  env: Record<string, string | undefined>;
  /** `<component>/<stack>` as typed. */
  instance?: string;
  confirm?: string;
  /** Extra terraform arguments for the destroy. */
  args: string[];
  /** How the command is spelled for this user (`nx run atmos:destroy-orphan` or `atmos-nx destroy-orphan`). */
  command: string;
  log: (line: string) => void;
  /** Terraform's captured output, if any. */
  stdout: (text: string) => void;
  depth?: number;
}

export function parseInstance(value: string | undefined, command: string): { component: string; stack: string } {
  const slash = value?.lastIndexOf('/') ?? -1;
  if (!value || slash <= 0 || slash === value.length - 1) {
    throw new AtmosUserError('USAGE', value ? `--instance=${value} is not <component>/<stack>` : 'destroy-orphan needs --instance=<component>/<stack>', undefined,
      `list the removed instances that still have resources with ${command.replace('destroy-orphan', 'orphans')}, then ${command} --instance=<component>/<stack> --confirm=<component>/<stack>`);
  }
  // A component name may hold slashes (vpc/blue); a stack name does not.
  return { component: value.slice(0, slash), stack: value.slice(slash + 1) };
}

export async function destroyOrphan(request: DestroyOrphanRequest): Promise<boolean> {
  const { config, workspaceRoot, env, log } = request;
  const wanted = parseInstance(request.instance, request.command);
  const name = instanceName(wanted);
  const retype = `${request.command} --instance=${name} --confirm=${name}`;
  if (request.confirm === undefined || request.confirm === '') {
    throw new AtmosUserError('USAGE', `destroy-orphan destroys every resource in the state of ${name}: it needs --confirm=${name}`, undefined, `once you are sure, run ${retype}; nothing was changed`);
  }
  if (request.confirm !== name) {
    throw new AtmosUserError('USAGE', `--confirm=${request.confirm} does not match --instance=${name}`, undefined, `repeat the instance exactly: ${retype}; nothing was changed`);
  }

  const configured = resolveStacks(config, { env }).instances.filter((i) => !i.abstract && i.enabled);
  const current = configured.find((i) => i.component === wanted.component && i.stack === wanted.stack);
  if (current) {
    throw new AtmosUserError('USAGE', `${name} is not a removed instance: stack '${wanted.stack}' still defines '${wanted.component}'`, { file: current.manifestFile },
      `destroy it with its own target: nx run <project>:destroy --autoApprove (${cliCommandLine(wanted.component, wanted.stack)({ command: 'destroy', autoApprove: true })})`);
  }

  const depth = request.depth ?? HISTORY_DEPTH;
  const hit = searchHistory(config, env, (tree) => tree.instances.find((i) => i.component === wanted.component && i.stack === wanted.stack), depth);
  if (!hit) {
    throw new AtmosUserError('USAGE', `unknown instance ${name}: no commit among HEAD and the last ${depth} changes to the stacks defines '${wanted.component}' in stack '${wanted.stack}'`, undefined,
      `check the spelling; ${request.command.replace('destroy-orphan', 'orphans')} lists the removed instances that still have resources`);
  }
  const { tree, found } = hit;
  try {
    const inRepository = asInRepository(found, tree);
    const location = instanceStateLocation(inRepository, workspaceRoot, env);
    const where = describeLocation(location, workspaceRoot);
    const owner = configured.find((i) => safeLocationId(i, workspaceRoot, env) === locationId(location));
    if (owner) {
      throw new AtmosUserError('USAGE', `the state of removed instance ${name} (${where}) is now the state of '${owner.component}' in stack '${owner.stack}'`, { file: owner.manifestFile },
        'destroying it would destroy that instance\'s resources: nothing was changed');
    }
    const resources = managedResourceCount(await readStateAt(location, env));
    if (resources === 0) {
      throw new AtmosUserError('USAGE', `nothing to destroy: the state of removed instance ${name} at ${where} holds no resources`, undefined,
        'it was destroyed already (or never applied); nothing was changed');
    }
    await assertNoLiveDependents(tree, found, workspaceRoot, env, request, log);
    log(`destroy-orphan: ${name}, removed from the stacks, last defined in commit ${tree.commit.slice(0, 12)}: ${resources} resource${resources === 1 ? '' : 's'} in ${where}`);
    log(describeBackup(await backupState(location, { workspaceRoot, owner: wanted, reason: 'destroy-orphan', env }), 'before destroy-orphan'));

    const pin = (instance: ComponentInstance) => pinnedToWorkspace(instance, tree, workspaceRoot);
    const result = await runInstanceCommand({
      workspaceRoot: tree.root,
      config: tree.config,
      instance: pin(found),
      command: 'destroy',
      args: request.args,
      autoApprove: true,
      env,
      findInstance: (component, stack) => {
        const other = tree.instances.find((i) => i.component === component && i.stack === stack);
        return other ? pin(other) : undefined;
      },
      commandLine: () => retype,
      log,
    });
    if (result.stdout) request.stdout(result.stdout);
    if (result.success) {
      const left = managedResourceCount(await readStateAt(location, env));
      log(`destroy-orphan: ${name}: destroyed; ${left === 0 ? 'its state holds no resources now' : `${left} resource(s) remain in its state`} (${where})`);
    }
    return result.success;
  } finally {
    tree.remove();
  }
}

/**
 * Nx cannot order destroys in reverse, and neither can history: refuse while an instance that
 * depended on this one at that commit (removed too: a configured one could not reference it) still
 * has resources. The dependencies are the plugin's graph of that commit's tree.
 */
async function assertNoLiveDependents(tree: CommitTree, found: ComponentInstance, workspaceRoot: string, env: Record<string, string | undefined>, request: DestroyOrphanRequest, log: (line: string) => void): Promise<void> {
  let model: ReturnType<typeof graphModel>;
  try {
    model = graphModel(tree.inTree(workspaceRoot), undefined);
  } catch (error) {
    if (!isUserError(error)) throw error;
    log(`destroy-orphan: the dependency graph of commit ${tree.commit.slice(0, 12)} cannot be built (${error.message}): dependents are not checked`);
    return;
  }
  const self = model.projects.find((p) => p.component === found.component && p.stack === found.stack);
  const sources = new Set(model.edges.filter((edge) => edge.target === self?.name).map((edge) => edge.source));
  const live: string[] = [];
  for (const project of model.projects.filter((p) => sources.has(p.name))) {
    const dependent = tree.instances.find((i) => i.component === project.component && i.stack === project.stack);
    if (!dependent) continue;
    const count = managedResourceCount(await readStateAt(instanceStateLocation(asInRepository(dependent, tree), workspaceRoot, env), env));
    if (count > 0) live.push(`${instanceName(dependent)} (${count} resource${count === 1 ? '' : 's'})`);
  }
  if (live.length > 0) {
    const first = live[0].split(' ')[0];
    throw new AtmosUserError('USAGE', `cannot destroy removed instance ${instanceName(found)}: ${live.join(', ')} depended on it and still ${live.length === 1 ? 'has' : 'have'} resources`, undefined,
      `destroy the dependents first (${request.command} --instance=${first} --confirm=${first}), then run this again; nothing was changed`);
  }
}

/**
 * The removed instance as it runs from the temporary tree, with its state where it really is: a
 * local state (the generated `.atmos/state/...`, or a path relative to the component) is pinned to
 * the workspace's file; the state is already backed up, so the run takes no second copy.
 */
function pinnedToWorkspace(instance: ComponentInstance, tree: CommitTree, workspaceRoot: string): ComponentInstance {
  const { type, config } = effectiveBackend(asInRepository(instance, tree), workspaceRoot);
  const settings = { ...instance.sections.settings, backup: false };
  const sections = type === 'local' ? { ...instance.sections, settings, backendType: 'local', backend: config } : { ...instance.sections, settings };
  return { ...instance, sections };
}

function safeLocationId(instance: ComponentInstance, workspaceRoot: string, env: Record<string, string | undefined>): string | undefined {
  try {
    return locationId(instanceStateLocation(instance, workspaceRoot, env));
  } catch {
    return undefined;
  }
}
