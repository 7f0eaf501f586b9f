/**
 * `nx run <project>:state-backup`: copy the instance's current state object to a timestamped
 * backup now (src/state/backup.ts has the layout), without running terraform. Prints where the
 * copy is, or that there is no state yet.
 */
import type { ExecutorContext } from '@nx/devkit';
import { loadAtmosConfig } from '../../config/load';
import { isUserError } from '../../errors/user-error';
import { backupState, describeBackup } from '../../state/backup';
import { instanceStateLocation } from '../../state/location';
import { closeStateClients } from '../../terraform/state';
import { loadInstance, withInstance, type InstanceExecutorOptions } from '../run-instance';

export default async function stateBackup(rawOptions: Partial<InstanceExecutorOptions>, context: ExecutorContext): Promise<{ success: boolean }> {
  const options = withInstance(rawOptions, context);
  if (!options) {
    process.stderr.write(`error: project '${context.projectName ?? '?'}' is not an Atmos instance: state-backup needs the options component, stack and manifest (the @org/atmos plugin sets them in its tags and metadata.atmos)\n`);
    return { success: false };
  }
  const workspaceRoot = context.root;
  try {
    const config = loadAtmosConfig({ cwd: workspaceRoot });
    const instance = loadInstance(workspaceRoot, config, options, new Map());
    const env = process.env;
    const result = await backupState(instanceStateLocation(instance, workspaceRoot, env), { workspaceRoot, owner: instance, reason: 'on-demand', env });
    process.stdout.write(describeBackup(result, `'${instance.component}' in stack '${instance.stack}'`) + '\n');
    return { success: true };
  } catch (error) {
    if (!isUserError(error)) throw error;
    process.stderr.write(`error: ${error.format(workspaceRoot)}\n`);
    return { success: false };
  } finally {
    closeStateClients();
  }
}
