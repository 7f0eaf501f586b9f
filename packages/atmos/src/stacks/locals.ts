/**
 * File-scoped `locals:` in stack manifests, as Atmos v1.226.1 documents and resolves them
 * (website/docs/stacks/locals.mdx; pkg/locals/resolver.go Resolver; internal/exec/
 * stack_processor_locals.go ProcessStackLocals; stack_processor_utils.go
 * extractAndAddLocalsToContext):
 *   - `locals:` at the root, and under `terraform:` / `helmfile:` / `packer:` (those inherit the
 *     root's and win over them), are resolved per file before its templates: never across imports.
 *   - A local may reference other locals (`{{ .locals.name }}`) in any order: they resolve in
 *     dependency order (Kahn's algorithm, names sorted), a cycle is an error naming it (`a -> b -> a`),
 *     a reference to a missing local is an error (missingkey=error).
 *   - Locals see the same file's `settings`, `vars` and `env` (a type section's merged over the
 *     root's, shallowly, for its locals) and the import's context.
 *   - Then the file's settings are rendered with the locals, its vars with the locals and those
 *     settings, its env with all three, and every other value of the file with the lot. A value
 *     that cannot render yet (it needs `.atmos_component` or a var of another file) is left for the
 *     component templates, with the merged sections. (Atmos renders the whole file as text and,
 *     when that fails, falls back to the file unrendered; rendering value by value keeps what can
 *     render.) A value that is exactly one reference (`"{{ .locals.tags }}"`) becomes the
 *     referenced value with its type (processStructuredTemplateRefs).
 *   - YAML functions in locals: `!env` resolves here (`!env NAME [default]`); the others stay
 *     functions, evaluated at run time where a whole-value reference puts them.
 *   - Component-level `locals:` stay in the component section (merged from the base components
 *     like vars), where the component templates see them as `.locals` (mergeComponentConfigurations).
 */
import { AtmosUserError } from '../errors/user-error';
import { TemplateError, hasTemplate, renderTemplate } from '../templates';
import { AppendList, YamlFunction, isPlainMap, keepMetadata, locationOf, setKey, type PlainMap } from './values';

const TYPE_SECTIONS = ['terraform', 'helmfile', 'packer'] as const;
/** The sections locals may read, rendered in this order (each sees the ones before). */
const CONTEXT_SECTIONS = ['settings', 'vars', 'env'] as const;

export interface LocalsOptions {
  file: string;
  delimiters: [string, string];
  env: Record<string, string | undefined>;
  /** The import's context (its keys under locals, settings, vars and env are replaced). */
  context?: PlainMap;
  repoRoot: string;
}

/** Whether a parsed manifest defines file-scoped locals (cheap: read on every manifest). */
export function hasFileLocals(manifest: PlainMap): boolean {
  if ('locals' in manifest) return true;
  for (const type of TYPE_SECTIONS) {
    const section = manifest[type];
    if (isPlainMap(section) && 'locals' in section) return true;
  }
  return false;
}

/** The manifest with its locals resolved and its values rendered with them; `locals` keys of the root and type sections removed. */
export function applyFileLocals(manifest: PlainMap, options: LocalsOptions): PlainMap {
  const context = fileLocalsContext(manifest, options);
  const renderer = new LocalsRenderer(options);
  const result: PlainMap = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key === 'locals') continue;
    if (key === 'import') setKey(result, key, value);
    else if ((CONTEXT_SECTIONS as readonly string[]).includes(key) && isPlainMap(value)) setKey(result, key, context[key]);
    else if ((TYPE_SECTIONS as readonly string[]).includes(key) && isPlainMap(value)) setKey(result, key, renderer.value(withoutLocals(value), context));
    else setKey(result, key, renderer.value(value, context));
  }
  return keepMetadata(manifest, result);
}

/**
 * The template context of a file with locals: the import's context with `locals` (the root's,
 * each type section's over them) and the file's settings, vars and env rendered with them.
 */
export function fileLocalsContext(manifest: PlainMap, options: LocalsOptions): PlainMap {
  const fileContext = contextOf(manifest, undefined);
  const global = resolveLocals(manifest.locals, {}, fileContext, options, 'locals');
  let locals = global;
  for (const type of TYPE_SECTIONS) {
    const section = manifest[type];
    if (!isPlainMap(section) || !('locals' in section)) continue;
    locals = { ...locals, ...resolveLocals(section.locals, global, contextOf(section, fileContext), options, `${type}.locals`) };
  }
  const renderer = new LocalsRenderer(options);
  const context: PlainMap = { ...(options.context ?? {}), locals };
  for (const name of CONTEXT_SECTIONS) {
    if (isPlainMap(manifest[name])) context[name] = renderer.value(manifest[name], context);
  }
  return context;
}

