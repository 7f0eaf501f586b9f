import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { namedBlocks, parseHcl, readTerraformComponent, requiredVariables } from './index';

describe('HCL adapter', () => {
  let folder: string;
  beforeEach(() => { folder = mkdtempSync(join(tmpdir(), 'hcl-')); });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('reads a .tfvars file as plain values', async () => {
    expect(await parseHcl('x.tfvars', 'a = 1\nb = "x"\nc = { d = [1, 2] }\n')).toEqual({ a: 1, b: 'x', c: { d: [1, 2] } });
  });

  it('turns a syntax error into a user error with file, line and column', async () => {
    const error = await parseHcl(join(folder, 'bad.tf'), 'variable "x" {').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtmosUserError);
    expect((error as AtmosUserError).location).toEqual({ file: join(folder, 'bad.tf'), line: 1, column: 14 });
    expect((error as AtmosUserError).message).toMatch(/Unclosed configuration block/);
  });

  it('reads variables (type, default, required, sensitive, validations) and outputs of a component folder', async () => {
    writeFileSync(join(folder, 'variables.tf'), [
      'variable "name" {',
      '  type        = string',
      '  description = "Name"',
      '  validation {',
      '    condition     = length(var.name) > 0',
      '    error_message = "empty"',
      '  }',
      '}',
      'variable "tags" {',
      '  type    = map(string)',
      '  default = {}',
      '}',
      'variable "password" {',
      '  type      = string',
      '  default   = null',
      '  sensitive = true',
      '}',
    ].join('\n'));
    writeFileSync(join(folder, 'outputs.tf'), 'output "id" {\n  value       = "x"\n  description = "The id"\n}\n');
    writeFileSync(join(folder, 'extra.tf.json'), JSON.stringify({ variable: { from_json: [{ type: 'number', default: 2 }] } }));
    writeFileSync(join(folder, 'README.md'), 'not terraform');

    const component = await readTerraformComponent(folder);
    expect(component.files.map((f) => f.slice(folder.length + 1))).toEqual(['extra.tf.json', 'outputs.tf', 'variables.tf']);
    expect(component.variables.get('name')).toMatchObject({ type: 'string', hasDefault: false, description: 'Name', validations: 1, sensitive: false });
    expect(component.variables.get('tags')).toMatchObject({ type: 'map(string)', hasDefault: true, default: {} });
    expect(component.variables.get('password')).toMatchObject({ hasDefault: true, default: null, sensitive: true });
    expect(component.variables.get('from_json')).toMatchObject({ hasDefault: true, default: 2 });
    expect(requiredVariables(component).map((v) => v.name)).toEqual(['name']);
    expect(component.outputs.get('id')).toMatchObject({ description: 'The id', sensitive: false });
  });

  it('lists blocks with their labels joined, sorted by label (the parser does not keep source order)', async () => {
    const body = await parseHcl('main.tf', 'resource "aws_s3_bucket" "state" {\n  bucket = "b"\n}\nresource "aws_s3_bucket" "logs" {\n  bucket = "l"\n}\n');
    expect(namedBlocks(body, 'resource').map(([name, block]) => [name, block.bucket])).toEqual([
      ['aws_s3_bucket.logs', 'l'],
      ['aws_s3_bucket.state', 'b'],
    ]);
  });
});
