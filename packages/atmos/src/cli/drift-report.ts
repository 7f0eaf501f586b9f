/** `atmos-nx drift-report [--fail-on drifted,changed,error|none] [--output-dir .atmos/drift]` (src/drift/report.ts). */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError } from '../errors/user-error';
import type { CliIo } from './main';

export const DRIFT_REPORT_USAGE = 'atmos-nx drift-report [--fail-on drifted,changed,error|none] [--output-dir <dir>]';

export async function driftReportCommand(argv: string[], io: CliIo): Promise<number> {
  let values: { 'fail-on'?: string; 'output-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { 'fail-on': { type: 'string' }, 'output-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    throw new AtmosUserError('USAGE', `${(error as Error).message.split('. ')[0]} (in "drift-report")`, undefined, `usage: ${DRIFT_REPORT_USAGE}`);
  }
  if (values.help) {
    io.stdout(`usage:\n  ${DRIFT_REPORT_USAGE}\n`);
    return 0;
  }
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  if (!config.configFile) throw new AtmosUserError('CONFIG_INVALID', `no atmos.yaml in ${io.cwd} or any folder above it`, undefined, 'run it inside the workspace');
  const root = dirname(config.configFile);
  const [{ driftReport }, { graphModel }, { pluginOptions }] = await Promise.all([import('../drift/report'), import('../nx/plugin'), import('../graph')]);
  const instances = graphModel(root, pluginOptions(root)).projects.map((p) => ({ component: p.component, stack: p.stack }));
  return driftReport({ workspaceRoot: root, instances, outputDir: values['output-dir'], failOn: values['fail-on'], stdout: io.stdout, stderr: io.stderr });
}
