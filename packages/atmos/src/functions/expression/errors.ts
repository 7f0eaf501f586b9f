/**
 * Internal error of the expression layer: a message, optionally the offset in the expression
 * source it concerns, and a hint. The public entry points turn it into an `AtmosUserError`
 * ('FUNCTION_ERROR') that names the expression, the value's path and the file.
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';

  constructor(
    message: string,
    /** Offset in the expression source (0-based), when known. */
    readonly pos?: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}
