/**
 * `nx g @org/atmos:environment --account=staging --region=us-west-2`: a new stack (one account
 * in one region) in the layout the workspace already uses.
 *
 * The workspace is the template: the generator picks an existing stack (the one `--from` names,
 * else an environment of the same account, else the tenant's first), reads where its manifest
 * sits (`orgs/{tenant}/{stage}/{region}.yaml` is read off its path and vars), and writes the new
 * manifest beside its siblings with the same imports, the account/region/environment swapped.
 * Account- and region-specific imports that do not exist yet (`mixins/region/eu-west-1`,
 * `orgs/plat/staging/_defaults`) are created from their counterparts. The result is resolved by
 * the stack engine before anything is written: a clash, a broken import or a manifest outside
 * `included_paths` is an error, and the Tree is left untouched.
 */
import { logger, readNxJson, type Tree } from '@nx/devkit';
import { Document, isMap, isPair, isScalar, isSeq, parseDocument, Scalar, YAMLMap, type Node } from 'yaml';
import { readTerraformComponentTexts, requiredVariables } from '../../hcl';
import { isDeployable, projectName } from '../../nx/graph-model';
import { normaliseOptions } from '../../nx/options';
import { importName } from '../../stacks/discover';
import { readImportSpecs, resolveImport, type ImportSpec } from '../../stacks/imports';
import { ManifestReader } from '../../stacks/manifests';
import { isPlainMap, type PlainMap } from '../../stacks/values';
import { regionEnvironment } from '../shared/aws-regions';
import { collectBlocks, formatBlock, isEnvironmentBlock, nextFreeBlock, overlaps, parseBlock, type Block } from '../shared/cidr-blocks';
import { writePlannedFiles, type PlannedFile } from '../shared/files';
import { asGeneratorErrors, checkBoolean, checkCidr, checkComponentList, checkRegion, checkSegment, GeneratorError, requireOption } from '../shared/options';
import { askInTerminal, type AskChoice } from '../shared/prompt';
import { firstEnvironmentFiles } from './first-environment';
import { readWorkspace, type StackSummary, type WorkspaceView } from '../shared/workspace';

export interface EnvironmentGeneratorSchema {
  account: string;
  region: string;
  tenant?: string;
  environment?: string;
  from?: string;
  components?: string | string[];
  cidr?: string;
  force?: boolean;
}

interface Options {
  account: string;
  region: string;
  environment?: string;
  tenant?: string;
  from?: string;
  components?: string[];
  cidr?: string;
  force: boolean;
}

export interface EnvironmentResult {
  stack: string;
  manifest: string;
  /** The stack copied (and why that one); undefined for a workspace's first environment. */
  copiedFrom?: string;
  created: string[];
  projects: string[];
}

export default async function environmentGenerator(tree: Tree, schema: EnvironmentGeneratorSchema): Promise<void> {
  const result = await generateEnvironment(tree, schema);
  if (result.copiedFrom) {
    logger.info(`Stack ${result.stack}: ${result.manifest} (copied from ${result.copiedFrom})`);
    for (const file of result.created) logger.info(`Created ${file} from its counterpart of ${result.copiedFrom}: review it`);
  } else {
    logger.info(`Stack ${result.stack}: ${result.manifest} (the workspace's first environment: it imports every catalog entry)`);
    for (const file of result.created) logger.info(`Created ${file}`);
  }
  logger.info(`New Nx projects (${result.projects.length}): ${result.projects.join(', ')}`);
  const first = result.projects.find((name) => name.startsWith('vpc-')) ?? result.projects[0];
  if (first) logger.info(`Next: nx run ${first}:plan   (all of them: nx run-many -t plan --projects=tag:stack:${result.stack})`);
}

export async function generateEnvironment(tree: Tree, schema: EnvironmentGeneratorSchema, ask: AskChoice = askInTerminal): Promise<EnvironmentResult> {
  return asGeneratorErrors(tree.root, async () => {
    const options = normalise(schema);
    const view = readWorkspace(tree);
    try {
      return await plan(tree, view, options, ask);
    } finally {
      view.dispose();
    }
  });
}

