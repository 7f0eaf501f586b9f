/**
 * Sprig's defaults and flow helpers (default, required, empty, coalesce, ternary, fail, all,
 * any), type inspection (kindOf, kindIs, typeOf, typeIs, deepEqual), the environment (Sprig's
 * env, Gomplate's getenv) and uuidv4.
 */
import { randomUUID } from 'node:crypto';
import { deepEqual, goKind, goTypeName, isEmptyValue, isNil } from '../values';
import { fn, variadic, type CallContext, type TemplateFunction } from './signature';

/** Thrown by `fail` and `required`: the user's own message, reported as is. */
export class TemplateFailure extends Error {}

function lookupEnv(ctx: CallContext, name: string): string {
  return ctx.env[name] ?? '';
}

export const GENERAL_FUNCTIONS: Record<string, TemplateFunction> = {
  /** default "x" .v — the default when .v is empty (nil, "", 0, false, empty list or map). */
  default: variadic(['any'], 'any', (fallback, ...given) => {
    if (given.length === 0 || isEmptyValue(given[0])) return fallback;
    return given[0];
  }),
  required: fn(['string', 'any'], (message, value) => {
    if (isNil(value) || value === '') throw new TemplateFailure(message);
    return value;
  }),
  fail: fn(['string'], (message) => {
    throw new TemplateFailure(message);
  }),
  empty: fn(['any'], isEmptyValue),
  coalesce: variadic([], 'any', (...values) => values.find((v) => !isEmptyValue(v)) ?? null),
  all: variadic([], 'any', (...values) => values.every((v) => !isEmptyValue(v))),
  any: variadic([], 'any', (...values) => values.some((v) => !isEmptyValue(v))),
  /** ternary "yes" "no" .cond */
  ternary: fn(['any', 'any', 'bool'], (whenTrue, whenFalse, condition) => (condition ? whenTrue : whenFalse)),
  kindOf: fn(['any'], goKind),
  kindIs: fn(['string', 'any'], (kind, v) => goKind(v) === kind),
  typeOf: fn(['any'], goTypeName),
  typeIs: fn(['string', 'any'], (type, v) => goTypeName(v) === type),
  deepEqual: fn(['any', 'any'], deepEqual),
  env: fn(['string'], function (this: CallContext, name) {
    return lookupEnv(this, name);
  }),
  /** Gomplate's getenv: the variable, or the default when it is unset or empty. */
  getenv: variadic(['string'], 'any', function (this: CallContext, name, ...fallback) {
    const value = lookupEnv(this, name);
    if (value === '' && fallback.length > 0) return fallback[0];
    return value;
  }),
  uuidv4: fn([], () => randomUUID()),
};
