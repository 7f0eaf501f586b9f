/**
 * `atmos-nx describe affected --format=projects`: the Nx project names of the instances whose
 * configuration differs from a base ref, for `nx run-many -t plan -p <names>`. Named with the
 * plugin's own `projectName` option from nx.json, so the names are the graph's.
 */
import type { AtmosConfig } from '../config/types';
import { compareWithBase, isSelected, type CompareOptions, type InstanceSelection } from '../stacks/affected';
import { projectName } from './graph-model';
import { pluginOptions } from '../graph';
import { normaliseOptions } from './options';

/** Exit code of `--format=projects` when nothing is affected: `nx run-many -p ""` would run every project. */
export const NOTHING_AFFECTED_EXIT_CODE = 3;

export function affectedProjectNames(config: AtmosConfig, baseRef: string, env: Record<string, string | undefined>, workspaceRoot: string,
  select: InstanceSelection & Pick<CompareOptions, 'processTemplates' | 'gitEnv' | 'onWarning'> = {}): string[] {
  const options = normaliseOptions(pluginOptions(workspaceRoot));
  const changed = compareWithBase(config, baseRef, env, select).changed.filter(({ instance }) => isSelected(instance, select));
  return [...new Set(changed.map(({ instance }) => projectName(options.projectName, instance)))].sort();
}
