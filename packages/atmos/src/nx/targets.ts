/**
 * The targets of an instance project and of the workspace project `atmos`. The targets CI runs
 * as `nx affected -t <target>` for exactly the changed instances read the project's `default`
 * named input and its stack's shared named input on the workspace project, so
 * `nx affected -t plan` selects exactly the instances whose own configuration changed (see
 * precise-inputs.ts). Only `describe` is cacheable: everything else depends on state, outputs
 * or SSM values that are not inputs.
 *
 * Nx pays for every byte of every project at 10,000 instances: the daemon sends the whole graph
 * and its source maps (one entry per key, per list item) to every `nx` command, which parses
 * them before its task starts. So a target carries only what differs from what Nx does anyway:
 * no `cache: false` (Nx's default; nx.json targetDefaults override a plugin's values either
 * way), the shared stack input only where `nx affected` must be exact. The instance comes
 * from the project's tags and `metadata.atmos` (executors/project-instance.ts), descriptions
 * from executors.json.
 */
import type { TargetConfiguration } from '@nx/devkit';
import { WORKSPACE_PROJECT, type InstanceProject } from './graph-model';
import type { NormalisedPluginOptions } from './options';

/**
 * The project's own inputs (component folder, local modules, the changed configuration files that
 * changed it, the environment it read). Named `default`, as Nx's own per-project input.
 */
export const CONFIG_INPUT = 'default';

/** Environment variables that choose the Atmos configuration: in every instance's `default` input. */
export const CONFIG_ENV_INPUTS = [{ env: 'ATMOS_BASE_PATH' }, { env: 'ATMOS_CLI_CONFIG_PATH' }];

/**
 * Instance targets run by our executors (executors.json describes each). `affected`: a target CI
 * runs as `nx affected -t <target>` and wants exactly the changed instances (plan, apply, deploy,
 * destroy, validate); it lists the instance's own input and its stack's unchanged configuration
 * files (the shared input): an explicit `--base` the plugin cannot see then selects a superset,
 * never fewer instances. The others list only the instance's own input. Not Nx's default inputs
 * (no `inputs` at all), though that would be two source-map entries fewer each: with them
 * (`default`, `^default`) Nx's native hasher fails with "project <this project> not found" (seen
 * for vpc-dev-use1 and eks-dev-use1 at the repository root), as a virtual root under .atmos/
 * holds no file Nx knows.
 */
const OWN_INPUTS = [CONFIG_INPUT];

const TERRAFORM_TARGETS: Array<{ name: string; executor: string; affected?: true; dependsOn?: string[] }> = [
  { name: 'init', executor: 'init' },
  { name: 'plan', executor: 'plan', affected: true },
  // Dependencies are applied first, each under its own safety rule; --auto-approve is never passed on.
  { name: 'apply', executor: 'apply', affected: true, dependsOn: ['^apply'] },
  { name: 'deploy', executor: 'deploy', affected: true },
  { name: 'destroy', executor: 'destroy', affected: true },
  { name: 'output', executor: 'output' },
  { name: 'validate', executor: 'validate', affected: true },
  { name: 'drift', executor: 'drift' },
  { name: 'generate', executor: 'generate' },
  { name: 'clean', executor: 'clean' },
  { name: 'terraform', executor: 'terraform' },
  // State management (src/state): import an existing object; copy the state to a backup now.
  { name: 'import', executor: 'import' },
  { name: 'state-backup', executor: 'state-backup' },
];

