/**
 * `atmos-nx workflow <name> [-f file] [-s stack] [--from-step S] [--dry-run] [--confirm=<stack>]`:
 * Atmos's `atmos workflow` command shape (src/workflows). `nx run atmos:workflow` passes
 * `--name=<name>` and `--stack=<stack>` instead of the positional name and -s.
 */
import { parseArgs } from 'node:util';
import { AtmosUserError } from '../errors/user-error';
import type { CliIo } from './main';

export const WORKFLOW_USAGE = 'atmos-nx workflow <name> [-f <file>] [-s <stack>] [--from-step <step>] [--dry-run] [--confirm=<stack>]';

export async function workflowCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new AtmosUserError('USAGE', `${(error as Error).message.split('. ')[0]} (in "workflow")`, undefined, `usage: ${WORKFLOW_USAGE}`);
  }
  const { values, positionals } = parsed;
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

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      file: { type: 'string', short: 'f' },
      stack: { type: 'string', short: 's' },
      'from-step': { type: 'string' },
      'dry-run': { type: 'boolean' },
      confirm: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
