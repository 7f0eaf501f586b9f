/** `atmos-nx plan-summary [--projects a,b] [--from-store [--commit <sha>]]` (src/planfiles/report.ts). */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError } from '../errors/user-error';
import type { CliIo } from './main';

export const PLAN_SUMMARY_USAGE = 'atmos-nx plan-summary [--projects <project,...>] [--from-store [--commit <sha>]]';

export async function planSummaryCommand(argv: string[], io: CliIo): Promise<number> {
  let values: { projects?: string; 'from-store'?: boolean; commit?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { projects: { type: 'string' }, 'from-store': { type: 'boolean' }, commit: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
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
  if (values.commit !== undefined && !values['from-store']) throw new AtmosUserError('USAGE', '--commit chooses which stored summaries to read: it needs --from-store', undefined, `usage: ${PLAN_SUMMARY_USAGE}`);
  const [{ planSummary }, { graphModel }, { pluginOptions }] = await Promise.all([import('../planfiles/report'), import('../nx/plugin'), import('../graph')]);
  const instances = graphModel(root, pluginOptions(root)).projects.map((p) => ({ component: p.component, stack: p.stack, project: p.name }));
  const projects = values.projects?.split(',').map((p) => p.trim()).filter(Boolean);
  if (!values['from-store']) return planSummary({ workspaceRoot: root, instances, projects, env: io.env, stdout: io.stdout });

  const [{ storedSummaries }, { headCommit }, { resolveStacks }] = await Promise.all([import('../planfiles/stored-summaries'), import('../planfiles/commit'), import('../stacks/engine')]);
  const commit = values.commit ?? headCommit(root);
  if (!commit) throw new AtmosUserError('USAGE', `--from-store reads the summaries of one commit, and ${root} is not a git checkout`, undefined, 'pass --commit <sha>');
  const wanted = new Set(instances.filter((i) => !projects || projects.includes(i.project)).map((i) => `${i.component}\0${i.stack}`));
  const selected = resolveStacks(config, { env: io.env }).instances.filter((i) => wanted.has(`${i.component}\0${i.stack}`));
  const { closeAwsClients } = await import('../aws/clients');
  let summaries;
  try {
    summaries = await storedSummaries(config, selected, commit, io.env);
  } finally {
    // Open sockets would keep the command alive.
    closeAwsClients();
  }
  return planSummary({ workspaceRoot: root, instances, projects, env: io.env, stdout: io.stdout, summaries, source: `the planfile store, commit ${commit.slice(0, 12)}` });
}
