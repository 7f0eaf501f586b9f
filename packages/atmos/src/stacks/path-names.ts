/**
 * Names that become paths: a stack, a component, a Terraform component folder, a workspace.
 * They end up in project roots (`.atmos/<stack>/<component>`), work folders, state folders and
 * plan file names, so a name made of `..` segments could point a write or a delete anywhere (a
 * stack and a component named `..` made `nx run ..-..:clean` delete the repository).
 *
 * `/` stays allowed as a separator (`lambda/orders`, `eks/cluster`, stacks named by their file
 * path); an empty, `.` or `..` segment, a leading `/` (an absolute path), a NUL and a segment
 * starting with `-` (read as a flag where the name reaches a command line) are refused where the
 * name is first read, naming the file.
 */
import { AtmosUserError, type SourceLocation } from '../errors/user-error';

/** What is wrong with a name used as (part of) a path, or undefined when it is fine. */
export function pathNameProblem(name: string): string | undefined {
  // Nearly every name passes this check: no segment starts with `.`, `-` or is empty, no NUL.
  if (name !== '' && !name.includes('\0') && !startsBadSegment(name, 0) && !name.includes('/.') && !name.includes('/-') && !name.includes('//') && !name.endsWith('/')) {
    return undefined;
  }
  if (name === '') return 'is empty';
  if (name.includes('\0')) return 'contains a NUL character';
  if (name.startsWith('/')) return 'is an absolute path';
  for (const segment of name.split('/')) {
    if (segment === '') return "has an empty path segment ('//' or a trailing '/')";
    if (segment === '.' || segment === '..') return `has a '${segment}' path segment`;
    if (segment.startsWith('-')) return `has a segment starting with '-' ('${segment}')`;
  }
  return undefined;
}

function startsBadSegment(name: string, index: number): boolean {
  const c = name.charCodeAt(index);
  return c === 0x2e /* . */ || c === 0x2d /* - */ || c === 0x2f /* / */;
}

/**
 * Throws a user error when `name` cannot be used as a path. `what` says which name it is
 * (`component name`, `stack name`, ...), `hint` what to change. Called for every instance
 * (stack, workspace, component folder): the passing case is a few scans of a short string, and
 * `what` is only built for an error.
 */
export function assertPathName(name: string, what: string | (() => string), location: SourceLocation | (() => SourceLocation), hint: string): void {
  const problem = pathNameProblem(name);
  if (problem === undefined) return;
  throw new AtmosUserError('INVALID_NAME', `${typeof what === 'function' ? what() : what} '${printable(name)}' ${problem}: it becomes a path, so it must be relative segments separated by '/', none of them empty, '.', '..' or starting with '-'`,
    typeof location === 'function' ? location() : location, hint);
}

function printable(name: string): string {
  return name.replace(/\0/g, '\\0');
}
