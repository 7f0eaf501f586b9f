/**
 * `describe affected`, as Atmos computes it: resolve every instance at a base git ref and in the
 * working tree, and report the instances whose resolved configuration or Terraform sources
 * differ — a semantic diff, so a catalog edit that changes nothing for an instance does not
 * report it. Only the stacks a changed file can reach are resolved at the base: every other
 * stack is the same on both sides. When the change only edits files, they are read from git and
 * the rest from the working tree (resolveEditedBase); otherwise the base is read with `git
 * archive` into a temporary folder (the repository and its worktrees are left alone). When the
 * change only edits what manifests define under `components.terraform.<name>`, both sides build
 * only those components' instances and their heirs (compareScoped).
 *
 * The Nx plugin uses the same pieces (baseInstances, configDifference) to decide which changed
 * files are inputs of which instance.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import picomatch from 'picomatch';
import { loadAtmosConfig } from '../config/load';
import { changesConfig } from '../config/imports';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError, UserErrors, isUserError, userErrorsOf } from '../errors/user-error';
import { localModuleFolders, withRealPath } from '../terraform/local-modules';
import { posixPath } from '../posix-path';
import { changedComponents, mayReadFilesInTemplates } from './changed-components';
import { declaredDependencies, dependencyFolderGlob, dependencyGlob } from './dependencies';
import { discoverStackFiles } from './discover';
import { resolveStacks, type ResolveOptions, type ResolvedStacks } from './engine';
import { contextOf } from './naming';
import type { ComponentInstance } from './types';
import type { PlainMap } from './values';
import { METADATA_REASON, configDifferences, selectedSections, type SectionCheck } from './affected-sections';

/** Who an instance is and where its component lives, as Atmos says it in an affected entry and in a dependent. */
export interface InstanceFields {
  component: string;
  component_type: 'terraform';
  /** The component folder, relative to the base path (`components/terraform/vpc`). */
  component_path: string;
  /** From the instance's vars, when set there. */
  namespace?: string;
  tenant?: string;
  environment?: string;
  stage?: string;
  stack: string;
  stack_slug: string;
}

/** An instance that depends on an affected one (`--include-dependents`), with its own dependents. */
export interface Dependent extends InstanceFields {
  dependents: Dependent[];
  /** Another dependent of the same tree already holds it (Atmos's peer dependencies). */
  included_in_dependents: boolean;
  settings: PlainMap | null;
}

/**
 * One entry of `describe affected`: Atmos's fields in Atmos's order (v1.226.1 schema.Affected),
 * without its Spacelift and Atlantis names. Like Atmos, `dependents` is null and `settings` null
 * unless asked for (--include-dependents, --include-settings).
 */
export interface AffectedInstance extends InstanceFields {
  /**
   * Why, the first match in Atmos's order: stack.metadata, component.module, component, stack.vars, stack.env, stack.providers,
   * stack.backend, stack.backend_type, stack.remote_state_backend(_type), stack.command, stack.dependencies, stack.source,
   * stack.settings, file or folder; deleted (deleted.stack when the whole stack is gone). atmos.yaml
   * describe.affected.sections replaces the sections after component, settings last unless it places it (affected-sections.ts).
   */
  affected: string;
  /** Every reason that holds, in that order. */
  affected_all: string[];
  /** The `dependencies.files` (or `settings.depends_on` file) entry that changed, as written. */
  file?: string;
  folder?: string;
  dependents: Dependent[] | null;
  /** Another affected entry's dependents hold it: a pipeline that runs dependents runs it there. */
  included_in_dependents: boolean;
  settings: PlainMap | null;
  deleted?: boolean;
  deletion_type?: 'component' | 'stack';
}

/** Which affected instances an answer lists (Atmos's --stack and --exclude-locked). */
export interface InstanceSelection {
  /** Only the instances of this stack. */
  stack?: string;
  /** Not the instances whose metadata.locked is true (a deleted one is still listed, as in Atmos). */
  excludeLocked?: boolean;
}

/** Whether the selection lists the instance (`deleted`: it is a deleted entry, which --exclude-locked keeps). */
export function isSelected(instance: ComponentInstance, selection: InstanceSelection, deleted = false): boolean {
  return (selection.stack === undefined || instance.stack === selection.stack) && (deleted || !(selection.excludeLocked && instance.locked));
}

export interface DescribeAffectedOptions extends Pick<CompareOptions, 'processTemplates' | 'gitEnv' | 'onWarning' | 'otherBase'>, InstanceSelection {
  /** Each entry carries the instance's settings (Atmos's --include-settings). */
  includeSettings?: boolean;
}