function normalise(schema: EnvironmentGeneratorSchema): Options {
  requireOption('account', schema.account, 'the account (stage) of the new environment, e.g. --account=staging');
  requireOption('region', schema.region, 'the AWS region of the new environment, e.g. --region=us-west-2');
  const account = checkSegment('account', schema.account);
  const region = checkRegion(schema.region);
  // Undefined: the workspace's own abbreviation of the region, else the table's (see environmentOf).
  const environment = schema.environment === undefined || schema.environment === '' ? undefined : checkSegment('environment', schema.environment);
  if (schema.from !== undefined && (typeof schema.from !== 'string' || schema.from === '')) {
    throw new GeneratorError('--from is not accepted: give the name of an existing stack, e.g. --from=dev-use1');
  }
  return {
    account,
    region,
    environment,
    tenant: schema.tenant === undefined || schema.tenant === '' ? undefined : checkSegment('tenant', schema.tenant),
    from: schema.from,
    components: checkComponentList('components', schema.components),
    cidr: schema.cidr === undefined || schema.cidr === '' ? undefined : checkCidr('cidr', schema.cidr),
    force: checkBoolean('force', schema.force),
  };
}

async function plan(tree: Tree, view: WorkspaceView, options: Options, ask: AskChoice): Promise<EnvironmentResult> {
  const stacks = view.stacks;
  options = { ...options, environment: options.environment ?? environmentOf(stacks, options.region) };
  if (stacks.length === 0) return planFirstEnvironment(tree, view, options, ask);
  const tenants = [...new Set(stacks.map((stack) => stack.context.tenant).filter((tenant): tenant is string => tenant !== undefined))].sort();
  // The tenant is asked for only when there is a choice (and --from does not decide it).
  if (!options.tenant && !options.from && tenants.length > 1) {
    const answer = await ask('Which tenant is the new environment for?', tenants);
    if (answer !== undefined) options = { ...options, tenant: answer };
  }
  const source = chooseSource(stacks, tenants, options);
  const target = {
    tenant: options.tenant ?? source.stack.context.tenant,
    stage: options.account,
    region: options.region,
    environment: options.environment!,
  };
  const swap = new Swap(source.stack, target);
  const manifestInStacks = swap.path(source.stack.manifestInStacks);
  if (manifestInStacks === source.stack.manifestInStacks && swap.changes) {
    throw new GeneratorError(`cannot place the new environment: the path of ${source.stack.name}'s manifest (${source.stack.manifest}) names neither its account nor its region, so the new one would replace it; move that stack to a layout such as orgs/<tenant>/<account>/<region>.yaml`);
  }
  const manifest = `${view.stacksDir}/${manifestInStacks}`;
  if (source.stack.manifest.endsWith('.tmpl')) {
    throw new GeneratorError(`${source.stack.manifest} is a template manifest: the generator copies plain manifests only; pass --from with another stack`);
  }
  const selection = selectComponents(source.stack, options.components);

  const files: PlannedFile[] = [];
  const created: string[] = [];
  const manifestDoc = readDocument(tree, source.stack.manifest);
  const transform = new ManifestTransform(view, swap, files, created, tree);
  transform.rewriteImports(manifestDoc, source.stack.manifest);
  if (selection.narrowed) dropUnselectedImports(view, manifestDoc, source.stack, selection);
  transform.swapContextVars(manifestDoc);
  if (manifestDoc.has('name')) manifestDoc.delete('name');
  if (options.from) keepOverrides(manifestDoc, selection.needed);
  else await keepRequiredOverrides(tree, view, manifestDoc, source.stack, selection.selected);
  const manifestBlocks = assignBlocks(manifestDoc, stacks, options.cidr);
  dropHeaderNaming(manifestDoc, source.stack.name);
  manifestDoc.commentBefore = ` Stack for account ${target.stage} in ${target.region} (environment ${target.environment}).\n Generated by nx g @org/atmos:environment from ${source.stack.name} (${source.stack.manifest}).`;

  if (tree.exists(manifest) && !options.force) {
    const existing = stacks.find((stack) => stack.manifest === manifest);
    throw new GeneratorError(`${manifest} already exists${existing ? ` (stack ${existing.name})` : ''}: refusing to overwrite; pass --force to replace it`);
  }
  let planned = [...files, { path: manifest, content: manifestDoc.toString() }];
  let resolved = resolveNew(view, planned, manifest, stacks);
  // A kept catalog file can bring components outside the selection: disable them in the new stack.
  const extra = resolved.components.filter((component) => !selection.selected.includes(component));
  if (selection.narrowed && extra.length > 0) {
    for (const component of extra) manifestDoc.setIn(['components', 'terraform', component, 'metadata', 'enabled'], false);
    planned = [...files, { path: manifest, content: manifestDoc.toString() }];
    resolved = resolveNew(view, planned, manifest, stacks);
  }
  // Where the copied imports do not carry the new context (a shared _defaults that sets the
  // environment, a region var nothing swaps), the manifest sets it itself: its own vars win.
  const wanted = contextWanted(source.stack, target);
  const missing = Object.entries(wanted).filter(([key, value]) => resolved.context[key as keyof StackSummary['context']] !== value);
  if (missing.length > 0) {
    for (const [key, value] of missing) manifestDoc.setIn(['vars', key], value);
    planned = [...files, { path: manifest, content: manifestDoc.toString() }];
    resolved = resolveNew(view, planned, manifest, stacks);
    const still = Object.entries(wanted).filter(([key, value]) => resolved.context[key as keyof StackSummary['context']] !== value);
    if (still.length > 0) {
      throw new GeneratorError(`${manifest} resolves with ${still.map(([key]) => `${key}=${String(resolved.context[key as keyof StackSummary['context']])}`).join(', ')} although it sets ${still.map(([key, value]) => `${key}: ${value}`).join(', ')}: a component of ${source.stack.name} overrides it; copy another stack with --from`);
    }
  }
  if (inheritedBlocks(manifestDoc, resolved, stacks, manifestBlocks === 0 ? options.cidr : undefined)) {
    planned = [...files, { path: manifest, content: manifestDoc.toString() }];
    resolved = resolveNew(view, planned, manifest, stacks);
  }
  writePlannedFiles(tree, planned, options.force);
  return {
    stack: resolved.name,
    manifest,
    copiedFrom: `${source.stack.name}${source.reason}`,
    created,
    projects: projectNames(tree, resolved),
  };
}

