/**
 * `atmos-nx workflow <name> [-f file] [-s stack] [--from-step S] [--dry-run] [--confirm=<stack>]`:
 * Atmos's `atmos workflow` command shape (src/workflows). `nx run atmos:workflow` passes
 * `--name=<name>` and `--stack=<stack>` instead of the positional name and -s.
 */
import { AtmosUserError } from '../errors/user-error';
import type { CliIo } from './main';
import { parseSubcommand } from './subcommand-args';

export const WORKFLOW_USAGE = 'atmos-nx workflow <name> [-f <file>] [-s <stack>] [--from-step <step>] [--dry-run] [--confirm=<stack>]';

export async function workflowCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseSubcommand(argv, 'workflow', WORKFLOW_USAGE, {
    name: { type: 'string' },
    file: { type: 'string', short: 'f' },
    stack: { type: 'string', short: 's' },
    'from-step': { type: 'string' },
    'dry-run': { type: 'boolean' },
    confirm: { type: 'string' },
  });
  if (values.help) {
    io.stdout(`usage:\n  ${WORKFLOW_USAGE}\n`);
    return 0;
  }
  const names = [...positionals, ...(values.name ? [values.name] : [])];
  if (names.length !== 1) {
    throw new AtmosUserError('USAGE', names.length === 0 ? 'workflow needs the name of a workflow' : `workflow takes one workflow name, got "${names.join(' ')}"`, undefined, `usage: ${WORKFLOW_USAGE}`);
  }
  const { runWorkflow } = await import('../workflows/run');
  return runWorkflow({
    cwd: io.cwd,
    name: names[0],
    file: values.file,
    stack: values.stack?.trim() || undefined,
    fromStep: values['from-step'],
    dryRun: values['dry-run'] === true,
    confirm: values.confirm,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}
