/**
 * The targets of an instance project and of the workspace project `atmos`. Every instance
 * target reads the project's `atmos` named input (its exact configuration files), so
 * `nx affected -t plan` selects exactly the instances whose own configuration changed.
 * Only `describe` is cacheable: everything else depends on state, outputs or SSM values that
 * are not inputs.
 */
import type { TargetConfiguration } from '@nx/devkit';
import { WORKSPACE_PROJECT, type InstanceProject } from './graph-model';
import type { NormalisedPluginOptions } from './options';

export const CONFIG_INPUT = 'atmos';

/** Instance targets run by our executors, with what `nx show project` says about them. */
const TERRAFORM_TARGETS: Array<{ name: string; executor: string; description: string; dependsOn?: string[] }> = [
  { name: 'init', executor: 'init', description: 'terraform init in the staged workdir' },
  { name: 'plan', executor: 'plan', description: 'Plan (init and workspace selection when needed); apply uses this reviewed plan' },
  // Dependencies are applied first, each under its own safety rule; --auto-approve is never passed on.
  { name: 'apply', executor: 'apply', description: 'Apply the reviewed plan (refused without one unless --auto-approve)', dependsOn: ['^apply'] },
  { name: 'deploy', executor: 'deploy', description: 'Plan and apply in one go' },
  { name: 'destroy', executor: 'destroy', description: 'Destroy (needs --auto-approve; refused while dependents have resources)' },
  { name: 'output', executor: 'output', description: 'terraform output' },
  { name: 'validate', executor: 'validate', description: 'terraform validate' },
  { name: 'drift', executor: 'drift', description: 'Detect drift: record in-sync / drifted / changed / error under .atmos/results/drift/ (exit 0 unless --failOnDrift); nx run atmos:drift-report summarises' },
  { name: 'generate', executor: 'generate', description: 'Write the varfile and backend.tf.json only' },
  { name: 'clean', executor: 'clean', description: 'Remove the staged workdir (never state)' },
  { name: 'terraform', executor: 'terraform', description: 'Any terraform subcommand: nx run <project>:terraform -- state list' },
];

export function instanceTargets(project: InstanceProject, options: NormalisedPluginOptions): Record<string, TargetConfiguration> {
  const { component, stack } = project;
  const target = (name: string) => options.targetPrefix + name;
  const configInputs = [CONFIG_INPUT, ...(project.sharedInput ? [{ input: project.sharedInput, projects: WORKSPACE_PROJECT }] : [])];
  const terraformTargets: Record<string, TargetConfiguration> = {};
  for (const definition of TERRAFORM_TARGETS) {
    terraformTargets[target(definition.name)] = {
      executor: `@org/atmos:${definition.executor}`,
      cache: false,
      inputs: configInputs,
      options: { component, stack, manifest: project.manifest },
      ...(definition.dependsOn ? { dependsOn: definition.dependsOn.map((d) => d.replace('^', '^' + options.targetPrefix)) } : {}),
      metadata: { technologies: ['terraform'], description: definition.description },
    };
  }
  return {
    ...terraformTargets,
    // Static contract check (src/validation): no terraform, no state. Not cached: it also reads the
    // outputs.tf of referenced components and the settings.validation schemas, which are not inputs.
    [target('validate-config')]: {
      executor: 'nx:run-commands',
      cache: false,
      inputs: [CONFIG_INPUT],
      options: { command: `atmos-nx validate component ${quote(component)} -s ${quote(stack)}`, cwd: '{workspaceRoot}' },
      metadata: {
        technologies: ['atmos'],
        description: `Check ${component} in ${stack} against its Terraform component: declared and required variables, types, output references, settings.validation schemas`,
      },
    },
    [target('describe')]: {
      executor: 'nx:run-commands',
      cache: true,
      inputs: [...configInputs, { env: 'ATMOS_BASE_PATH' }, { env: 'ATMOS_CLI_CONFIG_PATH' }],
      // Cacheable because it shows the configuration as written in manifests: functions read
      // state and SSM, which are not inputs (run `atmos-nx describe component` for values).
      // The `atmos` input leaves out changed files that do not change this instance (that is
      // what keeps `nx affected` precise), but the output also names the files values come
      // from: the digest of every configuration file of the stack keys the cache (Nx hashes
      // target options; the command ignores the variable).
      options: {
        command: `atmos-nx describe component ${quote(component)} -s ${quote(stack)} --process-functions=false`,
        cwd: '{workspaceRoot}',
        env: { ATMOS_NX_CONFIG_DIGEST: project.digest },
      },
      metadata: {
        technologies: ['atmos'],
        description: `Show the fully merged configuration of ${component} in ${stack}`,
        help: { command: 'npx atmos-nx describe component --help', example: { options: { args: ['--format=json'] } } },
      },
    },
  };
}

export function workspaceTargets(): Record<string, TargetConfiguration> {
  const command = (description: string, cmd: string): TargetConfiguration => ({
    executor: 'nx:run-commands',
    // The project's root, .atmos/, is git-ignored, so Nx knows no files of it: the default
    // inputs ({projectRoot}/**) made every `nx run atmos:<target>` fail with "project atmos not
    // found" while hashing. These targets are not cached; their hash needs no files.
    inputs: [{ env: 'ATMOS_CLI_CONFIG_PATH' }, { env: 'ATMOS_BASE_PATH' }],
    options: { command: cmd, cwd: '{workspaceRoot}' },
    metadata: { technologies: ['atmos'], description },
  });
  return {
    'describe-stacks': command('Show every stack with its merged component configuration', 'atmos-nx describe stacks'),
    'validate-stacks': command('Validate every stack manifest', 'atmos-nx validate stacks'),
    'describe-affected': command('Instances whose resolved configuration differs from a base ref (Atmos semantics): pass --base=<ref>', 'atmos-nx describe affected --format json'),
    // Atmos workflows (src/workflows): nx run atmos:workflow --name=onboard-environment --stack=dev-usw2 [--from-step=S] [--dry-run]
    workflow: command('Run an Atmos workflow from workflows.base_path: --name=<workflow> --stack=<stack> [--file=F] [--from-step=S] [--dry-run] [--confirm=<stack>]', 'atmos-nx workflow'),
    'drift-report': command('Drift report of every instance\'s latest drift result: .atmos/drift/report.md and report.json; exits 1 when anything drifted or failed (--fail-on=drifted,changed,error|none)', 'atmos-nx drift-report'),
    graph: command('Write the dependency graph as Mermaid, Markdown, DOT and JSON into .atmos/graph/ (narrow it with --stack=, --environment=, --projects= (not -p: Nx reads that), --group-by=)', 'atmos-nx describe graph --output-dir .atmos/graph'),
  };
}

function quote(value: string): string {
  return /^[\w./@:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
