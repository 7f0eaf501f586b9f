/**
 * `atmos-nx`: look at what the stack engine makes of a workspace.
 *
 *   atmos-nx describe component <component> -s <stack> [--format yaml|json] [--process-templates=false]
 *   atmos-nx describe stacks [--stack S] [--components a,b] [--format yaml|json]
 *   atmos-nx describe affected [--base <git ref or commit>] [--stack S] [--format json|yaml|projects]
 *   atmos-nx describe graph [--format mermaid|markdown|dot|json] [--stack S | --environment E | -p PATTERN] ...
  atmos-nx describe config [--format yaml|json]
 *   atmos-nx list stacks | list components [--stack S]
 *   atmos-nx validate stacks | validate component <component> -s <stack>
 *   atmos-nx terraform <subcommand> <component> -s <stack> [--auto-approve] [-- terraform arguments]   (see terraform.ts)
 *   atmos-nx workflow <name> [-f file] [-s stack] [--from-step S] [--dry-run]   (see workflow.ts)
 *   atmos-nx bootstrap backend -s <stack> [--component C] [--dry-run]   (see bootstrap.ts)
 *   atmos-nx onboard prerequisites|generate -s <stack> ...   (see onboard.ts)
 *
 * An unknown command or flag names the command and lists the valid ones.
 * User mistakes print one clear message (file:line:col, what is wrong, what to do) and exit 1.
 */
