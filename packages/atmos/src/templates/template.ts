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
  /** Root of the repository that gomplate's `file.*` functions may read inside; unset, they refuse. */
  repoRoot?: string;
  /** Told of each file a template function read. */
  onRead?: (file: string) => void;
  /** Told when a template function returned a value that changes on every run (`time`, `uuid`, `random`). */
  onVolatile?: (namespace: string) => void;
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
        repoRoot: options.repoRoot,
        onRead: options.onRead,
        onVolatile: options.onVolatile,
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

/**
 * One cache per delimiter pair. Bounded by entries and by total source length (whole manifest
 * files are templates too); when full, the oldest entries go first.
 */
class ParseCache {
  private readonly entries = new Map<string, CacheEntry>();
  private chars = 0;

  constructor(
    private readonly left: string,
    private readonly right: string,
  ) {}

  get(source: string): CacheEntry {
    let entry = this.entries.get(source);
    if (entry === undefined) {
      try {
        entry = new Template(source, parse(source, this.left, this.right));
      } catch (error) {
        if (!(error instanceof PositionedError)) throw error;
        entry = new ParseFailure(error);
      }
      this.add(source, entry);
    }
    return entry;
  }

  private add(source: string, entry: CacheEntry): void {
    if (source.length > MAX_CACHED_CHARS) return;
    while (this.entries.size >= MAX_CACHE_ENTRIES || this.chars + source.length > MAX_CACHED_CHARS) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
    this.entries.set(source, entry);
    this.chars += source.length;
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}

const MAX_CACHE_ENTRIES = 10_000;
const MAX_CACHED_CHARS = 32 * 1024 * 1024;
const DEFAULT_LEFT = '{{';
const DEFAULT_RIGHT = '}}';
const defaultCache = new ParseCache(DEFAULT_LEFT, DEFAULT_RIGHT);
const customCaches = new Map<string, ParseCache>();

function resolveDelimiters(delimiters?: [string, string]): [string, string] {
  // Like Go's Delims, an empty delimiter means the default.
  return [delimiters?.[0] || DEFAULT_LEFT, delimiters?.[1] || DEFAULT_RIGHT];
}

function cached(source: string, left: string, right: string): CacheEntry {
  if (left === DEFAULT_LEFT && right === DEFAULT_RIGHT) return defaultCache.get(source);
  const key = `${left}\u0000${right}`;
  let cache = customCaches.get(key);
  if (!cache) customCaches.set(key, (cache = new ParseCache(left, right)));
  return cache.get(source);
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
