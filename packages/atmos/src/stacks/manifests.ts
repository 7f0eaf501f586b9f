/**
 * Reads manifests once per run: the file text, and the parsed value per template context.
 * A manifest is rendered as a Go template before parsing when it is a `.tmpl` file or is
 * imported with a `context` (unless the import sets `skip_templates_processing`).
 */
import { readFileSync } from 'node:fs';
import { AtmosUserError, isUserError } from '../errors/user-error';
import { RepositoryFiles } from './confine';
import { TemplateError, hasTemplate, renderTemplate } from '../templates';
import { isTemplateManifest } from './discover';
import { resolveIncludes } from './includes';
import { ManifestPositions } from '../validation/var-locations';
import { parseManifest } from './parse';
import { withoutWrongTypes, wrongTypeError, wrongTypes, type WrongType } from './section-types';
import { decodeUtf8 } from './utf8';
import { compileTemplateManifest, renderCompiledManifest, type CompiledManifest } from './template-manifest';
import { applyFileLocals, fileLocalsContext, hasFileLocals, withoutFileLocals, type LocalsOptions } from './locals';
import { renderAroundExpressions } from './templating';
import { holdsYamlFunction, isEmptyMap, type PlainMap } from './values';

export interface ManifestRequest {
  file: string;
  context?: PlainMap;
  skipTemplatesProcessing?: boolean;
  ignoreMissingTemplateValues?: boolean;
}

export interface ManifestReaderOptions {
  delimiters: [string, string];
  env?: Record<string, string | undefined>;
  stacksBasePath: string;
  rootPath: string;
  /** Manifest contents to read instead of the files' (describe affected's base side: the changed files at the base ref). */
  contents?: ReadonlyMap<string, Buffer>;
  /**
   * A reader of the same workspace, files and environment, whose parsed manifests are taken as
   * they are except for the changed files (and those including a changed file): the base side of
   * describe affected reads one edited catalog file, not all of them again.
   */
  earlier?: { reader: ManifestReader; changed: ReadonlySet<string> };
}

export class ManifestReader {
  private readonly texts = new Map<string, string>();
  private readonly parsed = new Map<string, PlainMap>();
  /** Templated manifests parsed once with placeholders (undefined: not eligible, render the text). */
  private readonly compiled = new Map<string, CompiledManifest | undefined>();
  /** Files read by `!include` per manifest. */
  private readonly includes = new Map<string, Set<string>>();
  /** Manifests loaded from a text that can remove keys when merged (see mayUnset). */
  private readonly unsetting = new Set<string>();
  /** Manifests whose text spells `!version` (their stacks' instances may read the version lock). */
  private readonly versioned = new Set<string>();

  /** Every file read must really be inside the repository (symlinks followed). */
  readonly repository: RepositoryFiles;
  /** Mistakes found while reading (wrong section types), reported with the others of the validation pass. */
  readonly problems: AtmosUserError[] = [];
  /** Manifests with such a mistake: the stacks importing them are not built. */
  private readonly invalid = new Set<string>();

  constructor(private readonly options: ManifestReaderOptions) {
    this.repository = new RepositoryFiles(options.rootPath);
  }

  text(file: string): string {
    let text = this.texts.get(file);
    if (text === undefined) {
      const outside = this.repository.outside(file);
      if (outside !== undefined) {
        throw new AtmosUserError('IMPORT_ESCAPES_REPO', `manifest ${file} ${outside === file ? 'is' : `is a link to ${outside},`} outside the repository ${this.options.rootPath}`, { file },
          'stack manifests and imports may only read files inside the repository; copy the file into stacks/ instead of linking it');
      }
      let bytes: Buffer;
      try {
        bytes = this.options.contents?.get(file) ?? readFileSync(file);
      } catch (error) {
        throw new AtmosUserError('IMPORT_NOT_FOUND', `cannot read manifest: ${(error as Error).message}`, { file });
      }
      text = decodeUtf8(bytes, file);
      this.texts.set(file, text);
    }
    return text;
  }

  /** Every file read so far (the import closure of what was loaded), for cache keys and inputs. */
  filesRead(): string[] {
    return [...this.texts.keys()];
  }

  /** Whether any manifest read so far used `!include`. */
  hasIncludes(): boolean {
    return this.includes.size > 0;
  }