import { basename, dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { setAwsVerbose } from '../aws/verbose';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError, isUserError, throwCollected } from '../errors/user-error';
import { validateGraph } from '../nx/graph-model';
import { normaliseOptions } from '../nx/options';
import { describeInstance, describeStacks } from '../stacks/describe';
import { resolveStacks, type ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { isPlainMap, type PlainMap } from '../stacks/values';
import { sensitiveVariables } from '../terraform/sensitive-variables';
import { maskBackendSecrets } from './mask-backend';
import { componentLookupInstances, describedInstances, findInstance, stackNotFound } from './find-instance';
import { withFunctionsEvaluated } from './describe-stacks-functions';
import { formatOutput, toPlain } from './output';
import { writeJson } from './stream-json';
import { TERRAFORM_USAGE, terraformCommand } from './terraform';
import { WORKFLOW_USAGE, workflowCommand } from './workflow';
import { DRIFT_REPORT_USAGE, driftReportCommand } from './drift-report';
import { BOOTSTRAP_USAGE, bootstrapCommand } from './bootstrap';
import { PLAN_SUMMARY_USAGE, planSummaryCommand } from './plan-summary';
import { DESTROY_ORPHAN_USAGE, ORPHANS_USAGE, destroyOrphanCommand, orphansCommand } from './orphans';
import { ONBOARD_USAGE, onboardCommand } from './onboard';
import { DESCRIBE_AFFECTED_USAGE, describeAffectedCommand } from './describe-affected';

/** Every command, the flags it takes and its usage line: an unknown command or flag is checked against these. */
const COMMANDS: Record<string, { flags: readonly FlagName[]; arguments: number; usage: string; refused?: Record<string, string> }> = {
  'describe component': {
    flags: ['stack', 'format', 'process-templates', 'process-functions', 'show-secrets', 'verbose'],
    arguments: 1,
    usage: 'atmos-nx describe component <component> -s <stack> [--format yaml|json] [--process-templates=false] [--process-functions=false] [--show-secrets] [--verbose]',
  },
  'describe stacks': {
    flags: ['stack', 'components', 'format', 'process-templates', 'process-functions', 'show-secrets', 'verbose'],
    arguments: 0,
    usage: 'atmos-nx describe stacks [--stack <stack>] [--components a,b] [--format yaml|json] [--process-templates=false] [--process-functions=true|false] [--show-secrets] [--verbose]\n' +
      '      (by default only the local YAML functions are evaluated: !env, !include, !template, !literal, !repo-root, !version;\n' +
      '       --process-functions=true also reads state and stores, --process-functions=false evaluates none)',
  },
  'describe affected': {
    flags: ['base', 'ref', 'sha', 'repo-path', 'clone-target-ref', 'ssh-key', 'ssh-key-password', 'stack', 'format', 'file', 'output-file', 'include-settings', 'include-dependents',
      'exclude-locked', 'process-templates', 'process-functions', 'skip', 'verbose'],
    refused: {
      upload: 'atmos-nx does not upload to Atmos Pro: write the result with --file and send it yourself',
      'include-spacelift-admin-stacks': 'Spacelift admin stacks are not modelled by atmos-nx',
      query: 'atmos-nx has no yq expressions: pipe the JSON to jq instead',
    },
    arguments: 0,
    usage: DESCRIBE_AFFECTED_USAGE,
  },
  'describe config': { flags: ['format'], arguments: 0, usage: 'atmos-nx describe config [--format yaml|json]' },
  'describe graph': {
    flags: ['format', 'stack', 'environment', 'projects', 'group-by', 'max-nodes', 'output-dir'],
    arguments: 0,
    usage: 'atmos-nx describe graph [--format mermaid|markdown|dot|json] [--stack <stack>] [--environment <env>] [-p <pattern>,...]\n' +
      '                          [--group-by stack|account|environment] [--max-nodes N] [--output-dir <dir>]',
  },
  'list stacks': { flags: [], arguments: 0, usage: 'atmos-nx list stacks' },
  'list components': { flags: ['stack'], arguments: 0, usage: 'atmos-nx list components [--stack <stack>]' },
  'validate stacks': { flags: [], arguments: 0, usage: 'atmos-nx validate stacks' },
  'validate component': {
    flags: ['stack', 'schema-path', 'schema-type'],
    arguments: 1,
    usage: 'atmos-nx validate component <component> -s <stack> [--schema-path <file> --schema-type jsonschema]',
  },
};

/** describe stacks: <stack> -> components -> terraform -> <component>: one JSON.stringify per instance. */
const DESCRIBE_STACKS_JSON_DEPTH = 4;

const USAGE = `usage:\n${[...Object.values(COMMANDS).map((c) => c.usage), TERRAFORM_USAGE, WORKFLOW_USAGE, DRIFT_REPORT_USAGE, BOOTSTRAP_USAGE, PLAN_SUMMARY_USAGE, ORPHANS_USAGE, DESTROY_ORPHAN_USAGE, ONBOARD_USAGE].map((line) => `  ${line}`).join('\n')}`;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

/**
 * The AWS SDK (SSM, S3 state) and git (affected) are loaded by the commands that use them: most
 * of the CLI's start-up time otherwise, for `list` and `describe config` too.
 */
let stateModule: typeof import('../terraform/state') | undefined;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (isUserError(error)) {
      io.stderr(`error: ${error.format(io.cwd)}\n`);
      return 1;
    }
    io.stderr(`internal error (please report): ${error instanceof Error ? error.stack : String(error)}\n`);
    return 2;
  } finally {
    stateModule?.closeStateClients();
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'terraform') return terraformCommand(argv.slice(1), io);
  if (argv[0] === 'workflow') return workflowCommand(argv.slice(1), io);
  if (argv[0] === 'drift-report') return driftReportCommand(argv.slice(1), io);
  if (argv[0] === 'bootstrap') return bootstrapCommand(argv.slice(1), io);
  if (argv[0] === 'plan-summary') return planSummaryCommand(argv.slice(1), io);
  if (argv[0] === 'orphans') return orphansCommand(argv.slice(1), io);
  if (argv[0] === 'destroy-orphan') return destroyOrphanCommand(argv.slice(1), io);
  if (argv[0] === 'onboard') return onboardCommand(argv.slice(1), io);
  const { values, positionals } = parseCommandLine(argv);
  if (positionals.length === 0) {
    io.stdout(USAGE + '\n');
    return values.help ? 0 : 1;
  }
  if (values.help) {
    io.stdout(`usage:\n  ${COMMANDS[`${positionals[0]} ${positionals[1] ?? ''}`.trim()]?.usage ?? USAGE}\n`);
    return 0;
  }
  // The dependency graph has its own formats (mermaid, dot, ...): see src/graph.
  if (positionals[0] === 'describe' && positionals[1] === 'graph') return describeGraphCommand(values, positionals.slice(2), io);
  const processTemplates = booleanFlag(values['process-templates'], '--process-templates');
  const processFunctions = booleanFlag(values['process-functions'], '--process-functions') ?? true;
  // Its own formats (matrix, projects) and output flags: see describe-affected.ts.
  if (positionals[0] === 'describe' && positionals[1] === 'affected') return describeAffectedCommand(values, processTemplates, io);
  const format = values.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw usage(`--format must be yaml or json, not "${format}"`);
  const showSecrets = values['show-secrets'] === true;
  // Logs every AWS client and role assumption (role and account, never a key).
  if (values.verbose) setAwsVerbose(true, (line) => io.stderr(line + '\n'));
  const load = (validate = true) => {
    // The one validation pass (the engine's checks, then the graph's: references, cycles,
    // component folders, YAML functions), every problem reported together, as `nx show projects` does.
    const problems: AtmosUserError[] = [];
    const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
    const resolved = resolveStacks(config, { processTemplates, env: io.env, problems });
    // `list` shows names only: it needs the manifests, not the graph's checks.
    if (validate) validateGraph({ workspaceRoot: config.basePath, resolved, options: normaliseOptions(undefined), problems });
    throwCollected(problems);
    for (const warning of resolved.warnings) io.stderr(`warning: ${warning}\n`);
    return resolved;
  };
  const [command, subject, ...rest] = positionals;

  switch (`${command} ${subject ?? ''}`.trim()) {
    case 'describe component': {
      const component = rest[0];
      if (!component || !values.stack) throw usage('describe component needs a component and -s <stack>');
      const resolved = load();
      const found = findInstance(resolved, component, values.stack, componentLookupInstances(resolved));
      // atmos.Component calls answered from state, as Atmos does, when functions and templates are processed.
      const instance = processFunctions && processTemplates !== false ? await answered(found, resolved, io) : found;
      const described = processFunctions ? await describeEvaluated(instance, resolved, io, showSecrets) : describeInstance(instance, resolved.describeContext);
      io.stdout(formatOutput(showSecrets ? described : maskBackendSecrets(maskSensitiveVars(described, instance)), format));
      return 0;
    }
    case 'describe stacks': {
      const resolved = load();
      const wanted = values.components?.split(',').map((c) => c.trim()).filter(Boolean);
      const all = describedInstances(resolved);
      const instances = all.filter((i) => (!values.stack || i.stack === values.stack) && (!wanted || wanted.includes(i.component)));
      if (values.stack && instances.length === 0 && !all.some((i) => i.stack === values.stack)) throw stackNotFound(values.stack, resolved, all);
      // Atmos evaluates every YAML function here; reading state and stores is opt-in (see describe-stacks-functions.ts).
      const mode = values['process-functions'] === undefined ? 'local' : processFunctions ? 'all' : 'none';
      const { shown, secrets } = await withFunctionsEvaluated(instances, mode, resolved.config, io.env, async (instance) => {
        // As describe component does: atmos.Component answered at run time, its secrets masked.
        const withAnswers = processTemplates !== false ? await answered(instance, resolved, io) : instance;
        const evaluated = await evaluatedSections(withAnswers, resolved, io);
        const { templateSecretsOf } = await import('../functions/runtime/component-template');
        for (const secret of templateSecretsOf(withAnswers)) evaluated.secrets.add(secret);
        return evaluated;
      });
      let described = describeStacks(shown, resolved.describeContext);
      if (!showSecrets && secrets.size > 0) described = new (await import('../functions/runtime/mask')).SecretMasker(secrets).maskValue(toPlain(described)) as PlainMap;
      if (!showSecrets) {
        for (const instance of instances) {
          const components = (described[instance.stack] as { components: Record<string, Record<string, PlainMap>> }).components[instance.componentType];
          components[instance.component] = maskBackendSecrets(maskSensitiveVars(components[instance.component], instance));
        }
      }
      // JSON is written stack by stack, instance by instance (~90 MB at 10,000 instances), never as one string.
      if (format === 'json') writeJson(described, io.stdout, DESCRIBE_STACKS_JSON_DEPTH);
      else io.stdout(formatOutput(described, format));
      return 0;
    }
    case 'describe config': {
      const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
      const { raw, ...normalised } = config;
      io.stdout(formatOutput({ ...normalised, raw }, format));
      return 0;
    }
    case 'list stacks': {
      const stacks = [...new Set(describedInstances(load(false)).map((i) => i.stack))].sort();
      io.stdout(stacks.map((s) => s + '\n').join(''));
      return 0;
    }
    case 'list components': {
      const resolved = load(false);
      const names = [...new Set(describedInstances(resolved).filter((i) => !values.stack || i.stack === values.stack).map((i) => i.component))].sort();
      io.stdout(names.map((s) => s + '\n').join(''));
      return 0;
    }
    case 'validate stacks': {
      const resolved = load();
      // The contract of every deployed instance with its Terraform component (src/validation).
      if (!(await contractsHold(resolved, undefined, io))) return 1;
      io.stdout(`✓ ${resolved.stackFiles.length} stack manifests, ${resolved.instances.length} component instances: all valid\n`);
      return 0;
    }
    case 'validate component': {
      const component = rest[0];
      if (!component || !values.stack) throw usage('validate component needs a component and -s <stack>');
      const schemaType = values['schema-type'] ?? 'jsonschema';
      if (schemaType === 'opa') throw usage('--schema-type opa: OPA policies are not supported (out of scope); JSON Schema is (--schema-type jsonschema)');
      if (schemaType !== 'jsonschema') throw usage(`--schema-type must be jsonschema, not "${schemaType}"`);
      const resolved = load();
      const instance = findInstance(resolved, component, values.stack);
      if (!(await contractsHold(resolved, [instance], io, values['schema-path']))) return 1;
      const schemas = values['schema-path'] ? `the schema ${values['schema-path']}` : 'its settings.validation schemas';
      io.stdout(`✓ ${component} in ${values.stack}: vars, types and output references match ${relative(io.cwd, instance.componentPath) || '.'}; ${schemas} pass\n`);
      return 0;
    }
    default:
      throw usage(`unknown command "${positionals.join(' ')}"`);
  }
}

