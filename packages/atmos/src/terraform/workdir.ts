/**
 * Each instance runs in its own staged working directory, so `vpc` in two stacks can run at the
 * same time without sharing `.terraform`, plan files or generated files, and the component
 * folder is never modified.
 *
 * The workdir mirrors the repository's folder structure (`.atmos/work/<stack>/<component>/`
 * + the component's path), with every sibling on the way linked back to the real tree, so
 * relative module sources such as `../modules/label` or `../../shared/x` resolve exactly as
 * they do from the component folder. The component's own files are symlinked one by one;
 * generated files (backend.tf.json, the varfile) are real files beside them. The lock file is
 * copied, not linked, so `terraform init` never writes into the component folder.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, rmdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { writeAtomically } from './files';
import { assertInsideRoot, ownedAreas } from './owned-paths';

/** Entries of the component folder never linked into a workdir. */
const NEVER_STAGED = new Set(['.terraform', 'terraform.tfstate', 'terraform.tfstate.backup', 'terraform.tfstate.d', 'backend.tf.json', '.terraform.lock.hcl']);

/** Top-level repository entries not mirrored (our own work area, VCS data). */
const NOT_MIRRORED = new Set(['.atmos', '.git', '.nx']);

export interface Workdir {
  /** Where every instance's work folder lives: `.atmos/work`. */
  area: string;
  /** The instance's private area: `.atmos/work/<stack>/<component>`. */
  root: string;
  /** Where terraform runs: the mirrored component folder inside `root`. */
  dir: string;
  dataDir: string;
}

export function workdirFor(workspaceRoot: string, stack: string, component: string, componentPath: string): Workdir {
  const area = ownedAreas(workspaceRoot).work;
  const root = join(area, safeSegment(stack), safeSegment(component));
  const dir = join(root, relative(workspaceRoot, componentPath));
  return { area, root, dir, dataDir: join(dir, '.terraform') };
}

/** The instance's folder under `.atmos/work` (two instances must never share one). */
export function workFolderName(stack: string, component: string): string {
  return join(safeSegment(stack), safeSegment(component));
}

function safeSegment(name: string): string {
  return name.split('/').join('__');
}

/** Builds (or refreshes) the mirrored tree; cheap when it already exists. */
export function stageWorkdir(workspaceRoot: string, componentPath: string, workdir: Workdir): void {
  assertComponentInside(workspaceRoot, componentPath);
  // The instance's folder lies strictly inside .atmos/work, and everything staged lies inside it.
  assertInsideRoot(workdir.root, workdir.area, 'create a folder at', { strict: true });
  const segments = relative(workspaceRoot, componentPath).split(sep);
  let realParent = workspaceRoot;
  let stagedParent = workdir.root;
  for (const segment of segments) {
    assertInsideRoot(stagedParent, workdir.root, 'create a folder at');
    mkdirSync(stagedParent, { recursive: true });
    const skip = stagedParent === workdir.root ? NOT_MIRRORED : new Set<string>();
    linkEntries(realParent, stagedParent, new Set([...skip, segment]));
    realParent = join(realParent, segment);
    stagedParent = join(stagedParent, segment);
  }
  assertInsideRoot(stagedParent, workdir.root, 'create a folder at');
  mkdirSync(stagedParent, { recursive: true });
  linkEntries(realParent, stagedParent, NEVER_STAGED);
  // Copied (never linked: init may rewrite it), and copied again whenever the component's changes.
  const lockFile = join(componentPath, '.terraform.lock.hcl');
  const stagedLock = join(stagedParent, '.terraform.lock.hcl');
  if (existsSync(lockFile)) {
    const lock = readFileSync(lockFile, 'utf8');
    if (lock !== (existsSync(stagedLock) ? readFileSync(stagedLock, 'utf8') : undefined)) writeAtomically(stagedLock, lock, workdir.root, 0o644);
  }
}

/**
 * The component folder (symlinks followed) lies inside the repository: the workdir mirrors it by
 * its path in the repository, and terraform reads every file in it.
 */
function assertComponentInside(workspaceRoot: string, componentPath: string): void {
  const written = relative(workspaceRoot, componentPath);
  let real: string | undefined;
  try {
    real = relative(realpathSync.native(workspaceRoot), realpathSync.native(componentPath));
  } catch {
    real = written;
  }
  for (const rel of [written, real]) {
    if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) {
      throw new AtmosUserError('PATH_OUTSIDE_ROOT', `the Terraform component folder ${componentPath} is${rel === real && real !== written ? ' (through a symlink)' : ''} outside the repository ${workspaceRoot}`,
        undefined, 'keep component folders inside the repository (components.terraform.base_path); vendor an outside module into it');
    }
  }
}

/** Symlinks every entry of `from` into `to` (except `skip`), replacing stale links. */
function linkEntries(from: string, to: string, skip: Set<string>): void {
  const wanted = new Set<string>();
  for (const entry of readdirSync(from)) {
    if (skip.has(entry)) continue;
    wanted.add(entry);
    const target = join(from, entry);
    const link = join(to, entry);
    const existing = lstatOrUndefined(link);
    if (existing?.isSymbolicLink() && readlinkSync(link) === target) continue;
    if (existing) rmSync(link, { recursive: true, force: true });
    symlinkSync(target, link);
  }
  // A file removed from the component must disappear from the workdir too.
  for (const entry of readdirSync(to)) {
    const link = join(to, entry);
    if (!wanted.has(entry) && lstatOrUndefined(link)?.isSymbolicLink()) unlinkSync(link);
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export function removeWorkdir(workdir: Workdir): void {
  assertInsideRoot(workdir.root, workdir.area, 'delete', { strict: true });
  rmSync(workdir.root, { recursive: true, force: true });
  // Leave no empty stack folder behind.
  const stackFolder = dirname(workdir.root);
  try {
    assertInsideRoot(stackFolder, workdir.area, 'delete', { strict: true });
    rmdirSync(stackFolder);
  } catch {
    /* not empty or already gone */
  }
}
