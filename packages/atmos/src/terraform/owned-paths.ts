/**
 * The folders the run phase owns, and the check every write or delete it does passes first.
 *
 * Names are validated where they are read (stacks/path-names.ts), but a path built from them can
 * still lead elsewhere through a symlink (`.atmos/work/dev` linked to `/`), and an executor can be
 * handed options by hand (`nx run x:clean --stack=..`). So before writing or deleting, the path is
 * resolved for real (symlinks of every existing parent followed, as the kernel would) and must lie
 * inside the area it belongs to: the instance's work folder, the local state folder, the
 * state-backup or the stored-plan folder. The final name itself is not followed: a delete removes
 * a link, never what it points to, and writes replace a link by renaming over it (files.ts).
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AtmosUserError } from '../errors/user-error';

/** The areas under `.atmos/` the run phase may write to or delete from. */
export interface OwnedAreas {
  /** `.atmos/work`: one staged work folder per instance (`clean` deletes one). */
  work: string;
  /** `.atmos/state`: local state when an instance has no backend (never deleted by us). */
  state: string;
  /** `.atmos/state-backups`: copies of state taken before a risky operation. */
  stateBackups: string;
  /** `.atmos/plans`: stored plans. */
  plans: string;
}

export function ownedAreas(workspaceRoot: string): OwnedAreas {
  const atmos = join(workspaceRoot, '.atmos');
  return { work: join(atmos, 'work'), state: join(atmos, 'state'), stateBackups: join(atmos, 'state-backups'), plans: join(atmos, 'plans') };
}

export type PathAction = 'write' | 'delete' | 'create a folder at';

/**
 * Throws unless `path` (its parent resolved for real, its own name as written) lies inside
 * `root` (resolved for real). `strict`: the root itself does not count as inside (deleting a
 * work folder must not be deleting `.atmos/work`).
 */
export function assertInsideRoot(path: string, root: string, action: PathAction, options: { strict?: boolean } = {}): void {
  const real = realLocation(path);
  const realRoot = realExisting(root);
  const rel = relative(realRoot, real);
  const inside = real === DANGLING || realRoot === DANGLING ? false : rel === '' ? !options.strict : rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel);
  if (inside) return;
  throw new AtmosUserError('PATH_OUTSIDE_ROOT',
    `refusing to ${action} ${path}${real !== path ? ` (really ${real})` : ''}: it is not inside ${root}${options.strict ? ' (strictly)' : ''}`, undefined,
    'a stack, component or workspace name, or a symlink under .atmos/, leads outside the folder this command owns; fix the name or remove the symlink');
}

/** The path with its parent folders' symlinks resolved; the last name kept as written. */
export function realLocation(path: string): string {
  const parent = dirname(path);
  return parent === path ? path : join(realExisting(parent), basename(path));
}

const DANGLING = '\0dangling symlink';

/** The real path of the nearest existing ancestor, with the missing rest appended as written. */
function realExisting(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    if (exists(current)) {
      // A dangling link cannot be resolved: what a write through it would create is unknown, so it counts as outside.
      let real: string;
      try {
        real = realpathSync.native(current);
      } catch {
        return DANGLING;
      }
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    }
    const parent = dirname(current);
    if (parent === current) return path;
    missing.push(basename(current));
    current = parent;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