/** Prints the contract problems of the instances (all deployed ones by default); true when there are none. */
async function contractsHold(resolved: ResolvedStacks, instances: ComponentInstance[] | undefined, io: CliIo, schemaPath?: string): Promise<boolean> {
  const { validateContracts, formatContractProblems } = await import('../validation/contract');
  const problems = await validateContracts(resolved, { env: io.env, instances, schemaPath });
  if (problems.length === 0) return true;
  const text = formatContractProblems(problems, io.cwd);
  const places = (text.match(/^error: /gm) ?? []).length;
  const where = places < problems.length ? ` (${places} to fix)` : '';
  io.stderr(text + `${problems.length} contract problem${problems.length === 1 ? '' : 's'}${where} between the stacks and their Terraform components\n`);
  return false;
}

const FLAGS = {
  stack: { type: 'string', short: 's' },
  components: { type: 'string' },
  format: { type: 'string', short: 'f' },
  'process-templates': { type: 'string' },
  'process-functions': { type: 'string' },
  'show-secrets': { type: 'boolean' },
  'include-settings': { type: 'boolean' },
  'include-dependents': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  base: { type: 'string' },
  ref: { type: 'string' },
  sha: { type: 'string' },
  'repo-path': { type: 'string' },
  'clone-target-ref': { type: 'boolean' },
  'ssh-key': { type: 'string' },
  'ssh-key-password': { type: 'string' },
  file: { type: 'string' },
  'output-file': { type: 'string' },
  'exclude-locked': { type: 'boolean' },
  skip: { type: 'string', multiple: true },
  environment: { type: 'string' },
  projects: { type: 'string', short: 'p', multiple: true },
  'group-by': { type: 'string' },
  'max-nodes': { type: 'string' },
  'output-dir': { type: 'string' },
  'schema-path': { type: 'string' },
  'schema-type': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type FlagName = keyof typeof FLAGS;
type ParsedFlags = { [K in FlagName]?: (typeof FLAGS)[K] extends { multiple: true } ? string[] : (typeof FLAGS)[K]['type'] extends 'string' ? string : boolean };

/**
 * The command is known before its flags are read: the command's words first (an unknown one is
 * named, with the commands there are), then only the flags that command takes.
 */
function parseCommandLine(typed: string[]): { values: ParsedFlags; positionals: string[] } {
  const argv = bareSwitchesOn(typed).flatMap(booleanAsCobraTakesIt);
  const { tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options: FLAGS });
  const words = tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  const asked = (name: string) => tokens.some((token) => token.kind === 'option' && token.name === name);
  if (words.length === 0) return { values: { help: asked('help') }, positionals: words };
  const name = commandName(words);
  const command = COMMANDS[name];
  const takes: string[] = [...command.flags, 'help'];
  for (const token of tokens) {
    if (token.kind !== 'option' || takes.includes(token.name)) continue;
    const refused = command.refused?.[token.name];
    if (refused) throw new AtmosUserError('USAGE', `${token.rawName} is not supported by "${name}"`, undefined, `${refused}; usage: ${command.usage}`);
    const valid = command.flags.map((flag) => `--${flag}`).join(', ');
    throw new AtmosUserError('USAGE', `unknown flag ${token.rawName} for "${name}"`, undefined,
      `${valid ? `"${name}" takes ${valid}` : `"${name}" takes no flags`}; usage: ${command.usage}`);
  }
  const extra = words.slice(name.split(' ').length + command.arguments);
  if (extra.length > 0 && !asked('help')) {
    throw new AtmosUserError('USAGE', `${name} takes ${command.arguments === 0 ? 'no arguments' : `${command.arguments} argument`}, got "${extra.join(' ')}"`, undefined,
      `usage: ${command.usage}`);
  }
  try {
    const options = Object.fromEntries(takes.map((flag) => [flag, FLAGS[flag as FlagName]]));
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options }) as { values: ParsedFlags; positionals: string[] };
  } catch (error) {
    throw new AtmosUserError('USAGE', `${(error as Error).message.split('. ')[0]} (in "${name}")`, undefined, `usage: ${command.usage}`);
  }
}

