/**
 * Parsed templates and the parse cache. The same template strings recur across thousands of
 * stack instances, so each distinct (delimiters, source) pair is parsed once and the tree is
 * reused; parse failures are cached too, so a broken template fails fast every time.
 */
import type { Tree } from './ast';
import { PositionedError, TemplateError, toTemplateError } from './errors';
import { execute } from './execute';
import type { TemplateFunction } from './functions';
import { parse } from './parser';

export interface RenderOptions {
  /** Absolute file path used in error messages. */
  fileName?: string;
  /** 1-based line in `fileName` where `source` starts (when the template is one YAML value inside a bigger file); default 1. */
  startLine?: number;
  /** Go's missingkey option: 'error' (default here) fails on a missing map key; 'default' renders "<no value>" like Go; 'zero' renders the zero value (empty string). */
  missingKey?: 'error' | 'default' | 'zero';
  /** Delimiters, default ['{{', '}}'] (atmos.yaml templates.settings.delimiters). */
  delimiters?: [string, string];
  /** Extra functions, merged over the builtins (e.g. `atmos` returning an object with a Component method). */
  functions?: Record<string, TemplateFunction>;
  /** Environment for `env`/`getenv`; default process.env. */
  env?: Record<string, string | undefined>;
}

const hasOwn = Object.prototype.hasOwnProperty;

export class Template {
  /** @internal Use parseTemplate. */
  constructor(
    readonly source: string,
    private readonly tree: Tree,
  ) {}

  /** Names of templates declared with {{define}} or {{block}}. */
  get definedTemplates(): string[] {
    return [...this.tree.defines.keys()];
  }

  render(data: unknown, options: RenderOptions = {}): string {
    try {
      this.checkFunctions(options.functions);
      return execute(this.tree, data, {
        missingKey: options.missingKey ?? 'error',
        functions: options.functions,
        env: options.env ?? process.env,
      });
    } catch (error) {
      throw toTemplateError(error, this.source, options);
    }
  }

  /** Go rejects unknown functions when parsing, before any output; so do we, before executing. */
  private checkFunctions(functions: Record<string, TemplateFunction> | undefined): void {
    for (const use of this.tree.externalFunctions) {
      if (functions !== undefined && hasOwn.call(functions, use.name) && typeof functions[use.name] === 'function') {
        continue;
      }
      throw new PositionedError(use.pos, `function "${use.name}" not defined (not a supported template function)`);
    }
  }
}

/** A cached parse error; rethrown with each caller's file and line. */
class ParseFailure {
  constructor(readonly error: PositionedError) {}
}

type CacheEntry = Template | ParseFailure;

/** Entries per delimiter pair; the oldest entry goes first when full. */
const MAX_CACHE_ENTRIES = 20_000;
const DEFAULT_LEFT = '{{';
const DEFAULT_RIGHT = '}}';
const defaultCache = new Map<string, CacheEntry>();
const customCaches = new Map<string, Map<string, CacheEntry>>();

function resolveDelimiters(delimiters?: [string, string]): [string, string] {
  // Like Go's Delims, an empty delimiter means the default.
  return [delimiters?.[0] || DEFAULT_LEFT, delimiters?.[1] || DEFAULT_RIGHT];
}

function cached(source: string, left: string, right: string): CacheEntry {
  let cache = defaultCache;
  if (left !== DEFAULT_LEFT || right !== DEFAULT_RIGHT) {
    const key = `${left}\u0000${right}`;
    let custom = customCaches.get(key);
    if (!custom) customCaches.set(key, (custom = new Map()));
    cache = custom;
  }
  let entry = cache.get(source);
  if (entry === undefined) {
    try {
      entry = new Template(source, parse(source, left, right));
    } catch (error) {
      if (!(error instanceof PositionedError)) throw error;
      entry = new ParseFailure(error);
    }
    if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(source, entry);
  }
  return entry;
}

/** Parses (or fetches from the cache) a template; throws a TemplateError on bad syntax. */
export function parseTemplate(source: string, delimiters?: [string, string]): Template {
  const [left, right] = resolveDelimiters(delimiters);
  const entry = cached(source, left, right);
  if (entry instanceof ParseFailure) throw toTemplateError(entry.error, source);
  return entry;
}

export function renderTemplate(source: string, data: unknown, options: RenderOptions = {}): string {
  const [left, right] = resolveDelimiters(options.delimiters);
  // Plain strings need neither parsing nor a cache entry.
  if (!source.includes(left)) return source;
  const entry = cached(source, left, right);
  if (entry instanceof ParseFailure) throw toTemplateError(entry.error, source, options);
  return entry.render(data, options);
}

export function hasTemplate(source: string, delimiters?: [string, string]): boolean {
  return source.includes(delimiters?.[0] || DEFAULT_LEFT);
}

/** Drops all cached parse trees (for tests and long-running processes that reload config). */
export function clearTemplateCache(): void {
  defaultCache.clear();
  customCaches.clear();
}

export { TemplateError };