/** The context the new stack must resolve with: account and environment always, tenant and region where the copied stack has them. */
function contextWanted(source: StackSummary, target: { tenant?: string; stage: string; region: string; environment: string }): Record<string, string> {
  const wanted: Record<string, string> = { stage: target.stage, environment: target.environment };
  if (source.context.region !== undefined) wanted.region = target.region;
  if (target.tenant !== undefined && source.context.tenant !== undefined) wanted.tenant = target.tenant;
  return wanted;
}

/** No stack to copy yet: the reference layout, written from scratch (see first-environment.ts). */
async function planFirstEnvironment(tree: Tree, view: WorkspaceView, options: Options, ask: AskChoice): Promise<EnvironmentResult> {
  if (options.from) throw new GeneratorError(`--from=${options.from} is not a stack of this workspace: it has no stack yet`);
  const tenant = options.tenant ?? (await ask('Which tenant is the first environment for? (e.g. plat)', []));
  if (tenant === undefined) throw new GeneratorError('--tenant is required for the first environment of a workspace (e.g. --tenant=plat): it has no stack yet to take the tenant from');
  const target = { tenant: checkSegment('tenant', tenant), stage: options.account, region: options.region, environment: options.environment! };
  const first = firstEnvironmentFiles(tree, view.stacksDir, target);
  const resolved = resolveNew(view, first.files, first.manifest, []);
  writePlannedFiles(tree, first.files, options.force);
  return {
    stack: resolved.name,
    manifest: first.manifest,
    created: first.files.map((file) => file.path).filter((path) => path !== first.manifest),
    projects: projectNames(tree, resolved),
  };
}

/**
 * The environment name of a region as this workspace writes it: a stack already in the region
 * gives it; otherwise the short table, unless the workspace's stacks follow another convention
 * (us-east-1 as ue1), where guessing would give stack names that do not match: then --environment is needed.
 */