/**
 * Flags that take `true` or `false` (they have no default here: unset differs from either) are
 * Atmos's booleans, which cobra also takes bare: `--process-functions` alone is `=true`.
 */
const SWITCHES_WITH_VALUE = new Set(['--process-templates', '--process-functions']);

function bareSwitchesOn(argv: string[]): string[] {
  return argv.map((arg, i) => (SWITCHES_WITH_VALUE.has(arg) && argv[i + 1] !== 'true' && argv[i + 1] !== 'false' ? `${arg}=true` : arg));
}

/** `--show-secrets=true` is `--show-secrets`, `--show-secrets=false` nothing: Atmos's (cobra's) boolean flags take both. */
function booleanAsCobraTakesIt(arg: string): string[] {
  const match = /^--([a-z-]+)=(true|false)$/.exec(arg);
  const flag = match && (FLAGS as Record<string, { type: string }>)[match[1]];
  if (!match || flag?.type !== 'boolean') return [arg];
  return match[2] === 'true' ? [`--${match[1]}`] : [];
}

/** The command the words name, or an error naming the unknown word and listing the commands. */
function commandName(words: string[]): string {
  const [group, subject] = words;
  const name = `${group} ${subject ?? ''}`.trim();
  if (COMMANDS[name]) return name;
  const groups = [...new Set(Object.keys(COMMANDS).map((key) => key.split(' ')[0])), 'terraform', 'workflow', 'drift-report', 'bootstrap', 'plan-summary', 'orphans', 'destroy-orphan', 'onboard'];
  if (group === 'terraform') throw new AtmosUserError('USAGE', '"terraform" must come first', undefined, `usage: ${TERRAFORM_USAGE}`);
  if (!groups.includes(group)) {
    throw new AtmosUserError('USAGE', `unknown command "${group}"`, undefined, `commands: ${[...Object.keys(COMMANDS), 'terraform <subcommand>', 'workflow <name>', 'drift-report', 'bootstrap backend', 'plan-summary', 'orphans', 'destroy-orphan', 'onboard prerequisites|generate'].join(', ')}; run atmos-nx --help`);
  }
  const subjects = Object.keys(COMMANDS).filter((key) => key.startsWith(`${group} `)).map((key) => key.slice(group.length + 1));
  throw new AtmosUserError('USAGE', subject ? `unknown command "${name}"` : `"${group}" needs a subcommand`, undefined,
    `"${group}" takes: ${subjects.join(', ')}; e.g. ${COMMANDS[`${group} ${subjects[0]}`].usage}`);
}

