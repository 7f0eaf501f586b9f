/**
 * Every function a template can call without user-supplied functions: Go's text/template
 * builtins, Sprig's functions and gomplate's namespaces (strings, conv, coll, ...), as Atmos merges them.
 */
import { BUILTINS } from './builtins';
import { DICT_FUNCTIONS } from './dicts';
import { ENCODING_FUNCTIONS } from './encoding';
import { GENERAL_FUNCTIONS } from './general';
import { LIST_FUNCTIONS } from './lists';
import { MATH_FUNCTIONS } from './math';
import { REGEX_FUNCTIONS } from './regex';
import { SEMVER_FUNCTIONS } from './semver';
import { STRING_FUNCTIONS } from './strings';
import { CONVERSION_FUNCTIONS } from './conversion';
import { GOMPLATE_FUNCTIONS } from './gomplate';
import type { TemplateFunction } from './signature';

export const BUILTIN_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, TemplateFunction>,
    // Gomplate's namespaces first: Atmos assigns Sprig's functions over them (lo.Assign order).
    GOMPLATE_FUNCTIONS,
    GENERAL_FUNCTIONS,
    CONVERSION_FUNCTIONS,
    STRING_FUNCTIONS,
    LIST_FUNCTIONS,
    DICT_FUNCTIONS,
    MATH_FUNCTIONS,
    ENCODING_FUNCTIONS,
    REGEX_FUNCTIONS,
    SEMVER_FUNCTIONS,
    // Go's own builtins win over any Sprig function of the same name.
    BUILTINS,
  ),
);

export { and as BUILTIN_AND, or as BUILTIN_OR } from './builtins';
export { ArgumentError, type CallContext, type TemplateFunction } from './signature';
export { TemplateFailure } from './general';