function environmentOf(stacks: StackSummary[], region: string): string {
  const same = stacks.find((stack) => stack.context.region === region && stack.context.environment !== undefined);
  if (same) return same.context.environment!;
  const other = stacks.find((stack) => stack.context.region !== undefined && stack.context.environment !== undefined && regionEnvironment(stack.context.region) !== undefined && regionEnvironment(stack.context.region) !== stack.context.environment);
  if (other) {
    throw new GeneratorError(`--environment is required: this workspace abbreviates ${other.context.region} as ${other.context.environment} (stack ${other.name}), not ${regionEnvironment(other.context.region!)}, so the short code of ${region} (${regionEnvironment(region)}) may not match its convention; pass --environment=<its name for ${region}>`);
  }
  return regionEnvironment(region)!;
}

function chooseSource(stacks: StackSummary[], tenants: string[], options: Options): { stack: StackSummary; reason: string } {
  if (options.from) {
    const stack = stacks.find((candidate) => candidate.name === options.from);
    if (!stack) throw new GeneratorError(`--from=${options.from} is not a stack of this workspace: use one of ${stacks.map((s) => s.name).join(', ')}`);
    if (options.tenant && stack.context.tenant && stack.context.tenant !== options.tenant) {
      throw new GeneratorError(`--from=${options.from} is in tenant ${stack.context.tenant}, not --tenant=${options.tenant}: copy a stack of the same tenant`);
    }
    return { stack, reason: '' };
  }
  let tenant = options.tenant;
  if (tenant !== undefined && tenants.length > 0 && !tenants.includes(tenant)) {
    throw new GeneratorError(`--tenant=${tenant} has no stack in this workspace: use one of ${tenants.join(', ')} (a new tenant needs its _defaults written by hand first)`);
  }
  if (tenant === undefined && tenants.length > 1) {
    throw new GeneratorError(`--tenant is required: this workspace has the tenants ${tenants.join(', ')}; pass --tenant=<one of them>`);
  }
  tenant ??= tenants[0];
  const ofTenant = stacks.filter((stack) => tenant === undefined || stack.context.tenant === tenant);
  const sameAccount = ofTenant.find((stack) => stack.context.stage === options.account);
  if (sameAccount) return { stack: sameAccount, reason: `, an environment of account ${options.account}` };
  return { stack: ofTenant[0], reason: `, the first environment of ${tenant ? `tenant ${tenant}` : 'the workspace'}: account ${options.account} has none yet` };
}

interface Selection {
  /** Deployable components the new stack keeps. */
  selected: string[];
  /** The selected ones and the bases they inherit from (their definitions must stay). */
  needed: Set<string>;
  narrowed: boolean;
}

function selectComponents(source: StackSummary, requested: string[] | undefined): Selection {
  const selected = requested ?? source.components;
  for (const name of selected) {
    if (!source.components.includes(name)) {
      throw new GeneratorError(`--components: ${name} is not a component of ${source.name}: use some of ${source.components.join(', ')}`);
    }
  }
  const needed = new Set(selected);
  for (const instance of source.instances) if (needed.has(instance.component)) for (const base of instance.inheritance) needed.add(base);
  return { selected, needed, narrowed: requested !== undefined };
}

/** Source context values -> the new environment's, applied to path segments and context vars. */
class Swap {
  private readonly pairs: Array<[string, string]> = [];

  constructor(source: StackSummary, target: { tenant?: string; stage: string; region: string; environment: string }) {
    const { context } = source;
    const add = (from: string | undefined, to: string | undefined) => {
      if (from !== undefined && to !== undefined && from !== to && !this.pairs.some(([seen]) => seen === from)) this.pairs.push([from, to]);
    };
    add(context.tenant, target.tenant);
    add(context.stage, target.stage);
    add(context.region, target.region);
    add(context.environment, target.environment);
    this.values = { tenant: target.tenant, stage: target.stage, region: target.region, environment: target.environment };
  }

  readonly values: Record<string, string | undefined>;

  /** False when the new environment has the copied one's own context (it is the same stack). */
  get changes(): boolean {
    return this.pairs.length > 0;
  }

