/**
 * The targets of an instance project and of the workspace project `atmos`. Every instance
 * target reads the project's `atmos` named input (its exact configuration files), so
 * `nx affected -t plan` selects exactly the instances whose own configuration changed.
 * Only `describe` is cacheable: everything else depends on state, outputs or SSM values that
 * are not inputs.
 */
import type { TargetConfiguration } from '@nx/devkit';
import type { InstanceProject } from './graph-model';
import type { NormalisedPluginOptions } from './options';

export const CONFIG_INPUT = 'atmos';

export function instanceTargets(project: InstanceProject, options: NormalisedPluginOptions): Record<string, TargetConfiguration> {
  const { component, stack } = project;
  const target = (name: string) => options.targetPrefix + name;
  return {
    [target('describe')]: {
      executor: 'nx:run-commands',
      cache: true,
      inputs: [CONFIG_INPUT, { env: 'ATMOS_BASE_PATH' }, { env: 'ATMOS_CLI_CONFIG_PATH' }],
      options: { command: `atmos-nx describe component ${quote(component)} -s ${quote(stack)}`, cwd: '{workspaceRoot}' },
      metadata: {
        technologies: ['atmos'],
        description: `Show the fully merged configuration of ${component} in ${stack}`,
        help: { command: 'npx atmos-nx describe component --help', example: { options: { args: ['--format=json'] } } },
      },
    },
  };
}

export function workspaceTargets(): Record<string, TargetConfiguration> {
  const command = (description: string, cmd: string): TargetConfiguration => ({
    executor: 'nx:run-commands',
    options: { command: cmd, cwd: '{workspaceRoot}' },
    metadata: { technologies: ['atmos'], description },
  });
  return {
    'describe-stacks': command('Show every stack with its merged component configuration', 'atmos-nx describe stacks'),
    'validate-stacks': command('Validate every stack manifest', 'atmos-nx validate stacks'),
  };
}

function quote(value: string): string {
  return /^[\w./@:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
