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
import { hclSyntaxError } from './errors';
import type { HclBody } from './values';

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
