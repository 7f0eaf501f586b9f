/**
 * What the user's terraform arguments may do to a command, checked before anything runs. The
 * dedicated targets carry the safety rules (apply takes a reviewed plan, destroy checks the
 * instance's dependents, both need an explicit approval), so no argument may route around them:
 * the passthrough refuses `apply` and `destroy` and prints the target's command instead, and
 * `-destroy` is refused where it would turn a plan or an apply into a destroy. Terraform's own
 * spelling of the approval (`-auto-approve`) counts as the target's `--autoApprove`.
 */
import { AtmosUserError } from '../errors/user-error';

export type InstanceCommand = 'init' | 'plan' | 'drift' | 'apply' | 'deploy' | 'destroy' | 'output' | 'validate' | 'generate' | 'clean' | 'terraform' | 'import';

/** Another command of the same instance (or of `of`), for a hint. */
export interface CommandSpec {
  command: InstanceCommand;
  autoApprove?: boolean;
  migrateState?: boolean;
  lockTimeout?: string;
  /** Terraform's arguments (for `terraform`: the subcommand and its arguments). */
  terraform?: string[];
  /** Another instance than the one running (a dependent, for destroy). */
  of?: { project: string; component: string; stack: string };
}

/** Spells a command the way this user runs them: `nx run <project>:<target> ...` or `atmos-nx terraform ...`. */
export type CommandLine = (spec: CommandSpec) => string;

/** Nx drops a target's options written before `--` when `--` is there: with terraform arguments they go after it. */
export function nxCommandLine(project: string, targetPrefix = ''): CommandLine {
  return ({ command, terraform = [], of, ...flags }) => {
    const own = ownFlags(flags, (name) => name);
    const words = terraform.length > 0 ? ['--', ...own, ...terraform] : own;
    return ['nx', 'run', `${of?.project ?? project}:${targetPrefix}${command}`, ...words].map(shellWord).join(' ');
  };
}

/** `atmos-nx terraform <subcommand> <component> -s <stack> [flags] [-- terraform arguments]`. */
export function cliCommandLine(component: string, stack: string): CommandLine {
  return ({ command, terraform = [], of, ...flags }) => {
    const subcommand = command === 'terraform' ? terraform.slice(0, 1) : [command];
    const rest = command === 'terraform' ? terraform.slice(1) : terraform;
    const own = ownFlags(flags, (name) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`));
    return ['atmos-nx', 'terraform', ...subcommand, of?.component ?? component, '-s', of?.stack ?? stack, ...own, ...(rest.length > 0 ? ['--', ...rest] : [])]
      .map(shellWord).join(' ');
  };
}

function ownFlags(flags: Pick<CommandSpec, 'autoApprove' | 'migrateState' | 'lockTimeout'>, spell: (name: string) => string): string[] {
  const words: string[] = [];
  if (flags.autoApprove) words.push(`--${spell('autoApprove')}`);
  if (flags.migrateState) words.push(`--${spell('migrateState')}`);
  if (flags.lockTimeout) words.push(`--${spell('lockTimeout')}=${flags.lockTimeout}`);
  return words;
}

function shellWord(word: string): string {
  return /^[\w./@:=,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const APPROVAL = /^--?auto-approve(=(true|false))?$/;
const DESTROY = /^--?destroy(=true)?$/;

export interface CheckedArguments {
  args: string[];
  autoApprove: boolean;
}

/** The arguments a command runs with, or a refusal that names the command to run instead. */
export function checkArguments(command: InstanceCommand, args: string[], autoApprove: boolean, commandLine: CommandLine): CheckedArguments {
  if (command === 'clean' || command === 'generate') {
    if (args.length > 0) {
      throw new AtmosUserError('USAGE', `${command} runs no terraform command and takes no terraform arguments (got ${args.join(' ')})`, undefined,
        `run ${commandLine({ command })}`);
    }
    return { args, autoApprove };
  }
  if (command === 'terraform') return checkPassthrough(args, autoApprove, commandLine);
  let approved = autoApprove;
  const kept: string[] = [];
  for (const arg of args) {
    const approval = APPROVAL.exec(arg);
    if (approval && (command === 'apply' || command === 'deploy' || command === 'destroy')) {
      approved ||= approval[2] !== 'false';
      continue;
    }
    if (DESTROY.test(arg) && (command === 'plan' || command === 'apply' || command === 'deploy')) {
      throw new AtmosUserError('USAGE', `${arg} is refused for ${command}: a destroy goes through the destroy target, which checks that nothing still depends on the instance`,
        undefined, `run ${commandLine({ command: 'destroy', autoApprove: true })}`);
    }
    kept.push(arg);
  }
  return { args: kept, autoApprove: approved };
}

function checkPassthrough(args: string[], autoApprove: boolean, commandLine: CommandLine): CheckedArguments {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) {
    throw new AtmosUserError('USAGE', 'the terraform target needs a subcommand', undefined, `e.g. ${commandLine({ command: 'terraform', terraform: ['state', 'list'] })}`);
  }
  if (subcommand.startsWith('-')) {
    // Global options (-chdir, ...) would move terraform out of the instance's workdir.
    throw new AtmosUserError('USAGE', `terraform options before the subcommand are not passed on (got ${subcommand}): the executor runs terraform in the instance's workdir`,
      undefined, `put the subcommand first, e.g. ${commandLine({ command: 'terraform', terraform: ['state', 'list'] })}`);
  }
  if (subcommand === 'apply' || subcommand === 'destroy') {
    const target = rest.some((arg) => DESTROY.test(arg)) ? 'destroy' : subcommand;
    const approved = autoApprove || rest.some((arg) => APPROVAL.test(arg) && !arg.endsWith('=false'));
    const terraform = rest.filter((arg) => !APPROVAL.test(arg) && !DESTROY.test(arg));
    const reason = target === 'destroy'
      ? 'the destroy target checks that nothing still depends on the instance and that it is not locked'
      : 'the apply target applies the reviewed plan, and refuses without one unless approved';
    throw new AtmosUserError('USAGE', `terraform ${subcommand} is not run through the passthrough: ${reason}`, undefined,
      `run ${commandLine({ command: target, autoApprove: approved, terraform })}`);
  }
  return { args, autoApprove };
}
