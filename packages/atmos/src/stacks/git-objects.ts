/**
 * Another clone's objects, read by every git the comparison starts (describe affected
 * --repo-path: the base is the commit checked out there, which this repository need not have,
 * as when CI checks out the branch and its base into two shallow clones). git reads them through
 * GIT_ALTERNATE_OBJECT_DIRECTORIES; nothing is fetched or written into either repository.
 */
let alternates: string | undefined;

/** Runs `fn` with git reading the objects in `objectsFolder` too. */
export function readingObjectsOf<T>(objectsFolder: string, fn: () => T): T {
  const before = alternates;
  alternates = before === undefined ? alternateEntry(objectsFolder) : `${alternateEntry(objectsFolder)}:${before}`;
  try {
    return fn();
  } finally {
    alternates = before;
  }
}

/** The environment of a git the comparison runs: the process's, with the alternates when there are. */
export function gitEnvironment(): NodeJS.ProcessEnv | undefined {
  if (alternates === undefined) return undefined;
  const inherited = process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES;
  return { ...process.env, GIT_ALTERNATE_OBJECT_DIRECTORIES: inherited ? `${alternates}:${inherited}` : alternates };
}

/**
 * One entry of the colon-separated list: quoted when the folder's name holds a colon (git reads
 * an entry that starts with a double quote as a C-style quoted string).
 */
export function alternateEntry(folder: string): string {
  if (!folder.includes(':') && !folder.startsWith('"')) return folder;
  return `"${folder.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}