export function describeAffected(config: AtmosConfig, baseRef: string, env: Record<string, string | undefined> = process.env, options: DescribeAffectedOptions = {}): AffectedInstance[] {
  const { changed, deleted, stackAtHead } = compareWithBase(config, baseRef, env, options);
  const affected = [
    ...changed.filter(({ instance }) => isSelected(instance, options)).map(({ instance, reasons }) => entry(config, instance, reasons, options.includeSettings ? instance.sections.settings : null)),
    ...deleted.filter((old) => isSelected(old, options, true)).map((old) => {
      const gone = !stackAtHead(old);
      // As Atmos's deleted entries: no settings, whatever was asked.
      return { ...entry(config, old, { all: [gone ? 'deleted.stack' : 'deleted'] }, null), deleted: true, deletion_type: gone ? 'stack' as const : 'component' as const };
    }),
  ];
  return affected.sort((a, b) => a.stack.localeCompare(b.stack) || a.component.localeCompare(b.component));
}

export interface BaseComparison {
  /** Deployable head instances that differ from the base, with the reason. */
  changed: Array<{ instance: ComponentInstance; reasons: Reasons }>;
  /** Non-abstract base instances gone at head (disabled ones too). */
  deleted: ComponentInstance[];
  /** Whether the stack of a deleted instance is still there at head (Atmos's `deleted` rather than `deleted.stack`). */
  stackAtHead(deleted: ComponentInstance): boolean;
}

export interface CompareOptions {
  /** The environment of every git the comparison runs (describe affected --repo-path reads another clone's objects: see git-objects.ts); default the process's. */
  gitEnv?: NodeJS.ProcessEnv;
  /** Told what the user should know about the comparison (a base without atmos.yaml). */
  onWarning?: (message: string) => void;
  /** How the user compares with another base, said in the hint of a mistake at the base; default `--base <ref>`. */
  otherBase?: string;
  /** False compares the templates as written on both sides (Atmos's --process-templates=false; true renders them where atmos.yaml enables templates). */
  processTemplates?: boolean;
  /**
   * Build only the instances a change confined to components' sections can reach (see
   * compareScoped); default true. False builds every instance on both sides: the reference the
   * scoped comparison is tested against.
   */
  scoped?: boolean;
}

export function compareWithBase(config: AtmosConfig, baseRef: string, env: Record<string, string | undefined>, { scoped = true, processTemplates, gitEnv, onWarning, otherBase }: CompareOptions = {}): BaseComparison {
  const repoRoot = git(config.basePath, ['rev-parse', '--show-toplevel'], gitEnv).trim();
  const base = commitOf(repoRoot, baseRef, gitEnv);
  if (base === undefined) {
    throw new AtmosUserError('USAGE', `base ref ${JSON.stringify(baseRef)} names no commit of the repository ${repoRoot}`, undefined,
      'pass a branch, tag or commit, e.g. --base main or --base origin/main; in a shallow clone fetch the base first (git fetch origin main)');
  }
  const changedFiles = changedSince(repoRoot, base, undefined, gitEnv);
  for (const file of ignoredStackManifests(config, repoRoot, gitEnv)) changedFiles.add(file);
  const sides: SideOptions = { env, processTemplates, gitEnv, onWarning, otherBase };
  const narrow = scoped ? compareScoped(config, repoRoot, base, changedFiles, sides) : undefined;
  if (narrow) return narrow;
  // Atmos's deps lists are not compared (describe output only): not computed on either side.
  const head = resolveStacks(config, { ...resolution(sides), computeDeps: false });
  return compareSides(head, baseInstances(config, repoRoot, base, head, changedFiles, sides), changedFiles, config.basePath, repoRoot);
}

/**
 * The commit a ref as the user gave it (`--base`, NX_BASE, NX_HEAD) names, or undefined. Every
 * later git call gets this hash, never the ref as typed: one that starts with a dash would be
 * read as an option there (`--output=<file>` makes `git diff` write a file).
 */