  /** Files a manifest read through `!include` (empty when it has none). */
  includesOf(file: string): readonly string[] {
    const included = this.includes.get(file);
    return included ? [...included] : NO_FILES;
  }

  /**
   * Whether a loaded manifest can remove keys when merged: only one whose text spells `!unset`
   * (or pulls in other files with `!include`) can.
   */
  mayUnset(file: string): boolean {
    return this.unsetting.has(file);
  }

  /** Whether a loaded manifest's text spells `!version`. */
  mentionsVersion(file: string): boolean {
    return this.versioned.size > 0 && this.versioned.has(file);
  }

  load(request: ManifestRequest): PlainMap {
    const rendersTemplate = !request.skipTemplatesProcessing && (isTemplateManifest(request.file) || hasContext(request.context));
    const key = rendersTemplate ? `${request.file}\0${contextKey(request.context)}\0${request.ignoreMissingTemplateValues === true}` : request.file;
    let manifest = this.parsed.get(key) ?? this.reused(key, request.file);
    if (manifest === undefined) {
      const text = this.text(request.file);
      const templated = rendersTemplate && hasTemplate(text, this.options.delimiters);
      const givenContext = hasContext(request.context);
      // File-scoped locals (locals.ts) join the context of a templated manifest; they are read from its text before it renders.
      if (templated && !request.skipTemplatesProcessing && text.includes('locals')) request = this.withLocalsContext(text, request);
      let compiled: PlainMap | undefined;
      let source = text;
      if (templated) {
        try {
          compiled = this.renderCompiled(text, request);
          if (!compiled) source = this.render(text, request);
        } catch (error) {
          // Atmos keeps a template manifest no import gave a context as written when its templates
          // fail (they name component values, `.vars.x` or `.atmos_component`): they render over
          // each component's sections later (processYAMLConfigFileWithContextInternal's fallback).
          if (givenContext || !isTemplateFailure(error)) throw error;
          compiled = undefined;
          source = text;
        }
      }
      let parsed = compiled ?? parseManifest(source, { file: request.file });
      if (!request.skipTemplatesProcessing && hasFileLocals(parsed)) {
        parsed = templated ? withoutFileLocals(parsed) : applyFileLocals(parsed, this.localsOptions(request));
      }
      // Only a text that spells the tag can hold one (the fast path renders scalars, never tags): skip the walk for the others.
      const includes = source.includes('!include');
      if (includes || source.includes('!unset')) this.unsetting.add(request.file);
      if (source.includes('!version')) this.versioned.add(request.file);
      manifest = !includes ? parsed : resolveIncludes(parsed, request.file, {
        stacksBasePath: this.options.stacksBasePath,
        rootPath: this.options.rootPath,
        repository: this.repository,
        onRead: (file) => this.recordInclude(request.file, file),
      });
      // An included YAML file can bring a `!version` the manifest's own text does not spell.
      if (includes && !this.versioned.has(request.file) && holdsYamlFunction(manifest, '!version')) this.versioned.add(request.file);
      const wrong = wrongTypes(manifest);
      if (wrong.length > 0) manifest = this.reportWrongTypes(manifest, wrong, request.file);
      this.parsed.set(key, manifest);
    }
    return manifest;
  }

  /** The earlier reader's manifest for this key, with what it recorded about the file, when the file and its includes are unchanged. */
  private reused(key: string, file: string): PlainMap | undefined {
    const earlier = this.options.earlier;
    if (!earlier || earlier.changed.has(file)) return undefined;
    const { reader, changed } = earlier;
    const manifest = reader.parsed.get(key);
    const text = reader.texts.get(file);
    const includes = reader.includes.get(file);
    if (manifest === undefined || text === undefined || reader.invalid.has(file) || (includes && [...includes].some((included) => changed.has(included)))) return undefined;
    this.texts.set(file, text);
    if (includes) this.includes.set(file, new Set(includes));
    if (reader.unsetting.has(file)) this.unsetting.add(file);
    if (reader.versioned.has(file)) this.versioned.add(file);
    this.parsed.set(key, manifest);
    return manifest;
  }

  private localsOptions(request: ManifestRequest): LocalsOptions {
    return { file: request.file, delimiters: this.options.delimiters, env: this.options.env ?? {}, context: request.context, repoRoot: this.options.rootPath };
  }

