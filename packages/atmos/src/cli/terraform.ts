/**
 * `atmos-nx terraform <subcommand> <component> -s <stack> [flags] [-- terraform arguments]`: the
 * command Atmos users type (`atmos terraform plan vpc -s dev-use1`), run by the same code as the
 * Nx targets (src/executors/run-instance.ts): the same safety rules, the same output, the same
 * exit. A subcommand with a target (plan, apply, deploy, destroy, ...) runs that target; any
 * other (`state list`, `force-unlock`, `import`, ...) runs the `terraform` passthrough.
 *
 * Terraform's own flags may be written as Atmos users do (`-var=x=1`, `-auto-approve`, one dash)
 * or after `--`; flags with two dashes before `--` are ours, and an unknown one is an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { NxJsonConfiguration } from '@nx/devkit';
import { dirname, join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError } from '../errors/user-error';
import type { InstanceCommand } from '../terraform/arguments';
import type { CliIo } from './main';

export const TERRAFORM_USAGE =
  'atmos-nx terraform <subcommand> <component> -s <stack> [--auto-approve] [--lock-timeout=5m] [--migrate-state] [--verify-plan] [-- terraform arguments]';

/** Subcommands that are targets of an instance (the rest go through the `terraform` passthrough). */
const TARGETS = new Set<InstanceCommand>(['init', 'plan', 'apply', 'deploy', 'destroy', 'output', 'validate', 'drift', 'generate', 'clean']);
/** Terraform subcommands of two words, as Atmos takes them: `atmos terraform state list vpc -s dev`. */
const TWO_WORDS: Record<string, readonly string[]> = {
  state: ['list', 'show', 'mv', 'rm', 'pull', 'push', 'replace-provider', 'identities'],
  workspace: ['list', 'select', 'new', 'delete', 'show'],
  providers: ['lock', 'mirror', 'schema'],
  // Atmos: `generate varfile` / `generate backend`; our generate target writes both.
  generate: ['varfile', 'backend'],
};
const FLAGS = '-s/--stack <stack>, --auto-approve, --lock-timeout=<duration>, --migrate-state, --verify-plan[=false], --help';

interface TerraformCommandLine {
  help: boolean;
  words: string[];
  component?: string;
  stack?: string;
  autoApprove: boolean;
  migrateState: boolean;
  lockTimeout?: string;
  /** Atmos's `--verify-plan` (`=false` turns verification off). */
  verifyPlan?: boolean;
  terraform: string[];
}

export function parseTerraformCommandLine(argv: string[]): TerraformCommandLine {
  const end = argv.indexOf('--');
  const before = end === -1 ? argv : argv.slice(0, end);
  const parsed: TerraformCommandLine = { help: false, words: [], autoApprove: false, migrateState: false, terraform: [] };
  const positionals: string[] = [];
  /** Terraform words written before `--` (Atmos style), in order, with where they stood. */
  const early: Array<{ word: string; afterPositionals: number }> = [];
  for (let i = 0; i < before.length; i++) {
    const word = before[i];
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = before[++i];
      if (next === undefined || next.startsWith('-')) throw usage(`${flag} needs a value`);
      return next;
    };
    if (flag === '-s' || flag === '--stack') parsed.stack = value();
    else if (word.startsWith('-s=')) parsed.stack = word.slice(3);
    else if (flag === '--auto-approve' || flag === '--autoApprove') parsed.autoApprove = inline !== 'false';
    else if (flag === '--migrate-state' || flag === '--migrateState') parsed.migrateState = inline !== 'false';
    else if (flag === '--lock-timeout' || flag === '--lockTimeout') parsed.lockTimeout = value();
    else if (flag === '--verify-plan' || flag === '--verifyPlan') parsed.verifyPlan = inline !== 'false';
    else if (flag === '-h' || flag === '--help') parsed.help = true;
    else if (flag.startsWith('--')) throw usage(`unknown flag ${flag} for "terraform"`, `"terraform" takes ${FLAGS}; terraform's own flags go after --`);
    else if (word.startsWith('-')) early.push({ word, afterPositionals: positionals.length });
    else positionals.push(word);
  }
  const [subcommand, second] = positionals;
  const subcommandWords = subcommand !== undefined && second !== undefined && TWO_WORDS[subcommand]?.includes(second) ? 2 : 1;
  parsed.words = positionals.slice(0, subcommandWords);
  parsed.component = positionals[subcommandWords];
  // Flags and words after the component are terraform's, in the order typed, then everything after `--`.
  const rest = positionals.slice(subcommandWords + 1);
  const ordered: string[] = [];
  let next = 0;
  for (const { word, afterPositionals } of early) {
    const upTo = afterPositionals - (subcommandWords + 1);
    while (next < upTo) ordered.push(rest[next++]);
    ordered.push(word);
  }
  ordered.push(...rest.slice(next));
  parsed.terraform = [...ordered, ...(end === -1 ? [] : argv.slice(end + 1))];
  return parsed;
}