export function commitOf(repoRoot: string, ref: string, gitEnv?: NodeJS.ProcessEnv): string | undefined {
  if (ref === '' || ref.startsWith('-')) return undefined;
  try {
    const commit = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: gitEnv }).trim();
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The comparison of a change that edits only what stack manifests define under
 * `components.terraform.<name>` (the usual catalog or override edit): both sides build only the
 * instances of the components it names and of their heirs (changed-components.ts), the head
 * from the working tree, the base from the touched stacks with the changed files read from
 * git. Every other instance is the same on both sides, so it is neither built nor compared; a
 * mistake in one of them is not reported here (`validate stacks` reports it). Undefined (the
 * full comparison then) when the change is of another kind, when a changed file may be read other
 * than as a manifest (`!include`, a link to it, a template's `file` namespace), or when a name
 * was reached in one manifest and not in another (ComponentScope.consistent).
 */
function compareScoped(config: AtmosConfig, repoRoot: string, ref: string, changedFiles: Set<string>, sides: SideOptions): BaseComparison | undefined {
  if (changedFiles.size === 0 || changesConfig(config, changedFiles)) return undefined;
  if (!allRegularFiles(changedFiles)) return undefined;
  const atBase = contentsAt(repoRoot, ref, [...changedFiles], sides.gitEnv);
  if (!atBase) return undefined;
  const scope = changedComponents(config, changedFiles, atBase, (file) => readFileSync(file));
  if (!scope) return undefined;
  const head = resolveStacks(config, { ...resolution(sides), computeDeps: false, buildOnly: scope.reaches });
  const read = new Set(head.manifestsRead);
  if (!scope.consistent || [...changedFiles].some((file) => !read.has(file)) || readsChanged(head, changedFiles) || readsFilesInTemplates(head, config.templates.delimiters) ||
    linksToChanged(head, changedFiles).size > 0) {
    return undefined;
  }
  const touched = touchedStacks(head, changedFiles);
  let base: ResolvedStacks;
  try {
    base = resolveStacks(config, { ...resolution(sides), stackFiles: head.stackFiles.filter((file) => touched.has(file)), computeDeps: false, manifestContents: atBase,
      earlier: { resolved: head, changed: changedFiles }, buildOnly: scope.reaches });
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
  if (!scope.consistent || readsChanged(base, changedFiles)) return undefined;
  const byKey = new Map<string, ComponentInstance>();
  for (const instance of base.instances) byKey.set(instanceKey(instance), instance);
  return compareSides(head, { touched, byKey }, changedFiles, config.basePath, repoRoot, false);
}

/**
 * Whether a template in a manifest or a file a manifest `!include`s (templates render after
 * merging, so their text can come from either) may use gomplate's `file` namespace: what it
 * reads is an input of the rendering instance only, known once that instance is built, and the
 * scoped comparison does not build them all.
 */
function readsFilesInTemplates(head: ResolvedStacks, delimiters: [string, string]): boolean {
  if (head.manifestsRead.some((file) => mayReadFilesInTemplates(head.reader.text(file), delimiters))) return true;
  for (const file of includedFiles(head)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return true;
    }
    if (mayReadFilesInTemplates(text, delimiters)) return true;
  }
  return false;
}

/** Every file a stack `!include`s, once. */
function includedFiles(resolved: ResolvedStacks): Set<string> {
  const files = new Set<string>();
  for (const closure of resolved.stackClosures.values()) for (const file of closure.includedFiles) files.add(file);
  return files;
}

/** Whether every changed file is a regular file at head: a deleted one, or a link (git keeps its target's name as the content), is not. */
function allRegularFiles(changedFiles: Set<string>): boolean {
  return [...changedFiles].every((file) => lstatSync(file, { throwIfNoEntry: false })?.isFile() === true);
}

/** Whether a stack's `!include` or an instance's template read a changed file. */
function readsChanged(resolved: ResolvedStacks, changedFiles: Set<string>): boolean {
  for (const closure of resolved.stackClosures.values()) if (closure.includedFiles.some((file) => changedFiles.has(file))) return true;
  return resolved.instances.some((instance) => instance.includedFiles.some((file) => changedFiles.has(file)));
}

/**
 * The head instances that differ from their base side, and the base instances gone at head.
 * `everyInstanceBuilt`: false when the head built only what a change can reach (compareScoped),
 * so a stack's name may be unknown.
 */
function compareSides(head: ResolvedStacks, base: BaseSide, changedFiles: Set<string>, basePath: string, repoRoot: string, everyInstanceBuilt = true): BaseComparison {
  const changed: BaseComparison['changed'] = [];
  const folders = new FolderChanges(changedFiles, basePath, repoRoot);
  const { checks } = selectedSections(head.config);
  for (const instance of head.instances) {
    if (instance.abstract || !instance.enabled) continue;
    // A stack no changed file reaches resolves the same at the base: compare it with itself.
    const baseInstance = base.touched.has(instance.manifestFile) ? base.byKey.get(instanceKey(instance)) : instance;
    const reasons = baseInstance === undefined ? newInstanceReasons(instance, folders, checks) : affectedReasons(baseInstance, instance, folders, checks);
    if (reasons.all.length > 0) changed.push({ instance, reasons });
  }
  const headKeys = new Set(head.instances.map(instanceKey));
  // As Atmos: a disabled instance gone at head is deleted too (it may have been deployed before it was disabled).
  const deleted = [...base.byKey.values()].filter((old) => !old.abstract && !headKeys.has(instanceKey(old)));
  // In stack and component order: the engine lists stacks in the order it met them, which differs when it builds only some instances.
  changed.sort((a, b) => byStackAndComponent(a.instance, b.instance));
  const headStacks = new Set([...head.instances, ...head.describedOnly].map((instance) => instance.stack));
  const headManifests = new Set(head.stackFiles);
  const stackAtHead = (old: ComponentInstance) => headStacks.has(old.stack) || (!everyInstanceBuilt && headManifests.has(old.manifestFile));
  return { changed, deleted: deleted.sort(byStackAndComponent), stackAtHead };
}

/**
 * Top-level stack manifests git ignores (a file or a folder of `.gitignore`): the engine reads
 * them as stacks, as Atmos does, and describe affected compares the working tree, so they are
 * added files. git lists ignored folders as one entry each (`--directory`): cheap however much
 * lies there, and nothing to do when nothing under the stacks folder is ignored. Nx never sees
 * such a file.
 */
function ignoredStackManifests(config: AtmosConfig, repoRoot: string, gitEnv: NodeJS.ProcessEnv | undefined): string[] {
  const stacksFolder = relative(repoRoot, config.stacks.basePath);
  if (stacksFolder === '..' || stacksFolder.startsWith('../') || isAbsolute(stacksFolder)) return [];
  const ignored = git(repoRoot, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z', '--', stacksFolder || '.'], gitEnv).split('\0').filter((entry) => entry !== '');
  if (ignored.length === 0) return [];
  const files = new Set(ignored.filter((entry) => !entry.endsWith('/')).map((entry) => join(repoRoot, entry)));
  const folders = ignored.filter((entry) => entry.endsWith('/')).map((entry) => join(repoRoot, entry)); // join keeps the trailing /
  return discoverStackFiles(config).filter((file) => files.has(file) || folders.some((folder) => file.startsWith(folder)));
}

/**
 * Files changed in the working tree since `ref` (committed, staged, unstaged or untracked),
 * absolute. `head` compares two commits instead, as `nx affected --head` does.
 */
export function changedSince(repoRoot: string, ref: string, head?: string, gitEnv?: NodeJS.ProcessEnv): Set<string> {
  const lists = head !== undefined
    ? [git(repoRoot, ['diff', '--name-only', '--no-renames', '-z', ref, head, '--'], gitEnv)]
    : [
      git(repoRoot, ['diff', '--name-only', '--no-renames', '-z', ref, 'HEAD', '--'], gitEnv),
      git(repoRoot, ['diff', '--name-only', '--no-renames', '-z', 'HEAD', '--'], gitEnv),
      git(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z'], gitEnv),
    ];
  const files = new Set<string>();
  for (const list of lists) for (const file of list.split('\0')) if (file !== '') files.add(join(repoRoot, file));
  return files;
}

/** What both sides are resolved with, and how git is run to read the base. */
export interface SideOptions extends Pick<ResolveOptions, 'env' | 'processTemplates'>, Pick<CompareOptions, 'gitEnv' | 'onWarning' | 'otherBase'> {}

/** The options of a side's resolution (git's environment is not the engine's business). */
function resolution({ env, processTemplates }: SideOptions): Pick<ResolveOptions, 'env' | 'processTemplates'> {
  return { env, processTemplates };
}

export interface BaseSide {
  /** Head stack manifests (absolute) whose instances were resolved at the base too. */
  touched: Set<string>;
  /** Instances at the base of the touched stacks and of stacks gone at head, by `component\0stack`. */
  byKey: Map<string, ComponentInstance>;
}

/**
 * The head stacks a changed file can reach: the stack manifest itself, a file of its import
 * closure or an `!include`d file changed, or a changed (added, deleted) file matches one of its
 * import patterns. Any other stack resolves the same at the base.
 */
export function touchedStacks(head: ResolvedStacks, changes: Set<string>): Set<string> {
  const touched = new Set<string>();
  if (changes.size === 0) return touched;
  // git names a changed file by its own path: a manifest imported through a link to it changed too.
  const links = linksToChanged(head, changes);
  const changedFiles = links.size === 0 ? changes : new Set([...changes, ...links]);
  const checkedImports = new Map<string[], boolean>();
  const matchers = new Map<string, (path: string) => boolean>();
  const changed = [...changedFiles];
  const reaches = (files: string[]): boolean => {
    let hit = checkedImports.get(files);
    if (hit === undefined) checkedImports.set(files, (hit = files.some((file) => changedFiles.has(file))));
    return hit;
  };
  // Instances of a stack share one pattern list, and stacks share patterns: each answered once.
  const patternHits = new Map<string, boolean>();
  const listHits = new Map<string[], boolean>();
  const matches = (patterns: string[]): boolean => {
    let hit = listHits.get(patterns);
    if (hit === undefined) {
      listHits.set(patterns, (hit = patterns.some((pattern) => {
        let patternHit = patternHits.get(pattern);
        if (patternHit === undefined) {
          let matcher = matchers.get(pattern);
          if (!matcher) matchers.set(pattern, (matcher = picomatch(pattern, { dot: true })));
          patternHits.set(pattern, (patternHit = changed.some((file) => matcher(file))));
        }
        return patternHit;
      })));
    }
    return hit;
  };
  for (const [file, closure] of head.stackClosures) {
    if (changedFiles.has(file) || reaches(closure.imports) || reaches(closure.includedFiles) || matches(closure.importPatterns)) touched.add(file);
  }
  // A file a template read (gomplate's file.Read) is in its own instance's list only.
  for (const instance of head.instances) {
    if (!touched.has(instance.manifestFile) && instance.includedFiles !== head.stackClosures.get(instance.manifestFile)?.includedFiles && reaches(instance.includedFiles)) {
      touched.add(instance.manifestFile);
    }
  }
  return touched;
}

/**
 * The manifests and `!include`d files the head read through a link (to the file or a folder
 * above it) whose target changed. Reading them at the base needs the base's tree: git keeps a
 * link as its target's name.
 */
export function linksToChanged(head: ResolvedStacks, changedFiles: ReadonlySet<string>): Set<string> {
  const links = new Set<string>();
  const repository = head.reader.repository;
  const check = (file: string) => {
    const target = repository.linkTarget(file);
    if (target !== undefined && changedFiles.has(target)) links.add(file);
  };
  for (const file of head.manifestsRead) check(file);
  for (const file of includedFiles(head)) check(file);
  return links;
}

/**
 * The base side of the comparison: the touched head stacks, and the stack manifests that changed
 * (deleted or renamed ones included), resolved from `git archive <ref>`. atmos.yaml changed
 * means every stack may differ: all are resolved.
 */
export function baseInstances(config: AtmosConfig, repoRoot: string, ref: string, head: ResolvedStacks, changedFiles: Set<string>, options: SideOptions): BaseSide {
  const configChanged = changesConfig(config, changedFiles);
  const touched = configChanged ? new Set(head.stackFiles) : touchedStacks(head, changedFiles);
  const byKey = new Map<string, ComponentInstance>();
  const stacksBase = config.stacks.basePath + '/';
  if (touched.size === 0 && ![...changedFiles].some((file) => file.startsWith(stacksBase))) return { touched, byKey };

  const edited = configChanged ? undefined : resolveEditedBase(config, repoRoot, ref, head, touched, changedFiles, options);
  if (edited) return { touched, byKey: edited };
  // Only the configuration trees are read from the base (not the whole repository: extracting
  // and deleting it cost more than resolving); a base that needs more (a file a template or
  // !include reads elsewhere) fails to resolve there, and is resolved from the whole tree.
  const narrow = configurationPaths(config, repoRoot, head, changedFiles);
  if (narrow) {
    try {
      return { touched, byKey: resolveAtBase(config, repoRoot, ref, narrow, touched, changedFiles, configChanged, options) };
    } catch (error) {
      if (!isUserError(error)) throw error;
    }
  }
  try {
    return { touched, byKey: resolveAtBase(config, repoRoot, ref, undefined, touched, changedFiles, configChanged, options) };
  } catch (error) {
    const missingImport = isUserError(error) ? userErrorsOf(error).find((one) => one.code === 'IMPORT_NOT_FOUND') : undefined;
    if (!missingImport) throw error;
    // As Atmos (describe_affected_utils.go): a base whose imports cannot be found is compared as
    // empty, so every instance is new. A branch that fixes a broken import on main is affected
    // whole, never refused; any other mistake at the base stays an error.
    options.onWarning?.(`${missingImport.format(repoRoot).split('\n')[0]}: compared with nothing, every instance is new (as Atmos treats a base whose imports it cannot find)`);
    return { touched: new Set(head.stackFiles), byKey: new Map() };
  }
}

/**
 * The base side without extracting anything, when the change only edits files (none added or
 * deleted, the Atmos configuration unchanged): every other file is the same at the base, so the
 * touched stacks resolve from the working tree with the changed manifests read from `ref`
 * (one `git cat-file --batch`). Undefined when that does not hold, or when the head or the
 * base reads a changed file other than as a manifest (`!include`, a template's file.Read):
 * the base is then extracted (resolveAtBase). At 10,000 instances, extracting and deleting the
 * configuration trees cost about as much as resolving the touched stacks again.
 */
function resolveEditedBase(config: AtmosConfig, repoRoot: string, ref: string, head: ResolvedStacks, touched: Set<string>, changedFiles: Set<string>,
  options: SideOptions): Map<string, ComponentInstance> | undefined {
  // A deleted file (or a link) takes the extracting path too, as does a link to a changed file.
  if (readsChanged(head, changedFiles) || !allRegularFiles(changedFiles) || linksToChanged(head, changedFiles).size > 0) return undefined;
  const atBase = contentsAt(repoRoot, ref, [...changedFiles], options.gitEnv);
  if (!atBase) return undefined;
  const wanted = new Set([...touched, ...changedFiles]);
  const stackFiles = head.stackFiles.filter((file) => wanted.has(file));
  const byKey = new Map<string, ComponentInstance>();
  if (stackFiles.length === 0) return byKey;
  let base: ResolvedStacks;
  try {
    base = resolveStacks(config, { ...resolution(options), stackFiles, computeDeps: false, manifestContents: atBase, earlier: { resolved: head, changed: changedFiles } });
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
  if (readsChanged(base, changedFiles)) return undefined;
  for (const instance of base.instances) byKey.set(instanceKey(instance), instance);
  return byKey;
}

/** The files' contents at `ref` by one `git cat-file --batch`; undefined when one is not a file there. */
function contentsAt(repoRoot: string, ref: string, files: string[], gitEnv: NodeJS.ProcessEnv | undefined): Map<string, Buffer> | undefined {
  const names = files.map((file) => posixPath(relative(repoRoot, file)));
  // The batch protocol is line based: a name with a line break takes the extracting path.
  if (names.some((name) => name.includes('\n') || name.startsWith('..'))) return undefined;
  let output: Buffer;
  try {
    output = execFileSync('git', ['-C', repoRoot, 'cat-file', '--batch'], { input: names.map((name) => `${ref}:${name}\n`).join(''), maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'ignore'], env: gitEnv });
  } catch {
    return undefined;
  }
  const contents = new Map<string, Buffer>();
  let at = 0;
  for (const file of files) {
    const lineEnd = output.indexOf(0x0a, at);
    if (lineEnd < 0) return undefined;
    // `<object> blob <size>`, or `<name> missing` for a file the commit does not have (added since).
    const [, type, size] = output.subarray(at, lineEnd).toString('utf8').split(' ');
    if (type !== 'blob') return undefined;
    const start = lineEnd + 1;
    contents.set(file, output.subarray(start, start + Number(size)));
    at = start + Number(size) + 1;
  }
  return contents;
}

/**
 * What the base side reads, relative to the repository: atmos.yaml, the stacks and components
 * trees, and the files outside them the head side read (`!include`) or that changed. Undefined
 * when one of them lies outside the repository (the whole tree is extracted then).
 */
function configurationPaths(config: AtmosConfig, repoRoot: string, head: ResolvedStacks, changedFiles: Set<string>): string[] | undefined {
  const trees = [config.stacks.basePath, config.components.terraform.basePath];
  const paths = new Set<string>();
  const add = (path: string): boolean => {
    const rel = relative(repoRoot, path);
    if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return false;
    paths.add(posixPath(rel));
    return true;
  };
  if (config.configFile && !add(config.configFile)) return undefined;
  for (const tree of trees) if (!add(tree)) return undefined;
  const inTrees = (file: string) => trees.some((tree) => file.startsWith(tree + '/'));
  const seen = new Set<string[]>();
  for (const instance of head.instances) {
    if (seen.has(instance.includedFiles)) continue;
    seen.add(instance.includedFiles);
    for (const file of instance.includedFiles) if (!inTrees(file) && !add(file)) return undefined;
  }
  for (const file of changedFiles) if (!inTrees(file) && file !== config.configFile && !add(file)) return undefined;
  return [...paths].sort();
}

/** The base instances of the touched stacks and of the changed stack manifests, from `git archive <ref> [-- paths]`. */
function resolveAtBase(config: AtmosConfig, repoRoot: string, ref: string, paths: string[] | undefined, touched: Set<string>, changedFiles: Set<string>,
  configChanged: boolean, options: SideOptions): Map<string, ComponentInstance> {
  const byKey = new Map<string, ComponentInstance>();
  const baseDir = mkdtempSync(join(tmpdir(), 'atmos-affected-'));
  try {
    let archive: Buffer;
    try {
      archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', ref, ...(paths ? ['--', ...paths] : [])], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'], env: options.gitEnv });
    } catch (error) {
      // A path that is not in the base commit (a file added since): the whole tree instead.
      if (paths) throw new AtmosUserError('USAGE', `git archive ${ref}: ${(error as Error).message}`);
      throw error;
    }
    execFileSync('tar', ['-x', '-C', baseDir], { input: archive });
    const inBase = (path: string) => join(baseDir, relative(repoRoot, path));
    const baseConfigPath = config.configFile ? inBase(config.configFile) : undefined;
    // A base from before Atmos came to the repository (the change adds atmos.yaml): nothing was
    // there, so every instance is new, as Atmos treats a base it cannot find stacks in.
    if (baseConfigPath !== undefined && !existsSync(baseConfigPath)) {
      options.onWarning?.(`the base (${ref.slice(0, 12)}) has no ${posixPath(relative(repoRoot, config.configFile!))}: compared with nothing, every instance is new (as Atmos treats a base without stacks)`);
      return byKey;
    }
    let resolvedBase: ResolvedStacks | undefined;
    try {
      const baseConfig = loadAtmosConfig({ cwd: inBase(config.basePath), env: { ...options.env, ATMOS_CLI_CONFIG_PATH: baseConfigPath, ATMOS_BASE_PATH: undefined }, gitRoot: inBase(repoRoot) });
      const wanted = new Set([...touched].map(inBase));
      for (const file of changedFiles) wanted.add(inBase(file));
      const baseStackFiles = discoverStackFiles(baseConfig);
      if (baseStackFiles.length === 0) {
        // As Atmos: a base whose stacks folder holds no manifest (not yet there, or elsewhere) is empty.
        options.onWarning?.(`the base (${ref.slice(0, 12)}) has no stack manifests under ${posixPath(relative(baseDir, baseConfig.stacks.basePath)) || '.'}: compared with nothing, every instance is new (as Atmos treats a base without stacks)`);
        return byKey;
      }
      const stackFiles = configChanged ? undefined : baseStackFiles.filter((file) => wanted.has(file));
      if (stackFiles === undefined || stackFiles.length > 0) resolvedBase = resolveStacks(baseConfig, { ...resolution(options), stackFiles, computeDeps: false });
    } catch (error) {
      throw isUserError(error) ? mistakeAtBase(error, baseDir, repoRoot, ref, options.otherBase ?? '--base <ref>') : error;
    }
    if (resolvedBase) {
      // Paths as they are in the repository (the temporary folder is gone on return).
      const inHead = (path: string) => join(repoRoot, relative(baseDir, path));
      const lists = new Map<string[], string[]>();
      const listInHead = (list: string[]) => {
        let mapped = lists.get(list);
        if (!mapped) lists.set(list, (mapped = list.map(inHead)));
        return mapped;
      };
      for (const instance of resolvedBase.instances) {
        byKey.set(instanceKey(instance), {
          ...instance,
          manifestFile: inHead(instance.manifestFile),
          componentPath: inHead(instance.componentPath),
          imports: listInHead(instance.imports),
          includedFiles: listInHead(instance.includedFiles),
        });
      }
    }
    return byKey;
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

/**
 * A mistake in the base's stacks, said so: its paths are the repository's (the extracted copy is
 * gone when this is printed), and the hint says where it is and what to do about it.
 */
function mistakeAtBase(error: AtmosUserError, baseDir: string, repoRoot: string, ref: string, otherBase: string): AtmosUserError {
  const inRepository = (text: string) => text.split(baseDir).join(repoRoot);
  const mapped = userErrorsOf(error).map((one) => new AtmosUserError(one.code, `at the base (${ref.slice(0, 12)}): ${inRepository(one.message)}`,
    one.location && { ...one.location, file: inRepository(one.location.file) },
    `${one.hint ? `${inRepository(one.hint)}; ` : ''}that is the file as the base commit has it: describe affected compares against it, so compare against a base whose stacks resolve (${otherBase})`));
  return mapped.length === 1 ? mapped[0] : new UserErrors(mapped);
}

/** The first of configDifferences, or undefined when the configuration is the same. */
export function configDifference(config: AtmosConfig, base: ComponentInstance, head: ComponentInstance): string | undefined {
  for (const reason of configDifferences(base, head, selectedSections(config).checks)) return reason;
  return undefined;
}

/**
 * Whether a changed file lies in a component folder or its local modules, or matches a declared
 * dependency: once per folder or pattern, not per instance.
 */
class FolderChanges {
  private readonly modules = new Map<string, string[]>();
  private readonly folder = new Map<string, boolean>();
  private readonly moduleHit = new Map<string, boolean>();
  private readonly patternHit = new Map<string, boolean>();
  private relativeFiles?: string[];

  constructor(private readonly changedFiles: Set<string>, readonly basePath: string, private readonly repoRoot: string) {}

  /** A changed file (relative to the base path) matches the glob. */
  matches(pattern: string): boolean {
    let hit = this.patternHit.get(pattern);
    if (hit === undefined) {
      const isMatch = picomatch(pattern, { dot: true });
      this.relativeFiles ??= [...this.changedFiles].map((file) => relative(this.basePath, file));
      this.patternHit.set(pattern, (hit = this.relativeFiles.some((file) => isMatch(file))));
    }
    return hit;
  }

  /** A change in the folder, or in the folder it really is when it is a link (git lists changes under the real path). */
  inFolder(folder: string): boolean {
    let hit = this.folder.get(folder);
    if (hit === undefined) this.folder.set(folder, (hit = withRealPath(folder, this.repoRoot).some((path) => touches(this.changedFiles, path))));
    return hit;
  }

  inModules(componentPath: string): boolean {
    let hit = this.moduleHit.get(componentPath);
    if (hit === undefined) this.moduleHit.set(componentPath, (hit = localModuleFolders(componentPath, this.modules).some((folder) => this.inFolder(folder))));
    return hit;
  }
}

/** Every reason an instance is affected, in Atmos's order (the first is the headline), with the dependency file or folder that changed. */
interface Reasons {
  all: string[];
  file?: string;
  folder?: string;
}

function affectedReasons(base: ComponentInstance, head: ComponentInstance, changes: FolderChanges, checks: readonly SectionCheck[]): Reasons {
  const config = [...configDifferences(base, head, checks)];
  const all: string[] = [];
  const metadata = config[0] === METADATA_REASON;
  if (metadata) all.push(config.shift() as string);
  // Atmos looks at the local modules before the folder itself.
  if (changes.inModules(head.componentPath)) all.push('component.module');
  // Another folder named: Atmos sees it as the metadata change it is (metadata.component); ours
  // also when the legacy `component:` key names it, which Atmos does not compare.
  const renamed = config[0] === 'component';
  if (renamed) config.shift();
  if ((renamed && !metadata) || changes.inFolder(head.componentPath)) all.push('component');
  all.push(...config);
  return withDependencyReason(all, head, changes);
}

/** A new instance: every section Atmos's merged component has differs from nothing. */
function newInstanceReasons(head: ComponentInstance, changes: FolderChanges, checks: readonly SectionCheck[]): Reasons {
  const all = [METADATA_REASON];
  if (changes.inModules(head.componentPath)) all.push('component.module');
  if (changes.inFolder(head.componentPath)) all.push('component');
  for (const { reason, value, optional } of checks) if (!optional || !isEmptyMap(value(head))) all.push(reason);
  return withDependencyReason(all, head, changes);
}

/**
 * The first declared dependency file or folder a changed file matches, as Atmos finds it: each
 * path is a glob (doublestar's PathMatch in Atmos), a folder's whole tree; one reason.
 */
function withDependencyReason(all: string[], head: ComponentInstance, changes: FolderChanges): Reasons {
  // Both forms Atmos reads: `dependencies.files/folders` and `settings.depends_on` file/folder entries (as the Nx inputs do).
  const { files, folders } = declaredDependencies(head.sections, { file: head.manifestFile });
  const file = files.find((path) => changes.matches(dependencyGlob(path, changes.basePath)));
  if (file !== undefined) return { all: [...all, 'file'], file };
  const folder = folders.find((path) => {
    const glob = dependencyFolderGlob(path, changes.basePath);
    return changes.matches(glob === undefined ? '**' : `${glob}/**`);
  });
  if (folder !== undefined) return { all: [...all, 'folder'], folder };
  return { all };
}

function isEmptyMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/**
 * A changed file in the folder, or the folder itself: git names a link re-pointed to another
 * folder, or a submodule moved to another commit, by the folder's own path (Atmos's
 * `<folder>/**` matches the folder too).
 */
function touches(changedFiles: Set<string>, folder: string): boolean {
  const path = folder.replace(/\/+$/, '');
  const prefix = path + '/';
  for (const file of changedFiles) if (file === path || file.startsWith(prefix)) return true;
  return false;
}

function byStackAndComponent(a: ComponentInstance, b: ComponentInstance): number {
  return a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : a.component < b.component ? -1 : a.component > b.component ? 1 : 0;
}

export function instanceKey(instance: Pick<ComponentInstance, 'component' | 'stack'>): string {
  return `${instance.component}\0${instance.stack}`;
}

function entry(config: AtmosConfig, instance: ComponentInstance, reasons: Reasons, settings: PlainMap | null): AffectedInstance {
  return {
    ...instanceFields(config, instance),
    affected: reasons.all[0],
    affected_all: reasons.all,
    ...(reasons.file !== undefined ? { file: reasons.file } : {}),
    ...(reasons.folder !== undefined ? { folder: reasons.folder } : {}),
    dependents: null,
    included_in_dependents: false,
    settings,
  };
}

export function instanceFields(config: AtmosConfig, instance: ComponentInstance): InstanceFields {
  return {
    component: instance.component,
    component_type: 'terraform',
    component_path: relative(config.basePath, instance.componentPath),
    ...contextOf(instance.sections.vars),
    stack: instance.stack,
    stack_slug: `${instance.stack}-${instance.component.split('/').join('-')}`,
  };
}


export function git(cwd: string, args: string[], gitEnv?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, env: gitEnv });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new AtmosUserError('USAGE', `git ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`, undefined,
      'run inside a git repository and pass an existing ref, e.g. --base main');
  }
}