export function instanceTargets(project: InstanceProject, options: NormalisedPluginOptions): Record<string, TargetConfiguration> {
  const target = (name: string) => options.targetPrefix + name;
  const configInputs = [CONFIG_INPUT, ...(project.sharedInput ? [{ input: project.sharedInput, projects: WORKSPACE_PROJECT }] : [])];
  const terraformTargets: Record<string, TargetConfiguration> = {};
  for (const definition of TERRAFORM_TARGETS) {
    terraformTargets[target(definition.name)] = {
      executor: `@org/atmos:${definition.executor}`,
      inputs: definition.affected ? configInputs : OWN_INPUTS,
      ...(definition.dependsOn ? { dependsOn: definition.dependsOn.map((d) => d.replace('^', '^' + options.targetPrefix)) } : {}),
    };
  }
  return {
    ...terraformTargets,
    // Static contract check (src/validation): no terraform, no state. Not cached: it also reads the
    // settings.validation schemas and the outputs.tf of the components it references, which are
    // not inputs.
    [target('validate-config')]: {
      executor: '@org/atmos:validate-config',
      inputs: OWN_INPUTS,
    },
    [target('describe')]: {
      // nx:run-commands, not our @org/atmos:describe executor: Nx runs a run-commands task in
      // its own process, while any other executor gets a forked Node process that loads Nx and
      // reads the whole cached project graph (55 MB at 10,000 instances) before the task's own
      // process starts: ~1 s of every `nx run <instance>:describe`, daemon or not.
      executor: 'nx:run-commands',
      cache: true,
      inputs: OWN_INPUTS,
      // Cacheable because it shows the configuration as written in manifests: functions read
      // state and SSM, which are not inputs (run `atmos-nx describe component` for values).
      // The `default` input leaves out changed files that do not change this instance (that is
      // what keeps `nx affected` precise), but the output also names the files values come
      // from: the digest of every configuration file of the stack keys the cache (Nx hashes
      // target options; the command does not read ATMOS_NX_CONFIG_DIGEST). The words typed
      // after the target (`-- --format=json`) are appended by run-commands.
      options: {
        command: `atmos-nx describe component ${quote(project.component)} -s ${quote(project.stack)} --process-functions=false`,
        env: { ATMOS_NX_CONFIG_DIGEST: project.digest },
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
    inputs: [...CONFIG_ENV_INPUTS],
    options: { command: cmd, cwd: '{workspaceRoot}' },
    metadata: { technologies: ['atmos'], description },
  });
  return {
    'describe-stacks': command('Show every stack with its merged component configuration', 'atmos-nx describe stacks'),
    'validate-stacks': command('Validate every stack manifest', 'atmos-nx validate stacks'),
    'describe-affected': command('Instances whose resolved configuration differs from a base ref (Atmos semantics): pass --base=<ref>', 'atmos-nx describe affected --format json'),
    // Atmos workflows (src/workflows): nx run atmos:workflow --name=onboard-environment --stack=dev-usw2 [--from-step=S] [--dry-run]
    workflow: command('Run an Atmos workflow from workflows.base_path: --name=<workflow> --stack=<stack> [--file=F] [--from-step=S] [--dry-run] [--confirm=<stack>]', 'atmos-nx workflow'),
    // Backend bootstrap (src/backend): nx run atmos:bootstrap-backend --stack=shared-use1 [--dry-run]
    'bootstrap-backend': command('Create the stack\'s S3 state backend (KMS key, bucket, lock table) when it does not exist; an existing one is used as it is: --stack=<stack> [--component=C] [--dry-run]', 'atmos-nx bootstrap backend'),
    'drift-report': command('Drift report of every instance\'s latest drift result: .atmos/drift/report.md and report.json; exits 1 when anything drifted or failed (--fail-on=drifted,changed,error|none)', 'atmos-nx drift-report'),
    // Stored plans (src/planfiles): every plan's summary in one document; $GITHUB_STEP_SUMMARY gets it too when set.
    'plan-summary': { ...command('Gather every plan\'s summary (instance, adds/changes/destroys, resource addresses and actions) into .atmos/plans/summary.md for a pull-request comment or CI job summary ($GITHUB_STEP_SUMMARY when set); --projects=a,b narrows it', 'atmos-nx plan-summary'),
      inputs: [...CONFIG_ENV_INPUTS, { env: 'GITHUB_STEP_SUMMARY' }] },
    // Removed instances (src/state): state present, no configuration.
    orphans: command('Removed instances that still have resources in their state (from the backend\'s keys and describe affected\'s deleted entries): --base=<ref>, --format=json', 'atmos-nx orphans'),
    'destroy-orphan': command('Destroy a removed instance with the configuration of the last commit that had it: --instance=<component>/<stack> --confirm=<component>/<stack>', 'atmos-nx destroy-orphan'),
    graph: command('Write the dependency graph as Mermaid, Markdown, DOT and JSON into .atmos/graph/ (narrow it with --stack=, --environment=, --projects= (not -p: Nx reads that), --group-by=)', 'atmos-nx describe graph --output-dir .atmos/graph'),
  };
}

/** A word for the shell run-commands starts (component and stack names are usually plain). */
function quote(value: string): string {
  return /^[\w./@:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
