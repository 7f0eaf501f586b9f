import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sensitiveVariables } from './sensitive-variables';

describe('sensitiveVariables', () => {
  it('finds variables declared sensitive = true, nested blocks included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sensitive-'));
    writeFileSync(join(dir, 'variables.tf'), [
      'variable "password" {',
      '  type      = string',
      '  sensitive = true',
      '}',
      'variable "name" {',
      '  type = string',
      '  validation {',
      '    condition     = length(var.name) > 0',
      '    error_message = "name {required}"',
      '  }',
      '}',
      'variable "token" {',
      '  type = object({ a = string })',
      '  sensitive = true',
      '}',
      'variable "flag" { sensitive = false }',
    ].join('\n'));
    writeFileSync(join(dir, 'notes.txt'), 'variable "ignored" { sensitive = true }');
    expect([...sensitiveVariables(dir)].sort()).toEqual(['password', 'token']);
    expect(sensitiveVariables(join(dir, 'missing')).size).toBe(0);
  });
});
