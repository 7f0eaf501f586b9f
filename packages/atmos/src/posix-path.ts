import { sep } from 'node:path';

/**
 * A relative path as git and Nx write paths: `/`-separated. A backslash is a separator only on
 * Windows; elsewhere it is part of a file name and stays.
 */
export function posixPath(path: string): string {
  return sep === '\\' ? path.split('\\').join('/') : path;
}
