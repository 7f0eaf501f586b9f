/**
 * Option checks every generator shares. Each failure is one line saying what was given and what
 * is accepted; it is thrown before anything is written, so the Tree is never flushed half-done.
 */
import { isAbsolute } from 'node:path';
import { AtmosUserError, isUserError } from '../../errors/user-error';
import { AWS_REGION_ENVIRONMENTS, isAwsRegion } from './aws-regions';

/** An error Nx prints as a one-line title, without the "Pass --verbose to see the stacktrace" line. */
export class GeneratorError extends Error {
  override readonly name = 'GeneratorError';

  constructor(message: string) {
    super(message);
    // Nx appends a stack-trace hint to any error that has a stack; a user mistake is not a bug.
    Object.defineProperty(this, 'stack', { value: undefined });
  }
}

/** Runs a generator body, turning the engine's user errors (bad manifest, bad atmos.yaml) into one-line generator errors. */
export async function asGeneratorErrors<T>(root: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (isUserError(error)) throw new GeneratorError((error as AtmosUserError).format(root).replace(/\n\s*/g, ' '));
    throw error;
  }
}

/** Stack, tenant, account and environment names: they become path segments and parts of stack names. */
const SEGMENT = /^[a-z0-9](?:[a-z0-9_]*[a-z0-9])?$/;

export function checkSegment(option: string, value: unknown): string {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    throw new GeneratorError(`--${option}=${display(value)} is not accepted: use lower-case letters, digits and '_' (no '-', '/' or spaces), e.g. --${option}=${exampleOf(option)}`);
  }
  return value;
}

/** Component names: Atmos allows `/` to nest (`lambda/orders`), each part a folder-safe name. */
const COMPONENT = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/;

export function checkComponentName(option: string, value: unknown): string {
  if (typeof value !== 'string' || !COMPONENT.test(value)) {
    throw new GeneratorError(`--${option}=${display(value)} is not accepted: a component name is lower-case letters, digits, '-' and '_', parts joined by '/' (e.g. vpc, elasticache, lambda/orders)`);
  }
  return value;
}

/** Terraform identifiers name folders of components generated for Terraform (no '/'). */
const TERRAFORM_FOLDER = /^[a-z][a-z0-9_-]*$/;

export function checkTerraformFolderName(option: string, value: unknown): string {
  if (typeof value !== 'string' || !TERRAFORM_FOLDER.test(value) || value.length > 64) {
    throw new GeneratorError(`--${option}=${display(value)} is not accepted: a component folder name starts with a letter and has only lower-case letters, digits, '-' and '_' (at most 64), e.g. --${option}=elasticache`);
  }
  return value;
}

export function checkRegion(value: unknown): string {
  if (typeof value !== 'string' || !isAwsRegion(value)) {
    throw new GeneratorError(`--region=${display(value)} is not an AWS region: use one of ${Object.keys(AWS_REGION_ENVIRONMENTS).join(', ')}`);
  }
  return value;
}

/** An IPv4 CIDR block, `10.0.0.0/16`, with the host bits zero (as AWS and cidrsubnet require). */
export function checkCidr(option: string, value: unknown): string {
  const match = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const bits = match ? Number(match[5]) : -1;
  const valid = match !== null && octets.every((octet, i) => octet <= 255 && String(octet) === match[i + 1]) && bits >= 0 && bits <= 32;
  if (!valid) throw new GeneratorError(`--${option}=${display(value)} is not an IPv4 CIDR block: use a.b.c.d/n with n from 0 to 32, e.g. --${option}=10.20.0.0/16`);
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const hostBits = 2 ** (32 - bits);
  if (address % hostBits !== 0) {
    const network = address - (address % hostBits);
    const text = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    throw new GeneratorError(`--${option}=${value as string} has host bits set: the network of that block is ${text}/${bits}; use --${option}=${text}/${bits}`);
  }
  return value as string;
}

/** `--components=vpc,eks` (or a list, as Nx passes arrays): unique names in the given order. */
export function checkComponentList(option: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value.flatMap((item) => String(item).split(',')) : typeof value === 'string' ? value.split(',') : undefined;
  if (!items) throw new GeneratorError(`--${option} is not accepted: give component names separated by commas, e.g. --${option}=vpc,eks`);
  const names = items.map((item) => item.trim()).filter((item) => item !== '');
  if (names.length === 0) throw new GeneratorError(`--${option}=${display(value)} names no component: give component names separated by commas, e.g. --${option}=vpc,eks`);
  for (const name of names) checkComponentName(option, name);
  return [...new Set(names)];
}

export function checkOneOf<T extends string>(option: string, value: unknown, accepted: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !accepted.includes(value as T)) {
    throw new GeneratorError(`--${option}=${display(value)} is not accepted: use one of ${accepted.join(', ')}`);
  }
  return value as T;
}

export function checkBoolean(option: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new GeneratorError(`--${option}=${display(value)} is not accepted: it is a flag (--${option} or --${option}=false)`);
  return value;
}

/** A path inside the workspace, written with '/' and no '..' (the generators write only below the root). */
export function checkRelativePath(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || isAbsolute(value) || value.split(/[\\/]/).some((part) => part === '..' || part === '') || value.includes('\\')) {
    throw new GeneratorError(`--${option}=${display(value)} is not accepted: give a path relative to the workspace root with '/' separators and no '..', e.g. --${option}=stacks/catalog/vpc/defaults.yaml`);
  }
  return value;
}

export function requireOption(option: string, value: unknown, what: string): void {
  if (value === undefined || value === null || value === '') {
    throw new GeneratorError(`--${option} is required: ${what}`);
  }
}

function display(value: unknown): string {
  if (value === undefined) return '(missing)';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

function exampleOf(option: string): string {
  return { tenant: 'plat', account: 'staging', environment: 'usw2', stage: 'staging', from: 'dev-use1' }[option] ?? 'name';
}