  /** The request with the file's locals in its context (a text that is not YAML before rendering has none, as Atmos skips them). */
  private withLocalsContext(text: string, request: ManifestRequest): ManifestRequest {
    let raw: PlainMap;
    try {
      raw = parseManifest(text, { file: request.file });
    } catch {
      return request;
    }
    if (!hasFileLocals(raw)) return request;
    try {
      return { ...request, context: fileLocalsContext(raw, this.localsOptions(request)) };
    } catch (error) {
      // A .tmpl file's locals that cannot resolve from its raw text are skipped, as Atmos's extractAndAddLocalsToContext does.
      if (isUserError(error) && isTemplateManifest(request.file)) return request;
      throw error;
    }
  }

  /** Whether any manifest read so far had a mistake that left it out (see `problems`). */
  isInvalid(file: string): boolean {
    return this.invalid.size > 0 && this.invalid.has(file);
  }

  get hasInvalid(): boolean {
    return this.invalid.size > 0;
  }

  private reportWrongTypes(manifest: PlainMap, wrong: WrongType[], file: string): PlainMap {
    const positions = new ManifestPositions((path) => this.text(path));
    for (const problem of wrong) {
      this.problems.push(wrongTypeError(problem, file, (path) => {
        const found = positions.find(file, path);
        return found ? { file, ...found } : undefined;
      }, manifest));
    }
    this.invalid.add(file);
    return withoutWrongTypes(manifest, wrong);
  }

  private recordInclude(manifest: string, included: string): void {
    let files = this.includes.get(manifest);
    if (!files) this.includes.set(manifest, (files = new Set()));
    files.add(included);
  }

  /** The fast path: render only the templated scalars of a manifest parsed once (undefined: take the exact path). */
  private renderCompiled(text: string, request: ManifestRequest): PlainMap | undefined {
    if (!this.compiled.has(request.file)) this.compiled.set(request.file, compileTemplateManifest(text, request.file, this.options.delimiters));
    const compiled = this.compiled.get(request.file);
    if (!compiled) return undefined;
    return renderCompiledManifest(compiled, (template) => this.renderWithContext(template, request));
  }

  private render(text: string, request: ManifestRequest): string {
    try {
      return this.renderWithContext(text, request);
    } catch (error) {
      if (error instanceof TemplateError) {
        throw new AtmosUserError('TEMPLATE_ERROR', error.detail, { file: request.file, line: error.line, column: error.column },
          request.context ? 'check the import context passed to this manifest, or set `ignore_missing_template_values: true` on the import'
            : 'fix the template, or escape literal braces as {{`{{`}}');
      }
      throw error;
    }
  }

  /**
   * An import path rendered as Atmos renders one (renderImportPath): with Go's own delimiters,
   * whatever atmos.yaml sets, and the data the importing walk gathered (stack-file.ts).
   */
  renderImportPath(path: string, data: PlainMap, importingFile: string, ignoreMissing: boolean): string {
    return renderTemplate(path, data, {
      fileName: importingFile,
      missingKey: ignoreMissing ? 'default' : 'error',
      env: this.options.env,
      repoRoot: this.options.rootPath,
      onRead: (file) => this.recordInclude(importingFile, file),
    });
  }

  /** Template text rendered with the import's context (inline `${{ }}` expressions kept for run time). */
  private renderWithContext(text: string, request: ManifestRequest): string {
    return renderAroundExpressions(text, (source) => renderTemplate(source, request.context ?? {}, {
      fileName: request.file,
      missingKey: request.ignoreMissingTemplateValues ? 'default' : 'error',
      delimiters: this.options.delimiters,
      env: this.options.env,
      repoRoot: this.options.rootPath,
      onRead: (file) => this.recordInclude(request.file, file),
    }));
  }
}

function isTemplateFailure(error: unknown): boolean {
  return error instanceof TemplateError || (isUserError(error) && error.code === 'TEMPLATE_ERROR');
}

const NO_FILES: readonly string[] = Object.freeze([]);

const contextKeys = new WeakMap<PlainMap, string>();

/**
 * An import context as text, the key of what it renders. An import's context is one object
 * however many stacks import it (the reader and the import closures both ask): stringified once.
 */
export function contextKey(context: PlainMap | undefined): string {
  if (context === undefined) return '{}';
  let key = contextKeys.get(context);
  if (key === undefined) contextKeys.set(context, (key = JSON.stringify(context)));
  return key;
}

function hasContext(context: PlainMap | undefined): boolean {
  return context !== undefined && !isEmptyMap(context);
}
