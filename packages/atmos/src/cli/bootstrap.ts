/**
 * `atmos-nx bootstrap backend -s <stack> [--component <c>] [--dry-run] [--verbose]`
 * (`nx run atmos:bootstrap-backend --stack=<stack>`): creates the stack's S3 state backend
 * when it does not exist, and uses it as it is when it does (src/backend/bootstrap.ts).
 */
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError, throwCollected } from '../errors/user-error';
import { resolveStacks } from '../stacks/engine';
import type { CliIo } from './main';
import { parseSubcommand } from './subcommand-args';

export const BOOTSTRAP_USAGE = 'atmos-nx bootstrap backend -s <stack> [--component <component>] [--dry-run] [--verbose]';

export async function bootstrapCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseSubcommand(argv, 'bootstrap backend', BOOTSTRAP_USAGE, {
    stack: { type: 'string', short: 's' },
    component: { type: 'string' },
    'dry-run': { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
  });
  if (values.help) {
    io.stdout(`usage:\n  ${BOOTSTRAP_USAGE}\n`);
    return 0;
  }
  if (positionals[0] !== 'backend' || positionals.length > 1) {
    throw new AtmosUserError('USAGE', positionals.length === 0 ? '"bootstrap" needs a subcommand' : `unknown command "bootstrap ${positionals.join(' ')}"`, undefined,
      `"bootstrap" takes: backend; usage: ${BOOTSTRAP_USAGE}`);
  }
  const stack = values.stack?.trim();
  if (!stack) throw new AtmosUserError('USAGE', 'bootstrap backend needs the stack whose backend to create: -s <stack>', undefined, `usage: ${BOOTSTRAP_USAGE}`);

  const [{ setAwsVerbose }, { AwsClients }, { stackBackends }, { bootstrapBackend }] = await Promise.all([
    import('../aws/verbose'), import('../aws/clients'), import('../backend/backends'), import('../backend/bootstrap'),
  ]);
  if (values.verbose) setAwsVerbose(true, (line) => io.stderr(line + '\n'));
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  const problems: AtmosUserError[] = [];
  const resolved = resolveStacks(config, { env: io.env, problems });
  throwCollected(problems);
  const { backends, localComponents } = stackBackends(resolved, stack, io.env, values.component);
  if (localComponents.length > 0) {
    const which = localComponents.length <= 3 ? localComponents.join(', ') : `${localComponents.length} instances`;
    io.stdout(`${which} of stack ${stack} keep${localComponents.length === 1 ? 's' : ''} state locally (backend_type local or none): no backend to create\n`);
    if (backends.length === 0) return 0;
  }
  const clients = new AwsClients({ env: io.env, verbose: values.verbose, log: (line) => io.stderr(line + '\n') });
  let created = 0;
  let existed = 0;
  let warnings = 0;
  try {
    for (const backend of backends) {
      io.stdout(`backend of ${backend.components.join(', ')} in stack ${stack}: bucket ${backend.bucket}` +
        `${backend.table ? `, lock table ${backend.table}` : ''}, ${backend.region}, as ${clients.identity(backend.target)} (the backend settings of ${backend.credentialsOf})\n`);
      const result = await bootstrapBackend(backend, {
        clients,
        dryRun: values['dry-run'],
        log: (line) => io.stdout(line + '\n'),
        warn: (line) => io.stderr(`warning: ${line}\n`),
      });
      created += result.created.length;
      existed += result.existed.length;
      warnings += result.warnings.length;
    }
  } finally {
    clients.destroy();
  }
  if (values['dry-run']) {
    io.stdout('dry run: nothing was created\n');
    return 0;
  }
  io.stdout(`${created === 0 ? 'nothing created: the backend existed and was used as it is' : `created ${created}`}, already existed ${existed}` +
    `${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'} (settings not applied or not checked, above)` : ''}\n`);
  return 0;
}
