/**
 * The onboarding steps of the shipped onboard-environment workflow (src/onboarding):
 *   atmos-nx onboard prerequisites -s <stack>
 *   atmos-nx onboard generate -s <stack> [--tenant T] [--account A] [--environment E] [--region R] [--from S]
 */
import { dirname } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError, throwCollected } from '../errors/user-error';
import { resolveStacks, type ResolvedStacks } from '../stacks/engine';
import type { CliIo } from './main';
import { parseSubcommand } from './subcommand-args';

export const ONBOARD_USAGE = 'atmos-nx onboard prerequisites -s <stack> | onboard generate -s <stack> [--tenant T] [--account A] [--environment E] [--region R] [--from <stack>]';

export async function onboardCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseSubcommand(argv, 'onboard', ONBOARD_USAGE, {
    stack: { type: 'string', short: 's' },
    tenant: { type: 'string' },
    account: { type: 'string' },
    environment: { type: 'string' },
    region: { type: 'string' },
    from: { type: 'string' },
  });
  if (values.help) {
    io.stdout(`usage:\n  ${ONBOARD_USAGE}\n`);
    return 0;
  }
  const sub = positionals[0];
  if ((sub !== 'prerequisites' && sub !== 'generate') || positionals.length > 1) {
    throw new AtmosUserError('USAGE', sub ? `unknown command "onboard ${positionals.join(' ')}"` : '"onboard" needs a subcommand', undefined, `"onboard" takes: prerequisites, generate; usage: ${ONBOARD_USAGE}`);
  }
  const stack = values.stack?.trim() || undefined;
  if (sub === 'prerequisites' && !stack) throw new AtmosUserError('USAGE', 'onboard prerequisites needs the stack to onboard: -s <stack>', undefined, `usage: ${ONBOARD_USAGE}`);
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  if (!config.configFile) throw new AtmosUserError('CONFIG_INVALID', `no atmos.yaml in ${io.cwd} or any folder above it`, undefined, 'run it inside the workspace');
  const resolve = (): ResolvedStacks => {
    const problems: AtmosUserError[] = [];
    const resolved = resolveStacks(config, { env: io.env, problems });
    throwCollected(problems);
    return resolved;
  };
  let resolved = resolve();
  const exists = (name: string | undefined) => name !== undefined && resolved.instances.some((i) => i.stack === name);

  if (sub === 'prerequisites') {
    const { checkTerraform } = await import('../onboarding/prerequisites');
    // A stack that does not exist yet deploys what the workspace's stacks deploy.
    const folders = resolved.instances.filter((i) => !i.abstract && i.enabled && (!exists(stack) || i.stack === stack)).map((i) => i.componentPath);
    io.stdout(`✓ ${checkTerraform(config, folders, io.env).ok}\n`);
    if (!exists(stack)) {
      io.stdout(`- stack ${stack} is not defined yet: the next step generates it, and checks its backend\n`);
      return 0;
    }
    return backendChecks(resolved, stack!, io);
  }

  const { gatherAnswers, runEnvironmentGenerator } = await import('../onboarding/environment');
  if (exists(stack)) {
    io.stdout(`✓ stack ${stack} exists: nothing to generate\n`);
    return 0;
  }
  const { askInTerminal } = await import('../generators/shared/prompt');
  const answers = await gatherAnswers({
    config, stack, env: io.env, ask: askInTerminal, tenants: tenantsOf(resolved),
    flags: { tenant: values.tenant, account: values.account, environment: values.environment, region: values.region, from: values.from },
  });
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && io.env.CI !== 'true';
  io.stdout(`generating ${answers.stack ?? 'the new environment'}: account ${answers.account}, region ${answers.region}${answers.tenant ? `, tenant ${answers.tenant}` : ''}${answers.from ? `, copied from ${answers.from}` : ''}\n`);
  const before = new Set(resolved.instances.map((i) => i.stack));
  const code = await runEnvironmentGenerator(dirname(config.configFile), answers, io.env, interactive);
  if (code !== 0) return code;
  resolved = resolve();
  // Named with -s: that stack must now exist. Otherwise: the one stack the generator added.
  const added = [...new Set(resolved.instances.map((i) => i.stack))].filter((name) => !before.has(name));
  const generated = stack ?? (added.length === 1 ? added[0] : undefined);
  if (!generated || !exists(generated)) {
    throw new AtmosUserError('CONFIG_INVALID', `the environment generator ran, but ${stack ? `stack ${stack} is still not defined` : `it added ${added.length} stacks (${added.join(', ') || 'none'})`}`, undefined,
      `run atmos-nx list stacks to see what it made; check stacks.name_pattern (${config.stacks.namePattern ?? 'none'}) against the answers`);
  }
  io.stdout(`✓ stack ${generated} generated\n`);
  return backendChecks(resolved, generated, io);
}

async function backendChecks(resolved: ResolvedStacks, stack: string, io: CliIo): Promise<number> {
  const [{ checkBackend }, { AwsClients }] = await Promise.all([import('../onboarding/prerequisites'), import('../aws/clients')]);
  const clients = new AwsClients({ env: io.env });
  try {
    for (const check of await checkBackend(resolved, stack, clients)) io.stdout(`✓ ${check.ok}\n`);
  } finally {
    clients.destroy();
  }
  return 0;
}

function tenantsOf(resolved: ResolvedStacks): string[] {
  const tenants = resolved.instances.map((i) => (i.sections.vars as Record<string, unknown>).tenant).filter((t): t is string => typeof t === 'string');
  return [...new Set(tenants)].sort();
}
