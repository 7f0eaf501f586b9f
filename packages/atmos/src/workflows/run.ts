/**
 * Runs a workflow: its steps in the order listed, from `--from-step` on, each to completion
 * before the next. A failing step stops the workflow and says which step, which command, and
 * the exact command that resumes from it. `--dry-run` prints what would run and runs nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError } from '../errors/user-error';
import { pluginOptions } from '../graph';
import { normaliseOptions } from '../nx/options';
import { graphModel } from '../nx/plugin';
import { findWorkflow, type Workflow, type WorkflowStep } from './manifest';
import { dependencyLayers, stepAction, type InstanceGraph, type StepAction } from './steps';

export interface WorkflowRunOptions {
  /** Where the command runs; the workspace is the folder of atmos.yaml found from here. */
  cwd: string;
  name: string;
  file?: string;
  /** `-s`: overrides the workflow's and the steps' stack (Atmos's precedence). */
  stack?: string;
  fromStep?: string;
  dryRun?: boolean;
  /** `--confirm=<stack>`: required by steps that destroy a whole stack. */
  confirm?: string;
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the workflow; the exit status (0, or the failing step's). */
export async function runWorkflow(options: WorkflowRunOptions): Promise<number> {
  const config = loadAtmosConfig({ cwd: options.cwd, env: options.env });
  if (!config.configFile) throw new AtmosUserError('CONFIG_INVALID', `no atmos.yaml in ${options.cwd} or any folder above it`, undefined, 'run the workflow inside the workspace');
  const root = config.basePath;
  const basePath = config.workflows.basePath;
  if (!basePath || !existsSync(basePath)) {
    throw new AtmosUserError('CONFIG_INVALID', `the workflows folder ${basePath || '(workflows.base_path is not set)'} does not exist`, { file: config.configFile },
      'set workflows.base_path in atmos.yaml (e.g. stacks/workflows) and put the workflow manifests there');
  }
  const workflow = findWorkflow(basePath, options.name, options.file);
  const start = options.fromStep === undefined ? 0 : workflow.steps.findIndex((s) => s.name === options.fromStep);
  if (start < 0) {
    throw new AtmosUserError('USAGE', `workflow "${workflow.name}" has no step "${options.fromStep}"`, { file: workflow.file },
      `its steps: ${workflow.steps.map((s) => s.name).join(', ')}`);
  }
  const rawPluginOptions = pluginOptions(root);
  const targetPrefix = normaliseOptions(rawPluginOptions).targetPrefix;
  const say = (line: string) => options.stderr(line + '\n');
  say(`workflow ${workflow.name} (${workflow.fileName})${options.dryRun ? ' — dry run, nothing is executed' : ''}`);
  for (let index = start; index < workflow.steps.length; index++) {
    const step = workflow.steps[index];
    // Atmos: the command line's -s over the step's `stack` over the workflow's `stack` (over the command's own -s).
    const stack = options.stack ?? step.stack ?? workflow.stack;
    // The graph is read for each step: an earlier step may have generated the stack's files.
    const model: InstanceGraph = step.type === 'atmos' ? graphModel(root, rawPluginOptions) : { projects: [], edges: [] };
    const action = stepAction(step, { model, targetPrefix, stack, dryRun: options.dryRun });
    say(`\n▶ step ${index + 1}/${workflow.steps.length} ${step.name}${step.type === 'shell' ? ' (shell)' : `: ${describeStep(step, stack)}`}`);
    const exitCode = await runAction(action, { step, stack, model, root, workflow, options, say });
    if (exitCode !== 0) {
      say(`\n✗ workflow ${workflow.name} failed at step "${step.name}" (exit ${exitCode})`);
      say(`  the command that failed: ${describeStep(step, stack)}`);
      say(`  to resume from this step: ${resumeCommand(workflow, step, options)}`);
      return exitCode;
    }
  }
  say(`\n✓ workflow ${workflow.name}: ${workflow.steps.length - start} step${workflow.steps.length - start === 1 ? '' : 's'} ${options.dryRun ? 'would run' : 'done'}`);
  return 0;
}

function describeStep(step: WorkflowStep, stack: string | undefined): string {
  return step.type === 'shell' ? step.command : `atmos ${step.command}${stack ? ` -s ${stack}` : ''}`;
}

/** The command that resumes from a step, in the shape the user ran the workflow (CLI or Nx target). */
export function resumeCommand(workflow: Workflow, step: WorkflowStep, options: Pick<WorkflowRunOptions, 'stack' | 'confirm' | 'file' | 'env'>): string {
  const q = shellQuote;
  if (options.env.NX_TASK_TARGET_PROJECT === 'atmos') {
    return ['nx run atmos:workflow', `--name=${q(workflow.name)}`, ...(options.file ? [`--file=${q(workflow.fileName)}`] : []),
      `--from-step=${q(step.name)}`, ...(options.stack ? [`--stack=${q(options.stack)}`] : []), ...(options.confirm ? [`--confirm=${q(options.confirm)}`] : [])].join(' ');
  }
  return ['npx atmos-nx workflow', q(workflow.name), '-f', q(workflow.fileName), '--from-step', q(step.name),
    ...(options.stack ? ['-s', q(options.stack)] : []), ...(options.confirm ? [`--confirm=${q(options.confirm)}`] : [])].join(' ');
}

interface RunContext {
  step: WorkflowStep;
  stack?: string;
  model: InstanceGraph;
  root: string;
  workflow: Workflow;
  options: WorkflowRunOptions;
  say(line: string): void;
}

async function runAction(action: StepAction, context: RunContext): Promise<number> {
  const { options, say } = context;
  const env = stepEnv(context);
  const execute = (command: string, args: string[], display: string, shell = false): Promise<number> => {
    say(`  $ ${display}`);
    if (options.dryRun) return Promise.resolve(0);
    return spawnStep(command, args, { cwd: context.root, env, shell });
  };
  switch (action.kind) {
    case 'shell':
      return execute('sh', ['-c', action.command], action.command, true);
    case 'cli':
      return execute(process.execPath, [cliBin(), ...action.args], `atmos-nx ${action.args.map(shellQuote).join(' ')}`);
    case 'nx':
      return execute(process.execPath, [nxBin(context.root), ...action.args], `nx ${action.args.map(shellQuote).join(' ')}`);
    case 'stack': {
      printLayers(action.projects, context, 'in dependency order; Nx runs independent instances in parallel');
      // ONE task graph: the order comes from the inferred dependencies (^apply), not from this list.
      const args = ['run-many', '-t', action.target, '-p', `tag:stack:${action.stack}`, ...action.args];
      return execute(process.execPath, [nxBin(context.root), ...args], `nx ${args.map(shellQuote).join(' ')}`);
    }
    case 'stack-destroy': {
      if (options.confirm !== action.stack) {
        const message = `step "${context.step.name}" destroys every instance of stack ${action.stack} (${action.projects.length}): confirm with --confirm=${action.stack}`;
        if (!options.dryRun) {
          throw new AtmosUserError('USAGE', message + (options.confirm ? ` (got --confirm=${options.confirm})` : ''), undefined,
            `nothing was destroyed; run: npx atmos-nx workflow ${context.workflow.name} -s ${action.stack} --confirm=${action.stack}`);
        }
        say(`  note: ${message}`);
      }
      // Nx cannot order destroys in reverse: dependents go first, layer by layer.
      const layers = printLayers(action.projects, context, 'destroyed last layer first');
      for (const layer of [...layers].reverse()) {
        const args = ['run-many', '-t', action.target, '-p', layer.map((p) => p.name).join(','), ...action.args];
        const code = await execute(process.execPath, [nxBin(context.root), ...args], `nx ${args.map(shellQuote).join(' ')}`);
        if (code !== 0) return code;
      }
      return 0;
    }
  }
}

function printLayers(projects: RunContext['model']['projects'], context: RunContext, how: string) {
  const layers = dependencyLayers(projects, context.model);
  context.say(`  ${projects.length} instance${projects.length === 1 ? '' : 's'} of stack ${context.stack} in ${layers.length} layer${layers.length === 1 ? '' : 's'} (${how}):`);
  layers.forEach((layer, i) => {
    const named = layer.map((p) => (p.layer ? `${p.name} [${p.layer}]` : p.name)).join(', ');
    context.say(`    layer ${i + 1}: ${named}`);
  });
  return layers;
}

/** The environment of a step: ours, then the workflow's `env`, then the step's (later wins, as in Atmos). */
function stepEnv(context: RunContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(context.options.env)) {
    // A workflow run by `nx run atmos:workflow` starts Nx again: the outer task's identity is not the inner tasks'.
    if (value !== undefined && !key.startsWith('NX_TASK_')) env[key] = value;
  }
  Object.assign(env, context.workflow.env, context.step.env);
  // An extension (Atmos has none): shell steps learn the stack the workflow runs against.
  if (context.stack) env.ATMOS_WORKFLOW_STACK = context.stack;
  return env;
}

function spawnStep(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; shell: boolean }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: 'inherit' });
    // Ctrl-C reaches the step's processes too (same terminal process group): let terraform
    // release its lock and the step end by itself, then stop the workflow with its exit status.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    child.on('error', () => finish(127));
    child.on('exit', (code, signal) => finish(code ?? (signal === 'SIGINT' ? 130 : 1)));
    let done = false;
    function finish(code: number) {
      if (done) return;
      done = true;
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      resolve(code);
    }
  });
}

function nxBin(root: string): string {
  try {
    const manifest = require.resolve('nx/package.json', { paths: [root] });
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { nx: string } }).bin.nx;
    return join(dirname(manifest), bin);
  } catch {
    throw new AtmosUserError('CONFIG_INVALID', `nx is not installed in ${root}`, undefined, 'npm install -D nx');
  }
}

function cliBin(): string {
  return join(__dirname, '..', '..', 'bin', 'atmos-nx.js');
}

export function shellQuote(value: string): string {
  return /^[\w./@:=,+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