  /** `stage staging, region us-west-2, environment usw2`: what the copy is for. */
  describe(): string {
    return Object.entries(this.values).filter(([, value]) => value !== undefined).map(([key, value]) => `${key} ${value}`).join(', ');
  }

  value(text: string): string {
    return this.pairs.find(([from]) => from === text)?.[1] ?? text;
  }

  /** `orgs/plat/dev/us-east-1.yaml` -> `orgs/plat/staging/us-west-2.yaml`: whole segments only; globs are kept. */
  path(path: string): string {
    if (/[*?[\]{}]/.test(path)) return path;
    return path.split('/').map((segment) => {
      const match = /^(.*?)((?:\.ya?ml)?(?:\.tmpl)?)$/.exec(segment)!;
      return this.value(match[1]) + match[2];
    }).join('/');
  }
}

const CONTEXT_KEYS = ['tenant', 'stage', 'region', 'environment'];

class ManifestTransform {
  private readonly visited = new Set<string>();

  constructor(
    private readonly view: WorkspaceView,
    private readonly swap: Swap,
    private readonly files: PlannedFile[],
    private readonly created: string[],
    private readonly tree: Tree,
  ) {}

  /** Rewrites account/region-specific imports, creating the ones that do not exist yet. */
  rewriteImports(doc: Document, file: string): void {
    for (const entry of importEntries(doc)) {
      const rewritten = this.swap.path(entry.path);
      if (rewritten === entry.path) continue;
      entry.set(rewritten);
      this.ensureImport(entry.path, rewritten, file);
    }
  }

  swapContextVars(doc: Document): void {
    const vars = doc.get('vars', true);
    if (!isMap(vars)) return;
    for (const key of CONTEXT_KEYS) {
      const value = vars.get(key, true);
      if (isScalar(value) && typeof value.value === 'string' && this.swap.values[key] !== undefined) value.value = this.swap.values[key];
    }
  }

  private ensureImport(original: string, rewritten: string, importingFile: string): void {
    const resolution = { stacksBasePath: this.view.config.stacks.basePath, rootPath: this.view.config.basePath };
    const importer = this.view.scratchPath(importingFile);
    const spec = (path: string) => ({ path, skipTemplatesProcessing: false, ignoreMissingTemplateValues: false, skipIfMissing: true, locate: () => ({ file: importer }) });
    if (resolveImport(spec(rewritten), importer, resolution).files.length > 0) return;
    if (this.files.some((file) => sameImport(file.path, this.view.workspacePath(resolvePath(this.view, rewritten, importer))))) return;
    const from = resolveImport(spec(original), importer, resolution).files[0];
    if (!from) return; // The original is optional (skip_if_missing) and absent: nothing to copy.
    const fromPath = this.view.workspacePath(from);
    const toPath = this.swap.path(fromPath.slice(this.view.stacksDir.length + 1));
    const target = `${this.view.stacksDir}/${toPath}`;
    if (this.visited.has(target)) return;
    this.visited.add(target);
    const doc = readDocument(this.tree, fromPath);
    this.rewriteImports(doc, fromPath);
    this.swapContextVars(doc);
    const note = ` Copied from ${fromPath} by nx g @org/atmos:environment: review its values for ${this.swap.describe()}.`;
    doc.commentBefore = doc.commentBefore ? `${note}\n${doc.commentBefore}` : note;
    this.files.push({ path: target, content: doc.toString() });
    this.created.push(target);
  }
}

function resolvePath(view: WorkspaceView, path: string, importer: string): string {
  const base = path.startsWith('./') || path.startsWith('../') ? importer.slice(0, importer.lastIndexOf('/')) : view.config.stacks.basePath;
  return `${base}/${path}`;
}

function sameImport(file: string, importPath: string): boolean {
  return file === importPath || file.replace(/\.(ya?ml)(\.tmpl)?$/, '') === importPath;
}

interface ImportEntry {
  path: string;
  set(path: string): void;
}

