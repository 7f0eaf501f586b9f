/**
 * A Terraform component folder as the plugin sees it: its input variables, its outputs and the
 * blocks of each file, read with the real HCL parser. Serves the contract check (a var a stack
 * sets must be declared, required ones must be set), the generators (catalog entries from
 * variables.tf) and the static security assertions over the reference components.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { parseHcl, parseHclFile } from './parse';
import { expressionText, type HclBody } from './values';

export interface TerraformVariable {
  name: string;
  /** The type expression as written (`string`, `list(string)`, `object({...})`), if any. */
  type?: string;
  /** Whether a default is declared (a default of `null` counts: the variable is optional). */
  hasDefault: boolean;
  default?: unknown;
  description?: string;
  sensitive: boolean;
  /** `nullable = false` forbids null even where a default exists. */
  nullable: boolean;
  /** Number of `validation` blocks. */
  validations: number;
  /** The file that declares it. */
  file: string;
}

export interface TerraformOutput {
  name: string;
  description?: string;
  sensitive: boolean;
  file: string;
}

export interface TerraformComponent {
  folder: string;
  /** The `.tf` / `.tf.json` files read, sorted. */
  files: string[];
  variables: Map<string, TerraformVariable>;
  outputs: Map<string, TerraformOutput>;
  /** Each file's parsed body, by file path (resources, modules, data sources, ...). */
  bodies: Map<string, HclBody>;
}

/** Reads every `.tf` and `.tf.json` file directly in the folder (Terraform does not recurse). */
export async function readTerraformComponent(folder: string): Promise<TerraformComponent> {
  const files = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && isTerraformFile(entry.name))
    .map((entry) => join(folder, entry.name))
    .sort();
  const bodies: Array<[string, HclBody]> = [];
  for (const file of files) bodies.push([file, await parseHclFile(file)]);
  return componentFromBodies(folder, bodies);
}

/**
 * The same from texts the caller read (a generator reads through the Nx Tree, which may hold
 * files not yet on disk). `files` are the folder's files, any order; non-Terraform ones are skipped.
 */
export async function readTerraformComponentTexts(folder: string, files: Array<{ file: string; text: string }>): Promise<TerraformComponent> {
  const sorted = files.filter((entry) => isTerraformFile(entry.file)).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const bodies: Array<[string, HclBody]> = [];
  for (const entry of sorted) bodies.push([entry.file, entry.file.endsWith('.json') ? parseJsonBody(entry.file, entry.text) : await parseHcl(entry.file, entry.text)]);
  return componentFromBodies(folder, bodies);
}

function parseJsonBody(file: string, text: string): HclBody {
  try {
    return JSON.parse(text) as HclBody;
  } catch (error) {
    throw new AtmosUserError('INVALID_MANIFEST', `${basename(file)} is not valid JSON: ${(error as Error).message}`, { file },
      'fix the JSON syntax (terraform reads *.tf.json files as JSON)');
  }
}

export function isTerraformFile(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json');
}

function componentFromBodies(folder: string, bodies: Array<[string, HclBody]>): TerraformComponent {
  const component: TerraformComponent = { folder, files: bodies.map(([file]) => file), variables: new Map(), outputs: new Map(), bodies: new Map() };
  for (const [file, body] of bodies) {
    component.bodies.set(file, body);
    for (const [name, block] of namedBlocks(body, 'variable')) component.variables.set(name, toVariable(name, block, file));
    for (const [name, block] of namedBlocks(body, 'output')) {
      component.outputs.set(name, { name, description: stringValue(block.description), sensitive: block.sensitive === true, file });
    }
  }
  return component;
}

/** Variables without a default: every stack that deploys the component must set them. */
export function requiredVariables(component: TerraformComponent): TerraformVariable[] {
  return [...component.variables.values()].filter((variable) => !variable.hasDefault);
}

/**
 * The blocks of one kind in a parsed body, with their labels joined by '.':
 * `variable "x" {}` gives ['x', {...}], `resource "aws_s3_bucket" "state" {}` gives ['aws_s3_bucket.state', {...}].
 * hcl2json nests one map per label and ends in a list of bodies (one per repetition); labels come
 * out sorted, not in source order.
 */
export function namedBlocks(body: HclBody, kind: string): Array<[string, Record<string, unknown>]> {
  const found: Array<[string, Record<string, unknown>]> = [];
  const walk = (node: unknown, labels: string[]): void => {
    if (Array.isArray(node)) {
      for (const item of node) if (isRecord(item)) found.push([labels.join('.'), item]);
      return;
    }
    if (isRecord(node)) for (const [label, child] of Object.entries(node)) walk(child, [...labels, label]);
  };
  walk(body[kind], []);
  return found;
}

function toVariable(name: string, block: Record<string, unknown>, file: string): TerraformVariable {
  const validation = block.validation;
  return {
    name,
    type: block.type === undefined ? undefined : (expressionText(block.type) ?? String(block.type)),
    hasDefault: Object.prototype.hasOwnProperty.call(block, 'default'),
    default: block.default,
    description: stringValue(block.description),
    sensitive: block.sensitive === true,
    nullable: block.nullable !== false,
    validations: Array.isArray(validation) ? validation.length : 0,
    file,
  };
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