/** The instance command a subcommand runs, and the terraform words it takes. */
export function instanceCommandFor(words: string[], terraform: string[]): { command: InstanceCommand; terraform: string[] } {
  const [first] = words;
  if (first === 'generate') return { command: 'generate', terraform };
  if (words.length === 1 && TARGETS.has(first as InstanceCommand)) return { command: first as InstanceCommand, terraform };
  return { command: 'terraform', terraform: [...words, ...terraform] };
}

export async function terraformCommand(argv: string[], io: CliIo): Promise<number> {
  const line = parseTerraformCommandLine(argv);
  if (line.help || line.words.length === 0) {
    io.stdout(`usage:\n  ${TERRAFORM_USAGE}\n  subcommands with a target: ${[...TARGETS].join(', ')}; any other terraform subcommand runs as is (state list, force-unlock, import, ...)\n`);
    return line.help ? 0 : 1;
  }
  const { component, stack } = line;
  if (!component || !stack) throw usage(`terraform ${line.words.join(' ')} needs a component and -s <stack>`);
  const { command, terraform } = instanceCommandFor(line.words, line.terraform);

  // Loaded here only: the executors bring the AWS SDK and Nx's devkit.
  const [{ runInstance, pluginOptions: optionsIn }, { graphModel }, { cliCommandLine }] = await Promise.all([
    import('../executors/run-instance'), import('../nx/plugin'), import('../terraform/arguments'),
  ]);
  const workspaceRoot = findWorkspaceRoot(io);
  const pluginOptions = optionsIn({ nxJsonConfiguration: readNxJson(workspaceRoot) ?? {} });
  const project = graphModel(workspaceRoot, pluginOptions).projects.find((p) => p.component === component && p.stack === stack);
  const manifest = project?.manifest ?? (await manifestOf(component, stack, io));
  const success = await runInstance(command, { component, stack, manifest, args: terraform, autoApprove: line.autoApprove, migrateState: line.migrateState, lockTimeout: line.lockTimeout, verifyPlan: line.verifyPlan }, {
    workspaceRoot,
    projectName: project?.name,
    pluginOptions,
    commandLine: cliCommandLine(component, stack),
  });
  return success ? 0 : 1;
}

/**
 * An instance that is no project (abstract, disabled): its manifest, so the executor explains
 * why it does not run; one that does not exist is the same error as `describe component`.
 */
async function manifestOf(component: string, stack: string, io: CliIo): Promise<string> {
  const [{ resolveStacks }, { findInstance }] = await Promise.all([import('../stacks/engine'), import('./find-instance')]);
  const resolved = resolveStacks(loadAtmosConfig({ cwd: io.cwd, env: io.env }), { env: io.env });
  return findInstance(resolved, component, stack).manifestFile;
}

/** The Nx workspace (nx.json) the command runs in, else the folder of atmos.yaml. */
function findWorkspaceRoot(io: CliIo): string {
  for (let dir = io.cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) break;
  }
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  return config.basePath;
}

/** nx.json of the workspace, for our plugin's options (project names in hints are the graph's). */
function readNxJson(workspaceRoot: string): NxJsonConfiguration | undefined {
  const file = join(workspaceRoot, 'nx.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as NxJsonConfiguration;
  } catch (error) {
    throw new AtmosUserError('CONFIG_INVALID', `nx.json is not valid JSON: ${(error as Error).message}`, { file });
  }
}

function usage(message: string, hint = `usage: ${TERRAFORM_USAGE}`): AtmosUserError {
  return new AtmosUserError('USAGE', message, undefined, hint);
}
