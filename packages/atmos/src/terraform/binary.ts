/** Finds the Terraform (or OpenTofu) binary named by `components.terraform.command`. */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';

export function findBinary(command: string, env: Record<string, string | undefined> = process.env): string {
  if (isAbsolute(command) || command.includes('/')) {
    if (isExecutable(command)) return command;
  } else {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      if (dir && isExecutable(join(dir, command))) return join(dir, command);
    }
  }
  throw new AtmosUserError('CONFIG_INVALID', `cannot find the Terraform binary "${command}" on PATH`, undefined,
    'install it, or set components.terraform.command in atmos.yaml (e.g. "terraform", "tofu" or an absolute path)');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
