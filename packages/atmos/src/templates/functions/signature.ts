/**
 * Argument checking for builtin functions. Go converts template arguments to the Go types of
 * the function's parameters and refuses what does not fit (`upper 5` fails: "wrong type for
 * value; expected string; got int"). Checking the same way keeps templates that work here
 * working in Atmos, and gives a clear message instead of a JS TypeError deep inside a helper.
 */
import { goTypeName, isGoMap, isInt, isNil, type GoMap } from '../values';

export type TemplateFunction = (...args: unknown[]) => unknown;

/** What builtins receive as `this`: per-render state some of them need. */
export interface CallContext {
  env: Record<string, string | undefined>;
  /** The repository root gomplate's `file` functions may read inside (unset: they refuse). */
  repoRoot?: string;
  /** Told of each file a function read, so the caller can count it as an input. */
  onRead?: (file: string) => void;
  /** Told when a function returns a value that changes on every run (`time`, `uuid`, `random`). */
  onVolatile?: (namespace: string) => void;
}

export type ParamKind = 'string' | 'int' | 'number' | 'bool' | 'map' | 'list' | 'any';

type KindType<K extends ParamKind> = K extends 'string'
  ? string
  : K extends 'int' | 'number'
    ? number
    : K extends 'bool'
      ? boolean
      : K extends 'map'
        ? GoMap | null
        : K extends 'list'
          ? unknown[] | null
          : unknown;

type ParamTypes<P extends readonly ParamKind[]> = { -readonly [I in keyof P]: KindType<P[I]> };

/** Thrown by the wrappers below; the executor adds the function name. */
export class ArgumentError extends Error {
  private constructor(
    message: string,
    private readonly render: (name: string) => string,
  ) {
    super(message);
  }

  static count(want: string, got: number): ArgumentError {
    const text = (name: string): string => `wrong number of args for ${name}: want ${want} got ${got}`;
    return new ArgumentError(text('function'), text);
  }

  static type(index: number, kind: ParamKind, value: unknown): ArgumentError {
    const got = isNil(value) ? 'nil' : goTypeName(value);
    const text = (name: string): string => `wrong type for argument ${index + 1} of ${name}: expected ${kind}, got ${got}`;
    return new ArgumentError(text('function'), text);
  }

  describe(functionName: string): string {
    return this.render(functionName);
  }
}

function check(kind: ParamKind, value: unknown, index: number): unknown {
  switch (kind) {
    case 'any':
      return value;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'int':
      if (isInt(value)) return value;
      break;
    case 'number':
      if (typeof value === 'number') return value;
      break;
    case 'bool':
      if (typeof value === 'boolean') return value;
      break;
    case 'map':
      // Go passes nil for a nil map; functions then see an empty map.
      if (isNil(value)) return null;
      if (isGoMap(value)) return value;
      break;
    case 'list':
      if (isNil(value)) return null;
      if (Array.isArray(value)) return value;
      break;
  }
  throw ArgumentError.type(index, kind, value);
}

/** A builtin with a fixed parameter list. */
export function fn<const P extends readonly ParamKind[]>(
  params: P,
  impl: (this: CallContext, ...args: ParamTypes<P>) => unknown,
): TemplateFunction {
  const arity = params.length;
  return function (this: CallContext, ...args: unknown[]): unknown {
    if (args.length !== arity) throw ArgumentError.count(String(arity), args.length);
    for (let i = 0; i < arity; i++) args[i] = check(params[i] as ParamKind, args[i], i);
    return impl.apply(this, args as ParamTypes<P>);
  } as TemplateFunction;
}

/** A builtin with fixed leading parameters followed by any number of `rest` arguments. */
export function variadic<const P extends readonly ParamKind[], R extends ParamKind>(
  params: P,
  rest: R,
  impl: (this: CallContext, ...args: [...ParamTypes<P>, ...KindType<R>[]]) => unknown,
): TemplateFunction {
  const fixed = params.length;
  return function (this: CallContext, ...args: unknown[]): unknown {
    if (args.length < fixed) throw ArgumentError.count(`at least ${fixed}`, args.length);
    for (let i = 0; i < args.length; i++) args[i] = check(i < fixed ? (params[i] as ParamKind) : rest, args[i], i);
    return impl.apply(this, args as [...ParamTypes<P>, ...KindType<R>[]]);
  } as TemplateFunction;
}
