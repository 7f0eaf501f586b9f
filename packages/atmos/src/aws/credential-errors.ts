/**
 * The credential failures aws/errors.ts explains, apart from the providers that raise them:
 * explaining an error (every command that may call AWS loads aws/errors) must not load the SDK's
 * whole credential chain (~100 modules), which only a real AWS call needs.
 */
import type { AwsTarget } from './target';

/** An `sts:AssumeRole` hop failed; `hop` is its index in the target's role chain. */
export class RoleHopFailure extends Error {
  override readonly name = 'RoleHopFailure';

  constructor(readonly target: AwsTarget, readonly hop: number, override readonly cause: unknown) {
    super(`assuming ${target.roles[hop].roleArn} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function isNoCredentials(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'CredentialsProviderError';
}
