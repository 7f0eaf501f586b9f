/**
 * The environment of a git that reads another clone's objects too (describe affected
 * --repo-path: the base is the commit checked out there, which this repository need not have,
 * as when CI checks out the branch and its base into two shallow clones). git reads them through
 * GIT_ALTERNATE_OBJECT_DIRECTORIES; nothing is fetched or written into either repository.
 */
export function gitEnvReadingObjectsOf(objectsFolder: string, inherited: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const before = inherited.GIT_ALTERNATE_OBJECT_DIRECTORIES;
  const entry = alternateEntry(objectsFolder);
  return { ...inherited, GIT_ALTERNATE_OBJECT_DIRECTORIES: before ? `${entry}:${before}` : entry };
}

/**
 * One entry of the colon-separated list: quoted when the folder's name holds a colon (git reads
 * an entry that starts with a double quote as a C-style quoted string).
 */
export function alternateEntry(folder: string): string {
  if (!folder.includes(':') && !folder.startsWith('"')) return folder;
  return `"${folder.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}
