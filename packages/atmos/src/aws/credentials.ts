/**
 * Credentials for a target: the first hop from the standard chain (or a profile, or keys in the
 * settings), then each role of the chain assumed with the credentials of the hop before it, by
 * the SDK's own providers (`fromNodeProviderChain`, `fromIni`, `fromTemporaryCredentials`).
 * Every hop is cached for the run under its chain key, so a hundred state reads through one
 * role assume it once, and refreshed a few minutes before its credentials expire.
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { RoleHopFailure, isNoCredentials } from './credential-errors';
import { chainKey, type AwsTarget, type RoleHop } from './target';

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain>;
export type Credentials = Awaited<ReturnType<CredentialProvider>>;

/** Refresh this long before expiry: a call must never start with credentials about to lapse. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

export interface CredentialChainOptions {
  /** The clock (tests move it); milliseconds since the epoch. */
  now?: () => number;
  /** Called with the role ARN each time a role is really assumed (for --verbose and tests). */
  onAssume?: (hop: RoleHop, target: AwsTarget) => void;
}

export class CredentialChains {
  private readonly providers = new Map<string, CredentialProvider>();
  private readonly now: () => number;

  constructor(private readonly options: CredentialChainOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The provider for the chain of `target` up to `hops` roles (all by default), shared with every target whose chain starts the same. */
  provider(target: AwsTarget, hops = target.roles.length): CredentialProvider {
    return this.hop(target, hops);
  }

  /** Forgets every cached credential (the end of a run). */
  clear(): void {
    this.providers.clear();
  }

  private hop(target: AwsTarget, hops: number): CredentialProvider {
    const key = chainKey(target, hops);
    let provider = this.providers.get(key);
    if (!provider) {
      provider = refreshBeforeExpiry(hops === 0 ? firstHop(target) : this.assume(target, hops - 1), this.now);
      this.providers.set(key, provider);
    }
    return provider;
  }

  private assume(target: AwsTarget, index: number): CredentialProvider {
    const hop = target.roles[index];
    const assumeRole = fromTemporaryCredentials({
      masterCredentials: this.hop(target, index),
      params: {
        RoleArn: hop.roleArn,
        RoleSessionName: hop.sessionName,
        ExternalId: hop.externalId,
        DurationSeconds: hop.durationSeconds,
        Tags: hop.tags ? Object.entries(hop.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
        TransitiveTagKeys: hop.transitiveTagKeys,
        Policy: hop.policy,
        PolicyArns: hop.policyArns?.map((arn) => ({ arn })),
        SourceIdentity: hop.sourceIdentity,
      },
      clientConfig: { region: target.region, endpoint: target.endpoints.sts, maxAttempts: 2 },
    });
    return async () => {
      this.options.onAssume?.(hop, target);
      try {
        return await assumeRole();
      } catch (error) {
        // The first hop's own failure (no credentials at all) is not this role's fault.
        if (error instanceof RoleHopFailure || isNoCredentials(error)) throw error;
        throw new RoleHopFailure(target, index, error);
      }
    };
  }
}

function firstHop(target: AwsTarget): CredentialProvider {
  const keys = target.staticKeys;
  if (keys) return async () => ({ ...keys });
  if (target.profile || target.sharedConfigFile || target.sharedCredentialsFile) {
    return fromIni({ profile: target.profile, configFilepath: target.sharedConfigFile, filepath: target.sharedCredentialsFile });
  }
  return fromNodeProviderChain();
}

/**
 * Caches a provider's credentials until they are within the refresh window of their expiry;
 * concurrent callers share one refresh. A failure is not cached: the next call tries again.
 */
export function refreshBeforeExpiry(provider: CredentialProvider, now: () => number = Date.now): CredentialProvider {
  let current: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;
  return async () => {
    if (current && (current.expiration === undefined || current.expiration.getTime() - now() > REFRESH_BEFORE_EXPIRY_MS)) return current;
    pending ??= provider().then(
      (credentials) => {
        current = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
