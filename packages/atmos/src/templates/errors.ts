/**
 * Template errors. Inside the engine, problems are thrown as `PositionedError`s that only know
 * an offset into the template source: parse results are cached and shared by every file that
 * contains the same template string, so the file name and line offset can only be attached at
 * the public boundary, where `toTemplateError` turns them into a `TemplateError`.
 */

export interface TemplateLocation {
  file?: string;
  line?: number;
  column?: number;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The problem alone, without the `file:line:col: ` prefix the message starts with. */
  readonly detail: string;

  constructor(detail: string, location: TemplateLocation = {}, options?: { cause?: unknown }) {
    super(`${formatTemplateLocation(location)}${detail}`, options);
    this.detail = detail;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
  }
}

function formatTemplateLocation({ file, line, column }: TemplateLocation): string {
  const name = file ?? 'template';
  if (line === undefined) return `${name}: `;
  return column === undefined ? `${name}:${line}: ` : `${name}:${line}:${column}: `;
}

/** Internal: a problem at an offset of the template source. */
export class PositionedError extends Error {
  constructor(
    readonly pos: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

/** 1-based line and column (in UTF-16 units, as editors count) of `pos` in `source`. */
export function lineAndColumn(source: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < pos; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

export interface ErrorContext {
  fileName?: string;
  startLine?: number;
}

/**
 * Attaches file and absolute line to an internal error. Anything unexpected (a bug, or a stack
 * overflow on cyclic data) still becomes a TemplateError, keeping the original as its cause.
 */
export function toTemplateError(error: unknown, source: string, context: ErrorContext = {}): TemplateError {
  if (error instanceof TemplateError) return error;
  if (!(error instanceof PositionedError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new TemplateError(`internal error: ${message}`, { file: context.fileName }, { cause: error });
  }
  const { line, column } = lineAndColumn(source, error.pos);
  return new TemplateError(
    error.detail,
    { file: context.fileName, line: line + (context.startLine ?? 1) - 1, column },
    error.cause === undefined ? undefined : { cause: error.cause },
  );
}