function importEntries(doc: Document): ImportEntry[] {
  const section = doc.get('import', true);
  const items: Node[] = isSeq(section) ? (section.items as Node[]) : section ? [section as Node] : [];
  const entries: ImportEntry[] = [];
  for (const item of items) {
    if (isScalar(item) && typeof item.value === 'string') {
      entries.push({ path: item.value, set: (path) => { item.value = path; } });
    } else if (isMap(item)) {
      const path = item.get('path', true);
      if (isScalar(path) && typeof path.value === 'string') entries.push({ path: path.value, set: (value) => { path.value = value; } });
    }
  }
  return entries;
}

/**
 * With --components: drops the imports the selected components do not need. An import stays when
 * the engine lists it among a selected instance's sources (Atmos `deps_all`: this covers files
 * imported through templates, whose component names exist only once rendered), when it defines
 * a selected component or a base of one, or when it defines no component at all.
 */
function dropUnselectedImports(view: WorkspaceView, doc: Document, source: StackSummary, selection: Selection): void {
  const section = doc.get('import', true);
  if (!isSeq(section)) return;
  const importer = view.scratchPath(source.manifest);
  const withDeps = view.resolveWith([], [source.manifest], true).find((stack) => stack.manifest === source.manifest);
  const sources = new Set<string>();
  for (const instance of withDeps?.instances ?? []) if (selection.needed.has(instance.component)) for (const dep of instance.depsAll) sources.add(dep);
  const resolution = { stacksBasePath: view.config.stacks.basePath, rootPath: view.config.basePath };
  const reader = manifestReader(view);
  section.items = section.items.filter((item) => {
    const entry = isScalar(item) || isMap(item) ? item.toJSON() : undefined;
    const path = typeof entry === 'string' ? entry : isPlainMap(entry) ? entry.path : undefined;
    if (typeof path !== 'string') return true;
    const defined = componentsDefinedBy(view, entry, importer, new Set(), reader);
    if (!defined.has(UNKNOWN_COMPONENTS)) return defined.size === 0 || [...defined].some((component) => selection.needed.has(component));
    const spec = { path, skipTemplatesProcessing: false, ignoreMissingTemplateValues: false, skipIfMissing: true, locate: () => ({ file: importer }) };
    return resolveImport(spec, importer, resolution).files.some((file) => sources.has(importName(view.config, file)));
  });
}

const UNKNOWN_COMPONENTS = '\0unknown';

/**
 * The components an import entry defines, through its own imports too: each file is loaded as
 * the engine loads it (a template rendered with the entry's context), so `fn/{{ .name }}`
 * imported with `name: orders` defines `fn/orders`. A file that cannot be loaded defines
 * UNKNOWN_COMPONENTS (the engine's deps decide for it).
 */
