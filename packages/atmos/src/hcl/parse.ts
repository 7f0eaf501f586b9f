/**
 * The one adapter over the HCL parser. `@cdktf/hcl2json` wraps HashiCorp's own Go parser
 * (compiled to WebAssembly), so a file that Terraform accepts parses here exactly as Terraform
 * reads it. Everything else in the plugin that reads `.tf`, `.tfvars` or `.hcl` goes through
 * this module, so there is one place that knows the parser's JSON shape and its error format.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { AtmosUserError } from '../errors/user-error';

/** hcl2json's JSON form of an HCL body: blocks become maps of lists, attributes become values. */
export type HclBody = Record<string, unknown>;

/**
 * Parse HCL text. A syntax error becomes an AtmosUserError with the file, line and column
 * the parser reported (`bad.tf:1,14-15: Unclosed configuration block; ...`).
 */
export async function parseHcl(file: string, text: string): Promise<HclBody> {
  try {
    return (await parse(basename(file), text)) as HclBody;
  } catch (error) {
    throw hclSyntaxError(file, error);
  }
}

/** Parse an HCL file (`.tf`, `.tfvars`, `.hcl`); a `.tf.json` / `.tfvars.json` file is read as JSON. */
export async function parseHclFile(file: string): Promise<HclBody> {
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text) as HclBody;
    } catch (error) {
      throw new AtmosUserError('INVALID_MANIFEST', `${basename(file)} is not valid JSON: ${(error as Error).message}`, { file },
        'fix the JSON syntax (terraform reads *.tf.json files as JSON)');
    }
  }
  return parseHcl(file, text);
}

const POSITION = /:(\d+),(\d+)(?:-\d+)?: (.*?)(?:\]|$)/s;

function hclSyntaxError(file: string, error: unknown): AtmosUserError {
  const raw = error instanceof Error ? error.message : String(error);
  const match = POSITION.exec(raw);
  const message = match ? match[3].trim() : raw.replace(/^Error: /, '');
  return new AtmosUserError('INVALID_MANIFEST', `HCL syntax error: ${message}`,
    match ? { file, line: Number(match[1]), column: Number(match[2]) } : { file },
    'fix the HCL syntax (terraform fmt and terraform validate show the same error)');
}

/**
 * hcl2json writes expressions as `${...}` strings (`type = number` becomes `"${number}"`).
 * Returns the expression text, or undefined for a literal value.
 */
export function expressionText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{([\s\S]*)\}$/.exec(value);
  return match ? match[1] : undefined;
}