/** `describe graph`: loaded on demand (it reads the Nx plugin's graph model, and @nx/devkit with it). */
async function describeGraphCommand(values: ParsedFlags, extra: string[], io: CliIo): Promise<number> {
  if (extra.length > 0) throw usage(`describe graph takes no arguments, got "${extra.join(' ')}" (select instances with --stack, --environment or -p)`);
  const { describeGraph, parseGraphFlags } = await import('../graph');
  const flags = parseGraphFlags({ format: values.format, groupBy: values['group-by'], maxNodes: values['max-nodes'] });
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  if (!config.configFile) throw new AtmosUserError('CONFIG_INVALID', `no atmos.yaml in ${io.cwd} or any folder above it`, undefined, 'run atmos-nx inside the workspace (the folder of atmos.yaml and nx.json)');
  // The picture is the Nx plugin's graph, and the plugin reads atmos.yaml at the workspace root.
  if (basename(config.configFile) !== 'atmos.yaml') {
    throw new AtmosUserError('CONFIG_INVALID', `describe graph draws the Nx plugin's graph, which reads atmos.yaml at the workspace root; this workspace has ${basename(config.configFile)}`, { file: config.configFile }, 'rename it to atmos.yaml');
  }
  describeGraph({
    workspaceRoot: dirname(config.configFile),
    format: flags.format,
    options: { stack: values.stack, environment: values.environment, projects: values.projects, groupBy: flags.groupBy, maxNodes: flags.maxNodes },
    outputDir: values['output-dir'],
    stdout: io.stdout,
    stderr: io.stderr,
  });
  return 0;
}

