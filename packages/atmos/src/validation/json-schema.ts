/**
 * Atmos's `settings.validation` JSON Schema checks, with ajv. An entry such as
 *
 *   settings:
 *     validation:
 *       validate-vpc:
 *         schema_type: jsonschema
 *         schema_path: vpc/validate-vpc-component.json   # under schemas.jsonschema.base_path
 *         description: CIDR and AZ rules of the VPC
 *         disabled: false
 *
 * validates the instance's configuration as `describe component` shows it (vars, settings,
 * env, backend, ...). The check is static: a value only known at run time (a YAML function such
 * as `!terraform.state`, a `${{ }}` expression) is not held against the schema. OPA policies
 * (`schema_type: opa`) are out of scope and reported as skipped, never as passed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type { AtmosConfig } from '../config/types';
import { toPlain } from '../cli/output';
import type { SourceLocation } from '../errors/user-error';
import { describeInstance, type DescribeContext } from '../stacks/describe';
import type { ComponentInstance } from '../stacks/types';
import { isPlainMap } from '../stacks/values';
import { locateSetting, type ManifestPositions } from './var-locations';

export interface SchemaProblem {
  location: SourceLocation;
  message: string;
  hint: string;
}

/** Atmos's default when atmos.yaml has no `schemas.jsonschema.base_path`. */
const DEFAULT_SCHEMAS_PATH = 'stacks/schemas/jsonschema';

export class JsonSchemaValidator {
  private readonly compiled = new Map<string, ValidateFunction | Error>();
  readonly schemasPath: string;

  constructor(private readonly config: AtmosConfig, env: Record<string, string | undefined>) {
    const schemas = isPlainMap(config.raw.schemas) ? config.raw.schemas : {};
    const jsonschema = isPlainMap(schemas.jsonschema) ? schemas.jsonschema : {};
    const configured = env.ATMOS_SCHEMAS_JSONSCHEMA_BASE_PATH ?? (typeof jsonschema.base_path === 'string' ? jsonschema.base_path : DEFAULT_SCHEMAS_PATH);
    this.schemasPath = resolve(config.basePath, configured);
  }

  /**
   * The problems of one instance's `settings.validation` JSON Schema entries (OPA entries are
   * skipped), or of the one schema given on the command line (`--schema-path`), as Atmos does.
   */
  validate(instance: ComponentInstance, context: DescribeContext, positions: ManifestPositions, schemaPath?: string): SchemaProblem[] {
    const entries = schemaPath === undefined ? instance.sections.settings.validation : { '--schema-path': { schema_type: 'jsonschema', schema_path: schemaPath } };
    if (!isPlainMap(entries)) return [];
    const problems: SchemaProblem[] = [];
    let document: unknown;
    for (const [name, entry] of Object.entries(entries)) {
      if (!isPlainMap(entry) || entry.disabled === true || entry.schema_type !== 'jsonschema') continue;
      const where = locateSetting(instance, 'settings', ['validation', name], positions);
      const subject = `component ${instance.component} in stack ${instance.stack}`;
      const entryName = schemaPath === undefined ? `settings.validation.${name}` : '--schema-path';
      if (typeof entry.schema_path !== 'string' || entry.schema_path === '') {
        problems.push({ location: where, message: `${entryName} of ${subject} has no schema_path`, hint: 'set schema_path to a JSON Schema file under ' + this.display(this.schemasPath) });
        continue;
      }
      const schemaFile = isAbsolute(entry.schema_path) ? entry.schema_path : resolve(this.schemasPath, entry.schema_path);
      const validator = this.compile(schemaFile);
      if (validator instanceof Error) {
        problems.push({ location: where, message: `${entryName} of ${subject}: ${validator.message}`, hint: 'fix the schema file or schema_path (schemas.jsonschema.base_path in atmos.yaml is ' + this.display(this.schemasPath) + ')' });
        continue;
      }
      document ??= toPlain(describeInstance(instance, context));
      if (validator(document)) continue;
      // An `if` error only repeats the `then`/`else` errors it comes with.
      for (const error of (validator.errors ?? []).filter((e) => e.keyword !== 'if' && !isRuntimeValue(e.data))) {
        problems.push({
          location: locationOfError(instance, error, positions) ?? where,
          message: `${subject} fails ${name} (${this.display(schemaFile)}): ${error.instancePath || '/'} ${error.message ?? 'is invalid'}${allowedValues(error)}`,
          hint: typeof entry.description === 'string' && entry.description !== '' ? `${name}: ${entry.description}` : `change the value, or the schema ${this.display(schemaFile)}`,
        });
      }
    }
    return problems;
  }

  private compile(file: string): ValidateFunction | Error {
    let compiled = this.compiled.get(file);
    if (compiled === undefined) {
      try {
        if (!existsSync(file)) throw new Error(`schema ${this.display(file)} does not exist`);
        let schema: unknown;
        try {
          schema = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new Error(`schema ${this.display(file)} is not valid JSON: ${(error as Error).message}`);
        }
        const draft = isPlainMap(schema) && typeof schema.$schema === 'string' ? schema.$schema : '';
        // One ajv per file: a schema's $id must not clash with another file's.
        const options = { allErrors: true, verbose: true, strict: false } as const;
        const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
        try {
          compiled = ajv.compile(schema as object);
        } catch (error) {
          throw new Error(`schema ${this.display(file)} is not a valid JSON Schema: ${(error as Error).message}`);
        }
      } catch (error) {
        compiled = error as Error;
      }
      this.compiled.set(file, compiled);
    }
    return compiled;
  }

  private display(file: string): string {
    const path = relative(this.config.basePath, file);
    return path.startsWith('..') ? file : path;
  }
}

/** `!terraform.state ...`, `!env ...` and `${{ ... }}` values are known only at run time. */
function isRuntimeValue(data: unknown): boolean {
  return typeof data === 'string' && (/^![a-z][\w.-]*(\s|$)/.test(data) || data.includes('${{'));
}

function allowedValues(error: ErrorObject): string {
  const params = error.params as { allowedValues?: unknown[]; allowedValue?: unknown };
  if (Array.isArray(params.allowedValues)) return `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return error.keyword === 'const' ? ` ${JSON.stringify(params.allowedValue)}` : '';
}

/** An error about `/vars/<name>/...` points at the line where that var is set. */
function locationOfError(instance: ComponentInstance, error: ErrorObject, positions: ManifestPositions): SourceLocation | undefined {
  const [section, key] = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if ((section === 'vars' || section === 'settings') && key !== undefined) {
    const location = locateSetting(instance, section, [key], positions);
    return location.line === undefined ? undefined : location;
  }
  return undefined;
}
