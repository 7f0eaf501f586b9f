/**
 * SSM Parameter Store reads for one run: every parameter a run needs is fetched up front,
 * ten names per GetParameters call (the API's limit), SecureStrings decrypted, each parameter
 * once per target (a store's region, endpoint and read role: src/aws builds the client). A
 * missing parameter names the parameter, what asked for it and where, and what was tried.
 */
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { awsClients } from '../../aws/clients';
import { AwsCallError, explainAwsError, wantsCallerAccount } from '../../aws/errors';
import { chainKey, describeEndpoint, describeIdentity, type AwsTarget } from '../../aws/target';
import { AtmosUserError, type SourceLocation } from '../../errors/user-error';

export interface SsmValue {
  value: string;
  secure: boolean;
}

/** Who asked for a parameter: the function as written, the instance, the place in the manifest. */
export interface ParameterRequest {
  location?: SourceLocation;
  /** `!store.get platform /x` or `${{ ssm:/x }}` in 'app' (stack 'plat-ue1-dev') */
  reference: string;
}

const BATCH_SIZE = 10;

export class SsmParameters {
  private readonly values = new Map<string, SsmValue>();
  /** Parameters that do not exist, with who asked for them (an error only when a value is needed). */
  private readonly missing = new Map<string, ParameterRequest>();

  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  /** Fetches what is not known yet; `wanted` maps parameter names to who asked (for errors). */
  async prefetch(target: AwsTarget, wanted: Map<string, ParameterRequest>): Promise<void> {
    const names = [...wanted.keys()].filter((name) => !this.values.has(key(target, name)) && !this.missing.has(key(target, name)));
    if (names.length === 0) return;
    const clients = awsClients(this.env);
    const client = await clients.ssm(target);
    for (let i = 0; i < names.length; i += BATCH_SIZE) {
      const batch = names.slice(i, i + BATCH_SIZE);
      let response;
      try {
        response = await client.send(new GetParametersCommand({ Names: batch, WithDecryption: true }));
      } catch (error) {
        const callerAccount = wantsCallerAccount(error, target) ? await clients.account(target, 0) : undefined;
        const explained = explainAwsError(error, {
          callerAccount,
          service: 'ssm',
          action: 'ssm:GetParameters',
          resource: `parameter ${batch[0]}${batch.length > 1 ? ` (and ${batch.length - 1} more)` : ''}`,
          purpose: `reading SSM parameters of ${target.owner}`,
          target,
        }, this.env);
        const first = wanted.get(batch[0]);
        throw explained instanceof AwsCallError && first ? explained.within(first.reference, first.location) : explained;
      }
      for (const parameter of response.Parameters ?? []) {
        if (parameter.Name === undefined) continue;
        this.values.set(key(target, parameter.Name), { value: parameter.Value ?? '', secure: parameter.Type === 'SecureString' });
      }
      for (const name of response.InvalidParameters ?? []) {
        const request = wanted.get(name);
        if (request) this.missing.set(key(target, name), request);
      }
    }
  }

  isMissing(target: AwsTarget, name: string): boolean {
    return this.missing.has(key(target, name));
  }

  /** The value; a parameter that does not exist is an error naming it, what asked for it, and what was tried. */
  get(target: AwsTarget, name: string): SsmValue {
    const value = this.values.get(key(target, name));
    if (value) return value;
    const request = this.missing.get(key(target, name));
    if (request) throw this.missingError(target, name, request, 'or give the function a default (!store ... | default <value>)');
    throw new Error(`SSM parameter ${name} was not prefetched`);
  }

  /** One line: the reference, the parameter, the region, endpoint and identity it was looked up with, what to do. */
  missingError(target: AwsTarget, name: string, request: ParameterRequest, alternative: string): AtmosUserError {
    return new AtmosUserError('FUNCTION_ERROR',
      `${request.reference}: SSM parameter ${name} does not exist (looked up in ${target.region}, ${describeEndpoint(target, 'ssm')}, as ${describeIdentity(target, this.env)})`,
      request.location,
      `create it (aws ssm put-parameter --name ${name} --region ${target.region} ...), fix the name, ${alternative}`);
  }

  /** Clients belong to the run (src/aws); nothing of this reader's own to close. */
  destroy(): void {
    this.values.clear();
    this.missing.clear();
  }
}

function key(target: AwsTarget, name: string): string {
  return `${chainKey(target)}\0${target.region}\0${target.endpoints.ssm ?? ''}\0${name}`;
}