/** A rendered templated manifest without the file-scoped `locals` keys (they never merge across files). */
export function withoutFileLocals(manifest: PlainMap): PlainMap {
  let result: PlainMap | undefined;
  for (const type of TYPE_SECTIONS) {
    const section = manifest[type];
    if (isPlainMap(section) && 'locals' in section) setKey((result ??= { ...manifest }), type, withoutLocals(section));
  }
  if ('locals' in manifest) delete (result ??= { ...manifest }).locals;
  return result ? keepMetadata(manifest, result) : manifest;
}

function withoutLocals(section: PlainMap): PlainMap {
  if (!('locals' in section)) return section;
  const copy: PlainMap = {};
  for (const [key, value] of Object.entries(section)) if (key !== 'locals') setKey(copy, key, value);
  return keepMetadata(section, copy);
}

/** The same file's settings, vars and env (a section's shallowly over the parent's). */
function contextOf(section: PlainMap, parent: PlainMap | undefined): PlainMap {
  const context: PlainMap = { ...(parent ?? {}) };
  for (const name of CONTEXT_SECTIONS) {
    const own = section[name];
    if (!isPlainMap(own)) continue;
    const inherited = parent?.[name];
    context[name] = isPlainMap(inherited) ? { ...inherited, ...own } : own;
  }
  return context;
}

/** One scope's locals in dependency order, over the parent scope's (pkg/locals/resolver.go Resolve). */
function resolveLocals(raw: unknown, parent: PlainMap, fileContext: PlainMap, options: LocalsOptions, where: string): PlainMap {
  if (raw === undefined || raw === null) return { ...parent };
  if (!isPlainMap(raw)) {
    throw new AtmosUserError('INVALID_MANIFEST', `${where} must be a map of names to values`, locationOf(raw) ?? { file: options.file },
      `write ${where} as \`name: value\` lines (e.g. \`namespace: acme\`)`);
  }
  const names = Object.keys(raw);
  const dependencies = new Map(names.map((name) => [name, referencedLocals(raw[name], options.delimiters).filter((dep) => dep in raw)]));
  const order = dependencyOrder(names, dependencies, () => locationOf(raw) ?? { file: options.file }, where);
  const resolved: PlainMap = { ...parent };
  const context: PlainMap = { ...fileContext, locals: resolved };
  const renderer = new LocalsRenderer(options, true);
  for (const name of order) {
    try {
      resolved[name] = renderer.value(staticFunction(raw[name], options), context);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new AtmosUserError('TEMPLATE_ERROR', `${where}.${name}: ${error.detail}`, locationOf(raw) ?? { file: options.file },
        `a local sees .locals (of this file), and this file's .settings, .vars and .env; ${name in raw ? 'define what it uses in this file' : ''}`.trim());
    }
  }
  return resolved;
}

/** `!env NAME [default]` resolves while locals resolve (Atmos processes YAML functions in locals first). */
function staticFunction(value: unknown, options: LocalsOptions): unknown {
  if (!(value instanceof YamlFunction) || value.tag !== '!env') return value;
  const [name, ...fallback] = value.args.split(/\s+/).filter(Boolean);
  if (!name) throw new AtmosUserError('FUNCTION_ERROR', '!env needs a variable name', value.location ?? { file: options.file }, 'write `!env NAME` or `!env NAME default`');
  return options.env[name] ?? (fallback.length > 0 ? fallback.join(' ') : '');
}

/** The `.locals.<name>` references of a value's templates. */
function referencedLocals(value: unknown, delimiters: [string, string]): string[] {
  const found = new Set<string>();
  const scan = (text: string) => {
    if (!hasTemplate(text, delimiters)) return;
    for (const match of text.matchAll(/\.locals\.([A-Za-z_][A-Za-z0-9_-]*)/g)) found.add(match[1]);
  };
  const visit = (item: unknown): void => {
    if (typeof item === 'string') scan(item);
    else if (item instanceof YamlFunction) scan(item.args);
    else if (item instanceof AppendList) item.items.forEach(visit);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (isPlainMap(item)) Object.values(item).forEach(visit);
  };
  visit(value);
  return [...found];
}

/** Kahn's algorithm with the ready names sorted (pkg/locals/resolver.go topologicalSort); a cycle names its path. */
function dependencyOrder(names: string[], dependencies: Map<string, string[]>, where: () => { file: string }, scope: string): string[] {
  const waiting = new Map(names.map((name) => [name, new Set(dependencies.get(name))]));
  const order: string[] = [];
  let ready = names.filter((name) => waiting.get(name)?.size === 0).sort();
  while (ready.length > 0) {
    const name = ready.shift() as string;
    order.push(name);
    waiting.delete(name);
    const freed: string[] = [];
    for (const [other, deps] of waiting) if (deps.delete(name) && deps.size === 0) freed.push(other);
    if (freed.length > 0) ready = [...ready, ...freed].sort();
  }
  if (order.length === names.length) return order;
  const cycle = findCycle([...waiting.keys()].sort(), dependencies);
  throw new AtmosUserError('LOCALS_CYCLE', `${scope}: dependency cycle: ${cycle.join(' -> ')}`, where(),
    'a local may not depend on itself through other locals; break the cycle by writing one of them out');
}

