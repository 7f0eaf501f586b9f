/** hcl2json's error text (`bad.tf:1,14-15: Unclosed configuration block; ...`) as a user error with file, line and column. */
import { AtmosUserError } from '../errors/user-error';

const POSITION = /:(\d+),(\d+)(?:-\d+)?: (.*?)(?:\]|$)/s;

export function hclSyntaxError(file: string, error: unknown): AtmosUserError {
  const raw = error instanceof Error ? error.message : String(error);
  const match = POSITION.exec(raw);
  const message = match ? match[3].trim() : raw.replace(/^Error: /, '');
  return new AtmosUserError('INVALID_MANIFEST', `HCL syntax error: ${message}`,
    match ? { file, line: Number(match[1]), column: Number(match[2]) } : { file },
    'fix the HCL syntax (terraform fmt and terraform validate show the same error)');
}
