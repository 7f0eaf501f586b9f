/**
 * What a workflow step runs. A `shell` step runs its command with `sh -c`. An `atmos` step is
 * Atmos's CLI line (`terraform apply vpc -s dev-usw2`) and becomes the Nx target of that
 * instance (`nx run vpc-dev-usw2:apply`), so dependencies, output and safety rules are those of
 * a direct `nx run`. `terraform <apply|deploy|plan|destroy> --all` (Atmos's multi-component
 * form) works on every instance of the stack: apply/deploy/plan as ONE Nx task graph
 * (`nx run-many -t apply -p tag:stack:<stack>`), destroy in reverse dependency order.
 * Other atmos commands (`describe ...`, `validate ...`, `list ...`, `bootstrap backend`, `onboard ...`) run `atmos-nx`.
 */
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import type { GraphModel, InstanceProject } from '../nx/graph-model';
import type { WorkflowStep } from './manifest';

/** Terraform subcommands that are instance targets of the plugin (same names). */
const TARGET_SUBCOMMANDS = new Set(['init', 'plan', 'apply', 'deploy', 'destroy', 'output', 'validate', 'drift', 'clean']);
const TWO_WORD_SUBCOMMANDS = new Set(['state', 'providers', 'workspace']);
/** Subcommands Atmos accepts with --all. */
const ALL_SUBCOMMANDS = new Set(['plan', 'apply', 'deploy', 'destroy']);
/** Atmos CLI commands this tool has (`atmos-nx <command> ...`), and whether they take -s. */
const CLI_COMMANDS: Record<string, { stack: boolean }> = {
  'describe component': { stack: true },
  'describe stacks': { stack: true },
  'describe affected': { stack: false },
  'describe config': { stack: false },
  'describe graph': { stack: true },
  'list stacks': { stack: false },
  'list components': { stack: true },
  'validate stacks': { stack: false },
  'validate component': { stack: true },
  'bootstrap backend': { stack: true },
  'onboard prerequisites': { stack: true },
  'onboard generate': { stack: true },
};

export type StepAction =
  | { kind: 'shell'; command: string }
  /** `nx run <project>:<target> [flags] [-- terraform args]` */
  | { kind: 'nx'; args: string[] }
  /** Every instance of the stack in one Nx task graph. */
  | { kind: 'stack'; target: string; stack: string; projects: InstanceProject[]; args: string[] }
  /** Every instance of the stack destroyed, dependents before their dependencies. */
  | { kind: 'stack-destroy'; target: string; stack: string; projects: InstanceProject[]; args: string[] }
  | { kind: 'cli'; args: string[] };

/** The part of the plugin's graph model a step needs. */
export type InstanceGraph = Pick<GraphModel, 'projects' | 'edges'>;

export interface StepContext {
  model: InstanceGraph;
  targetPrefix: string;
  /** The stack after Atmos's precedence (CLI -s over the step's over the workflow's). */
  stack?: string;
  /** A dry run: a stack an earlier step would generate may not exist yet. */
  dryRun?: boolean;
}

/** Splits a command the way a POSIX shell splits words (quotes and backslashes; no expansion). */
export function splitWords(command: string, location?: SourceLocation): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new AtmosUserError('INVALID_MANIFEST', `unterminated ' in step command: ${command}`, location, "close the quote");
      word += command.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && j + 1 < command.length) j++;
        word += command[j];
      }
      if (j >= command.length) throw new AtmosUserError('INVALID_MANIFEST', `unterminated " in step command: ${command}`, location, 'close the quote');
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The action of one step; user mistakes name the step's place in the manifest. */
export function stepAction(step: WorkflowStep, context: StepContext): StepAction {
  if (step.type === 'shell') return { kind: 'shell', command: step.command };
  const words = splitWords(step.command, step.location);
  if (words[0] === 'atmos') words.shift();
  if (words[0] === 'terraform') return terraformAction(step, words.slice(1), context);
  const name = `${words[0]} ${words[1] ?? ''}`.trim();
  const cli = CLI_COMMANDS[name];
  if (!cli) {
    throw new AtmosUserError('USAGE', `step "${step.name}": "atmos ${step.command}" is not a command this tool runs`, step.location,
      `atmos steps run terraform <subcommand> <component>, ${Object.keys(CLI_COMMANDS).join(', ')}; use type: shell for anything else`);
  }
  const { stack: commandStack, rest } = takeStack(words.slice(2));
  const stack = context.stack ?? commandStack;
  return { kind: 'cli', args: [...words.slice(0, 2), ...rest, ...(cli.stack && stack ? ['-s', stack] : [])] };
}