function findCycle(names: string[], dependencies: Map<string, string[]>): string[] {
  const onPath: string[] = [];
  const done = new Set<string>();
  const visit = (name: string): string[] | undefined => {
    const at = onPath.indexOf(name);
    if (at >= 0) return [...onPath.slice(at), name];
    if (done.has(name)) return undefined;
    onPath.push(name);
    for (const dep of dependencies.get(name) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(name);
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return names;
}

/**
 * Renders values with a context: a whole-value reference keeps the referenced value's type;
 * other templates render to text. `strict` (the locals themselves): a template error is thrown;
 * otherwise the value is kept for the component templates.
 */
class LocalsRenderer {
  constructor(
    private readonly options: LocalsOptions,
    private readonly strict = false,
  ) {}

  value(value: unknown, context: PlainMap): unknown {
    if (typeof value === 'string') return this.text(value, context);
    if (value instanceof YamlFunction) {
      if (value.tag === '!literal' || !hasTemplate(value.args, this.options.delimiters)) return value;
      const args = this.text(value.args, context);
      return typeof args === 'string' && args !== value.args ? value.withArgs(args) : value;
    }
    if (value instanceof AppendList) {
      const items = this.list(value.items, context);
      return items === value.items ? value : new AppendList(items);
    }
    if (Array.isArray(value)) return this.list(value, context);
    if (isPlainMap(value)) return this.map(value, context);
    return value;
  }

  private list(items: readonly unknown[], context: PlainMap): readonly unknown[] {
    let result: unknown[] | undefined;
    items.forEach((item, i) => {
      const next = this.value(item, context);
      if (next !== item) (result ??= items.slice())[i] = next;
    });
    return result ? keepMetadata(items, result) : items;
  }

  private map(map: PlainMap, context: PlainMap): PlainMap {
    let result: PlainMap | undefined;
    const keys = Object.keys(map);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const renderedKey = hasTemplate(key, this.options.delimiters) ? this.text(key, context) : key;
      const item = map[key];
      const rendered = this.value(item, context);
      if (!result) {
        if (renderedKey === key && rendered === item) continue;
        result = {};
        for (let j = 0; j < i; j++) setKey(result, keys[j], map[keys[j]]);
      }
      setKey(result, typeof renderedKey === 'string' ? renderedKey : key, rendered);
    }
    return result ? keepMetadata(map, result) : map;
  }

  private refuseRunTimeLocals(text: string, context: PlainMap): void {
    const found = runTimeLocal(text, context, this.options.delimiters);
    if (!found) return;
    throw new AtmosUserError('TEMPLATE_ERROR', `"${text}" uses locals.${found.name}, which is \`${found.fn.toString()}\`: a function evaluated at run time`,
      found.fn.location ?? { file: this.options.file },
      `use it as a whole value ("{{ .locals.${found.name} }}") and build the rest in a component template, or write the function where it is used`);
  }

  private text(text: string, context: PlainMap): unknown {
    if (!hasTemplate(text, this.options.delimiters)) return text;
    const reference = wholeReference(text, this.options.delimiters);
    if (reference) {
      const found = lookup(context, reference);
      if (found !== undefined) return found;
    }
    this.refuseRunTimeLocals(text, context);
    try {
      return renderTemplate(text, context, { missingKey: 'error', delimiters: this.options.delimiters, env: this.options.env, fileName: this.options.file, repoRoot: this.options.repoRoot });
    } catch (error) {
      if (this.strict || !(error instanceof TemplateError)) throw error;
      return text;
    }
  }
}

/**
 * A local that is a run-time function (`!terraform.state`, `!store`, ...) is evaluated where it
 * lands, at run time: only a whole-value reference can carry it there. Inside a longer template
 * it would render as its own text, so that is an error saying how to use it.
 */
function runTimeLocal(text: string, context: PlainMap, delimiters: [string, string]): { name: string; fn: YamlFunction } | undefined {
  const locals = context.locals;
  if (!isPlainMap(locals)) return undefined;
  for (const name of referencedLocals(text, delimiters)) {
    const value = locals[name];
    if (value instanceof YamlFunction) return { name, fn: value };
  }
  return undefined;
}

/** `{{ .locals.a.b }}` alone -> ['locals', 'a', 'b'] (pkg/template ExtractPlainFieldRef). */
function wholeReference(text: string, [left, right]: [string, string]): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith(left) || !trimmed.endsWith(right)) return undefined;
  const inner = trimmed.slice(left.length, trimmed.length - right.length).trim();
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(inner)) return undefined;
  return inner.slice(1).split('.');
}

function lookup(context: PlainMap, path: string[]): unknown {
  let current: unknown = context;
  for (const part of path) {
    if (!isPlainMap(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}