function componentsDefinedBy(view: WorkspaceView, entry: unknown, importer: string, seen: Set<string>, reader = manifestReader(view)): Set<string> {
  const resolution = { stacksBasePath: view.config.stacks.basePath, rootPath: view.config.basePath };
  const defined = new Set<string>();
  let spec: ImportSpec;
  try {
    spec = { ...readImportSpecs({ import: [entry] }, importer)[0], skipIfMissing: true };
  } catch {
    return defined.add(UNKNOWN_COMPONENTS);
  }
  for (const file of resolveImport(spec, importer, resolution).files) {
    const key = `${file}\0${JSON.stringify(spec.context ?? {})}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let manifest: PlainMap;
    try {
      manifest = reader.load({ file, context: spec.context, skipTemplatesProcessing: spec.skipTemplatesProcessing, ignoreMissingTemplateValues: spec.ignoreMissingTemplateValues });
    } catch {
      defined.add(UNKNOWN_COMPONENTS);
      continue;
    }
    const terraform = isPlainMap(manifest.components) && isPlainMap(manifest.components.terraform) ? manifest.components.terraform : {};
    for (const name of Object.keys(terraform)) defined.add(name);
    const nested = Array.isArray(manifest.import) ? manifest.import : manifest.import === undefined || manifest.import === null ? [] : [manifest.import];
    for (const child of nested) for (const component of componentsDefinedBy(view, child, file, seen, reader)) defined.add(component);
  }
  return defined;
}

function manifestReader(view: WorkspaceView): ManifestReader {
  return new ManifestReader({ delimiters: view.config.templates.delimiters, env: process.env, stacksBasePath: view.config.stacks.basePath, rootPath: view.config.basePath });
}

/** --from: the component overrides of the copied stack, for the selected components (and their bases). */
function keepOverrides(doc: Document, needed: Set<string>): void {
  const terraform = doc.getIn(['components', 'terraform'], true);
  if (!isMap(terraform)) return;
  terraform.items = terraform.items.filter((pair) => isPair(pair) && isScalar(pair.key) && needed.has(String(pair.key.value)));
}

/**
 * Without --from only the imports (and the stack-wide vars) are copied; of the copied stack's
 * component overrides, only the values of required variables (no default in variables.tf) stay,
 * so the new stack still plans. Everything else is environment-specific. A component the
 * manifest defines itself (no import defines it) is part of the selection and is kept whole.
 */
async function keepRequiredOverrides(tree: Tree, view: WorkspaceView, doc: Document, source: StackSummary, selected: string[]): Promise<void> {
  const terraform = doc.getIn(['components', 'terraform'], true);
  if (!isMap(terraform)) return;
  const importer = view.scratchPath(source.manifest);
  const imported = new Set<string>();
  const section = doc.get('import', true);
  const entries: unknown[] = isSeq(section) ? section.items.map((item) => (isScalar(item) || isMap(item) ? item.toJSON() : undefined)) : [];
  const reader = manifestReader(view);
  for (const entry of entries) for (const component of componentsDefinedBy(view, entry, importer, new Set(), reader)) imported.add(component);
  const kept = new YAMLMap(doc.schema);
  for (const pair of terraform.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const instance = source.instances.find((candidate) => candidate.component === name);
    if (!instance || !selected.includes(name) || !isMap(pair.value)) continue;
    // Defined here, not in a catalog: the definition is the selection itself, kept whole.
    if (!imported.has(name)) {
      kept.set(name, pair.value);
      continue;
    }
    const vars = pair.value.get('vars', true);
    if (!isMap(vars)) continue;
    const required = await requiredVariableNames(tree, view.workspacePath(instance.componentPath));
    const keptVars = new YAMLMap(doc.schema);
    for (const varPair of vars.items) if (isPair(varPair) && isScalar(varPair.key) && required.has(String(varPair.key.value))) keptVars.items.push(varPair);
    if (keptVars.items.length > 0) {
      const component = new YAMLMap(doc.schema);
      component.set('vars', keptVars);
      kept.set(name, component);
    }
  }
  if (kept.items.length === 0) doc.delete('components');
  else doc.setIn(['components', 'terraform'], kept);
}

async function requiredVariableNames(tree: Tree, folder: string): Promise<Set<string>> {
  if (!tree.exists(folder) || tree.isFile(folder)) return new Set();
  const texts = tree.children(folder).filter((name) => tree.isFile(`${folder}/${name}`)).map((name) => ({ file: `${folder}/${name}`, text: tree.read(`${folder}/${name}`, 'utf-8') ?? '' }));
  const component = await readTerraformComponentTexts(folder, texts);
  return new Set(requiredVariables(component).map((variable) => variable.name));
}

/** Gives the new environment its own address block wherever the copied manifest sets one. */
function assignBlocks(doc: Document, stacks: StackSummary[], cidr: string | undefined): number {
  const found: Scalar[] = [];
  const walk = (node: unknown, key: string) => {
    if (isMap(node)) {
      for (const pair of node.items) if (isPair(pair)) walk(pair.value, isScalar(pair.key) ? String(pair.key.value) : '');
    } else if (isScalar(node) && isEnvironmentBlock(key, node.value)) {
      found.push(node);
    }
  };
  walk(doc.get('vars', true), 'vars');
  walk(doc.get('components', true), 'components');
  const distinct = [...new Set(found.map((node) => node.value as string))];
  if (distinct.length === 0) return 0;
  const used: Block[] = [];
  for (const stack of stacks) for (const instance of stack.instances) collectBlocks(instance.sections.vars, used);
  if (cidr !== undefined && distinct.length > 1) {
    throw new GeneratorError(`--cidr is ambiguous here: the copied manifest sets ${distinct.length} address blocks (${distinct.join(', ')}); leave --cidr out to give each the next free block`);
  }
  const replacement = new Map<string, string>();
  for (const value of distinct) {
    const block = cidr !== undefined ? parseBlock(cidr)! : nextFreeBlock(parseBlock(value)!, used);
    if (cidr !== undefined) {
      const clash = used.find((other) => overlaps(other, block));
      if (clash) logger.warn(`--cidr=${cidr} overlaps ${formatBlock(clash)}, which another stack uses`);
    }
    used.push(block);
    replacement.set(value, formatBlock(block));
  }
  for (const node of found) node.value = replacement.get(node.value as string)!;
  return distinct.length;
}

/**
 * Address blocks the new stack inherits from a catalog default that another stack already uses
 * (every stack importing `cidr_block: 10.0.0.0/16`): the manifest overrides them with free ones.
 */
function inheritedBlocks(doc: Document, created: StackSummary, stacks: StackSummary[], cidr: string | undefined): boolean {
  const used: Block[] = [];
  for (const stack of stacks) for (const instance of stack.instances) collectBlocks(instance.sections.vars, used);
  const shared: Array<{ component: string; key: string; block: Block }> = [];
  for (const instance of created.instances.filter(isDeployable)) {
    for (const [key, value] of Object.entries(instance.sections.vars)) {
      const block = isEnvironmentBlock(key, value) ? parseBlock(value) : undefined;
      if (block && used.some((other) => overlaps(other, block))) shared.push({ component: instance.component, key, block });
    }
  }
  if (shared.length === 0) return false;
  const useCidr = cidr !== undefined && new Set(shared.map((entry) => formatBlock(entry.block))).size === 1;
  const replacement = new Map<string, Block>();
  for (const entry of shared) {
    const from = formatBlock(entry.block);
    let block = replacement.get(from);
    if (!block) {
      block = useCidr ? parseBlock(cidr!)! : nextFreeBlock(entry.block, used);
      used.push(block);
      replacement.set(from, block);
    }
    doc.setIn(['components', 'terraform', entry.component, 'vars', entry.key], formatBlock(block));
  }
  return true;
}

function resolveNew(view: WorkspaceView, files: PlannedFile[], manifest: string, before: StackSummary[]): StackSummary {
  const created = view.resolveWith(files, [manifest]).find((stack) => stack.manifest === manifest);
  if (!created) {
    throw new GeneratorError(`${manifest} would not be a stack with components: its imports define no deployable component`);
  }
  if (!view.isStackManifest(manifest)) {
    throw new GeneratorError(`${manifest} would not be a stack: atmos.yaml stacks.included_paths (${view.config.stacks.includedPaths.join(', ')}) or excluded_paths (${view.config.stacks.excludedPaths.join(', ')}) do not select it`);
  }
  const clash = before.find((stack) => stack.name === created.name && stack.manifest !== manifest);
  if (clash) {
    throw new GeneratorError(`the new stack ${manifest} would be named ${created.name}, which ${clash.manifest} already is: choose another account or region (or --environment)`);
  }
  return created;
}

function projectNames(tree: Tree, stack: StackSummary): string[] {
  const nxJson = readNxJson(tree);
  const entry = nxJson?.plugins?.find((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin) === '@org/atmos');
  const template = normaliseOptions(typeof entry === 'object' ? (entry.options as { projectName?: string }) : undefined).projectName;
  return stack.instances.filter(isDeployable).map((instance) => projectName(template, instance)).sort();
}

/** The copied manifest's own header names the stack it was written for (`# Stack: dev-use1 ...`): not the new one's. */
function dropHeaderNaming(doc: Document, stack: string): void {
  const naming = (comment: string | null | undefined) => comment !== null && comment !== undefined && new RegExp(`(^|[^a-z0-9-])${stack.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9-]|$)`).test(comment);
  if (naming(doc.commentBefore)) doc.commentBefore = null;
  const first = isMap(doc.contents) ? doc.contents.items[0] : undefined;
  if (first && isScalar(first.key) && naming(first.key.commentBefore)) first.key.commentBefore = null;
}

function readDocument(tree: Tree, path: string): Document {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new GeneratorError(`${path} cannot be read`);
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new GeneratorError(`${path}: ${doc.errors[0].message.split('\n')[0]}`);
  return doc;
}
