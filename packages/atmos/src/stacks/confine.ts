/**
 * "Imports may only read inside the repository", for the real path: a manifest, an `!include`d
 * file or a component folder reached through a symlink pointing outside the repository is
 * refused, as is one whose path as written leads outside (`../../etc/x`). The repository is the
 * base path of atmos.yaml, itself resolved for real.
 *
 * Cheap enough to ask for every manifest read: folders are resolved and listed once each (a
 * stack reads a hundred manifests from a dozen folders; the listing says which entries are
 * links), and a file is resolved on its own only when it is a link.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

export class RepositoryFiles {
  private readonly realRoot: string;
  private readonly realFolders = new Map<string, string | undefined>();
  /** Per folder, the names of its entries that are symbolic links (undefined: not listable). */
  private readonly links = new Map<string, Set<string> | undefined>();

  constructor(readonly rootPath: string) {
    this.realRoot = realOrUndefined(rootPath) ?? rootPath;
  }

  /**
   * Undefined when `path` (an existing file or folder) lies inside the repository, else where it
   * really is (the path as written when that already leads outside).
   */
  outside(path: string): string | undefined {
    if (!isInside(this.rootPath, path)) return path;
    const real = this.realPath(path);
    return real !== undefined && isInside(this.realRoot, real) ? undefined : real ?? path;
  }

  /**
   * Where a file inside the repository really is, spelled under the base path as written (a
   * manifest imported through a link has its target's path here): undefined when it is not a
   * link and no folder above it is (or it does not exist).
   */
  linkTarget(path: string): string | undefined {
    const real = this.realPath(path);
    if (real === undefined || !isInside(this.realRoot, real)) return undefined;
    const spelled = join(this.rootPath, relative(this.realRoot, real));
    return spelled === path ? undefined : spelled;
  }

  private realPath(path: string): string | undefined {
    const folder = dirname(path);
    let realFolder = this.realFolders.get(folder);
    if (realFolder === undefined && !this.realFolders.has(folder)) this.realFolders.set(folder, (realFolder = realOrUndefined(folder)));
    if (realFolder === undefined) return undefined;
    const links = this.linksIn(folder);
    // A missing file is not a link (the caller reports it missing); a dangling link has no real path.
    if (links === undefined) return realOrUndefined(path) ?? join(realFolder, basename(path));
    return links.has(basename(path)) ? realOrUndefined(path) : join(realFolder, basename(path));
  }

  private linksIn(folder: string): Set<string> | undefined {
    if (this.links.has(folder)) return this.links.get(folder);
    let names: Set<string> | undefined;
    try {
      names = new Set(readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isSymbolicLink()).map((entry) => entry.name));
    } catch {
      names = undefined;
    }
    this.links.set(folder, names);
    return names;
  }
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}
