/**
 * Errors a user can cause (bad YAML, a missing import, a cycle, a template mistake) are
 * `AtmosUserError`s: they carry the file and position and say what to do. The CLI and the
 * Nx plugin print them in one line without a stack trace; anything else is a bug and keeps
 * its stack.
 */
export interface SourceLocation {
  /** Absolute path of the file the problem is in. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
}

export type UserErrorCode =
  | 'CONFIG_INVALID'
  | 'YAML_SYNTAX'
  | 'YAML_ALIAS_LIMIT'
  | 'IMPORT_NOT_FOUND'
  | 'IMPORT_CYCLE'
  | 'LOCALS_CYCLE'
  | 'IMPORT_ESCAPES_REPO'
  | 'IMPORT_INVALID'
  | 'TEMPLATE_ERROR'
  | 'UNKNOWN_BASE_COMPONENT'
  | 'INHERITANCE_CYCLE'
  | 'CONFLICTING_COMPONENT'
  | 'STACK_NAME'
  | 'COMPONENT_NOT_FOUND'
  | 'STACK_NOT_FOUND'
  | 'FUNCTION_ERROR'
  | 'AWS_ERROR'
  | 'INVALID_MANIFEST'
  | 'INVALID_NAME'
  | 'WRONG_TYPE'
  | 'PATH_OUTSIDE_ROOT'
  | 'LIMIT_EXCEEDED'
  | 'USAGE';

export class AtmosUserError extends Error {
  override readonly name = 'AtmosUserError';

  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly location?: SourceLocation,
    /** What the user should do about it. */
    readonly hint?: string,
  ) {
    super(message);
  }

  /** One line (plus an optional hint line) for humans: `file:line:col: message`. */
  format(relativeTo?: string): string {
    const where = this.location ? `${formatLocation(this.location, relativeTo)}: ` : '';
    const hint = this.hint ? `\n  hint: ${this.hint}` : '';
    return `${where}${this.message}${hint}`;
  }
}

export function formatLocation(location: SourceLocation, relativeTo?: string): string {
  let file = location.file;
  if (relativeTo && file.startsWith(relativeTo + '/')) file = file.slice(relativeTo.length + 1);
  if (location.line === undefined) return file;
  return location.column === undefined ? `${file}:${location.line}` : `${file}:${location.line}:${location.column}`;
}

export function isUserError(error: unknown): error is AtmosUserError {
  return error instanceof AtmosUserError;
}

/**
 * Several user mistakes found by one validation pass, reported together (never only the first).
 * It is a user error itself, so every place that prints one prints all: `format` gives one
 * `file:line:col: message` block per problem, each after the first prefixed `error: ` like the
 * first one is by the caller.
 */
export class UserErrors extends AtmosUserError {
  constructor(readonly errors: AtmosUserError[]) {
    super(errors[0]?.code ?? 'INVALID_MANIFEST', `${errors.length} problems in the stack manifests`, errors[0]?.location, errors[0]?.hint);
  }

  override format(relativeTo?: string): string {
    return this.errors.map((error) => error.format(relativeTo)).join('\nerror: ') + `\n${this.errors.length} problems found`;
  }
}

/** Throws what was collected: nothing, the one error as it is, or all of them together. */
export function throwCollected(errors: AtmosUserError[]): void {
  const unique = uniqueErrors(errors);
  if (unique.length === 1) throw unique[0];
  if (unique.length > 1) throw new UserErrors(unique);
}

/** The same mistake found twice (a broken catalog file imported by two stacks) is reported once. */
export function uniqueErrors(errors: AtmosUserError[]): AtmosUserError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.code}\0${error.format()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The single errors inside a collected one. */
export function userErrorsOf(error: AtmosUserError): AtmosUserError[] {
  return error instanceof UserErrors ? error.errors : [error];
}
