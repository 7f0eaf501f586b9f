/** `atmos-nx plan-summary [--projects a,b]` (src/planfiles/report.ts). */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError } from '../errors/user-error';
import type { CliIo } from './main';

export const PLAN_SUMMARY_USAGE = 'atmos-nx plan-summary [--projects <project,...>]';

export async function planSummaryCommand(argv: string[], io: CliIo): Promise<number> {
  let values: { projects?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { projects: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    throw new AtmosUserError('USAGE', `${(error as Error).message.split('. ')[0]} (in "plan-summary")`, undefined, `usage: ${PLAN_SUMMARY_USAGE}`);
  }
  if (values.help) {
    io.stdout(`usage:\n  ${PLAN_SUMMARY_USAGE}\n`);
    return 0;
  }
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  if (!config.configFile) throw new AtmosUserError('CONFIG_INVALID', `no atmos.yaml in ${io.cwd} or any folder above it`, undefined, 'run it inside the workspace');
  const root = dirname(config.configFile);
  const [{ planSummary }, { graphModel }, { pluginOptions }] = await Promise.all([import('../planfiles/report'), import('../nx/plugin'), import('../graph')]);
  const instances = graphModel(root, pluginOptions(root)).projects.map((p) => ({ component: p.component, stack: p.stack, project: p.name }));
  const projects = values.projects?.split(',').map((p) => p.trim()).filter(Boolean);
  return planSummary({ workspaceRoot: root, instances, projects, env: io.env, stdout: io.stdout });
}