/**
 * `describe component` evaluates YAML functions and expressions by default, as Atmos does
 * (dependency outputs from state, SSM parameters); secrets print as *** unless --show-secrets.
 */
async function describeEvaluated(instance: ComponentInstance, resolved: ResolvedStacks, io: CliIo, showSecrets: boolean) {
  const [{ SecretMasker }, { templateSecretsOf }] = await Promise.all([import('../functions/runtime/mask'), import('../functions/runtime/component-template')]);
  const { secrets, ...sections } = await evaluatedSections(instance, resolved, io);
  const described = describeInstance({ ...instance, sections: { ...instance.sections, ...sections } }, resolved.describeContext);
  return showSecrets ? described : (new SecretMasker([...secrets, ...templateSecretsOf(instance)]).maskValue(toPlain(described)) as PlainMap);
}

/** An instance's sections with every function and expression evaluated (state and stores read). */
async function evaluatedSections(instance: ComponentInstance, resolved: ResolvedStacks, io: CliIo) {
  const [{ evaluateInstance }, { SsmParameters }, state] = await Promise.all([
    import('../functions/runtime/evaluate'), import('../functions/runtime/ssm'), import('../terraform/state'),
  ]);
  stateModule = state;
  const { readState } = state;
  const ssm = new SsmParameters(io.env);
  try {
    return await evaluateInstance(instance, {
      config: resolved.config,
      env: io.env,
      command: 'describe',
      findInstance: (component, stack) => resolved.instances.find((i) => i.component === component && i.stack === stack),
      readState: (dependency) => readState(dependency, resolved.config.basePath, io.env),
      ssm,
      log: (line) => io.stderr(line + '\n'),
    });
  } finally {
    ssm.destroy();
  }
}

async function answered(instance: ComponentInstance, resolved: ResolvedStacks, io: CliIo): Promise<ComponentInstance> {
  const [{ answeredInstance }, state] = await Promise.all([import('./answered-instance'), import('../terraform/state')]);
  stateModule = state;
  return answeredInstance(instance, resolved, io.env, (dependency) => state.readState(dependency, resolved.config.basePath, io.env), (line) => io.stderr(line + '\n'));
}

/** Variables the component declares `sensitive = true` print as *** (also when written in a manifest). */
function maskSensitiveVars(described: PlainMap, instance: ComponentInstance): PlainMap {
  // Only a terraform component declares variables (variables.tf) that can be sensitive.
  if (instance.componentType !== 'terraform') return described;
  const sensitive = sensitiveVariablesOf(instance.componentPath);
  if (sensitive.size === 0 || !isPlainMap(described.vars)) return described;
  const vars: PlainMap = { ...described.vars };
  for (const name of sensitive) if (name in vars) vars[name] = '***';
  return { ...described, vars };
}

const sensitiveByFolder = new Map<string, Set<string>>();

function sensitiveVariablesOf(componentPath: string): Set<string> {
  let names = sensitiveByFolder.get(componentPath);
  if (!names) sensitiveByFolder.set(componentPath, (names = sensitiveVariables(componentPath)));
  return names;
}

function booleanFlag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw usage(`${name} must be true or false`);
}

function usage(message: string): AtmosUserError {
  return new AtmosUserError('USAGE', message, undefined, USAGE.replace(/\n/g, '\n  '));
}