function terraformAction(step: WorkflowStep, words: string[], context: StepContext): StepAction {
  const [sub, ...afterSub] = words;
  if (!sub) throw new AtmosUserError('USAGE', `step "${step.name}": "terraform" needs a subcommand`, step.location, 'e.g. terraform plan vpc');
  const { stack: commandStack, rest } = takeStack(afterSub);
  // Atmos: the workflow's and the step's `stack`, and -s on the command line, override the command's own -s.
  const stack = context.stack ?? commandStack;
  if (!stack) {
    throw new AtmosUserError('USAGE', `step "${step.name}": no stack for "terraform ${sub}"`, step.location,
      'give the workflow or the step a `stack:`, or run the workflow with -s <stack>');
  }
  const all = rest.includes('--all');
  const flags = rest.filter((w) => w !== '--all');
  let autoApprove = sub === 'deploy';
  const terraformArgs: string[] = [];
  let component: string | undefined;
  // Two-word subcommands (`terraform state list vpc`): the second word is terraform's, not the component.
  const subWords: string[] = [];
  if (TWO_WORD_SUBCOMMANDS.has(sub) && flags.length > 0 && !flags[0].startsWith('-')) subWords.push(flags.shift()!);
  for (const word of flags) {
    if (word === '-auto-approve' || word === '--auto-approve') autoApprove = true;
    else if (!word.startsWith('-') && component === undefined && !all) component = word;
    else terraformArgs.push(word);
  }
  const target = (name: string) => context.targetPrefix + name;
  // Nx reads the target's own options after `--` when there is one (and drops those before it):
  // ours go first after `--`, then terraform's (src/executors/terraform-args.ts tells them apart).
  const passOn = (own: string[], args: string[]) => (args.length > 0 ? ['--', ...own, ...args] : own);
  if (all) {
    if (!ALL_SUBCOMMANDS.has(sub)) throw new AtmosUserError('USAGE', `step "${step.name}": terraform ${sub} --all is not supported`, step.location, `--all works with ${[...ALL_SUBCOMMANDS].join(', ')}`);
    const projects = context.model.projects.filter((p) => p.stack === stack);
    if (projects.length === 0 && !context.dryRun) throw new AtmosUserError('STACK_NOT_FOUND', `step "${step.name}": stack "${stack}" has no instances`, step.location, 'check the stack name: atmos-nx list stacks');
    const flagsOut = passOn(autoApprove || sub === 'destroy' ? ['--autoApprove'] : [], terraformArgs);
    // deploy = plan and apply with auto-approval; the apply target is the one that orders by dependencies (^apply).
    const targetName = target(sub === 'deploy' ? 'apply' : sub);
    return sub === 'destroy'
      ? { kind: 'stack-destroy', target: targetName, stack, projects, args: flagsOut }
      : { kind: 'stack', target: targetName, stack, projects, args: flagsOut };
  }
  if (!component) throw new AtmosUserError('USAGE', `step "${step.name}": "terraform ${sub}" needs a component (or --all)`, step.location, `e.g. terraform ${sub} vpc`);
  const project = context.model.projects.find((p) => p.component === component && p.stack === stack);
  if (!project) {
    const inStack = context.model.projects.filter((p) => p.stack === stack).map((p) => p.component).sort();
    throw new AtmosUserError('COMPONENT_NOT_FOUND', `step "${step.name}": component "${component}" is not an instance of stack "${stack}"`, step.location,
      inStack.length > 0 ? `stack ${stack} has ${inStack.join(', ')}` : `stack "${stack}" has no instances (atmos-nx list stacks)`);
  }
  if (TARGET_SUBCOMMANDS.has(sub)) {
    const own = autoApprove && (sub === 'apply' || sub === 'destroy' || sub === 'deploy') ? ['--autoApprove'] : [];
    return { kind: 'nx', args: ['run', `${project.name}:${target(sub)}`, ...passOn(own, terraformArgs)] };
  }
  return { kind: 'nx', args: ['run', `${project.name}:${target('terraform')}`, '--', sub, ...subWords, ...terraformArgs] };
}

function takeStack(words: string[]): { stack?: string; rest: string[] } {
  let stack: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const inline = /^(?:-s|--stack)=(.*)$/.exec(word);
    if (inline) stack = inline[1];
    else if ((word === '-s' || word === '--stack') && i + 1 < words.length) stack = words[++i];
    else rest.push(word);
  }
  return { stack, rest };
}

/**
 * The instances in dependency layers: layer 1 depends on nothing in the set, layer n on
 * layers before it. Edges to instances outside the set (another stack) do not count here:
 * Nx applies those as dependencies of the task graph.
 */
export function dependencyLayers(projects: InstanceProject[], model: InstanceGraph): InstanceProject[][] {
  const names = new Set(projects.map((p) => p.name));
  const dependsOn = new Map(projects.map((p) => [p.name, new Set<string>()]));
  for (const edge of model.edges) if (names.has(edge.source) && names.has(edge.target) && edge.source !== edge.target) dependsOn.get(edge.source)!.add(edge.target);
  const layers: InstanceProject[][] = [];
  const placed = new Set<string>();
  let left = [...projects].sort((a, b) => a.name.localeCompare(b.name));
  while (left.length > 0) {
    const layer = left.filter((p) => [...dependsOn.get(p.name)!].every((d) => placed.has(d)));
    // The graph model refuses cycles; this only guards against looping forever.
    if (layer.length === 0) throw new AtmosUserError('USAGE', `dependency cycle among ${left.map((p) => p.name).join(', ')}`);
    for (const p of layer) placed.add(p.name);
    layers.push(layer);
    left = left.filter((p) => !placed.has(p.name));
  }
  return layers;
}
