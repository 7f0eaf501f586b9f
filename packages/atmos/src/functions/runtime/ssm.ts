/**
 * SSM Parameter Store reads for one run: every parameter a run needs is fetched up front,
 * ten names per GetParameters call (the API's limit), SecureStrings decrypted, each parameter
 * once. A missing parameter names the parameter and the manifest that asked for it.
 */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AtmosUserError, type SourceLocation } from '../../errors/user-error';

export interface SsmValue {
  value: string;
  secure: boolean;
}

const BATCH_SIZE = 10;

export class SsmParameters {
  private readonly values = new Map<string, SsmValue>();
  /** Parameters that do not exist, with who asked for them (an error only when a value is needed). */
  private readonly missing = new Map<string, SourceLocation | undefined>();
  private readonly clients = new Map<string, SSMClient>();

  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  /** Fetches what is not known yet; `wanted` maps parameter names to who asked (for errors). */
  async prefetch(region: string, wanted: Map<string, SourceLocation>): Promise<void> {
    const names = [...wanted.keys()].filter((name) => !this.values.has(`${region}\0${name}`) && !this.missing.has(`${region}\0${name}`));
    const client = this.client(region);
    for (let i = 0; i < names.length; i += BATCH_SIZE) {
      const batch = names.slice(i, i + BATCH_SIZE);
      const response = await client.send(new GetParametersCommand({ Names: batch, WithDecryption: true }));
      for (const parameter of response.Parameters ?? []) {
        if (parameter.Name === undefined) continue;
        this.values.set(`${region}\0${parameter.Name}`, { value: parameter.Value ?? '', secure: parameter.Type === 'SecureString' });
      }
      for (const name of response.InvalidParameters ?? []) this.missing.set(`${region}\0${name}`, wanted.get(name));
    }
  }

  isMissing(region: string, name: string): boolean {
    return this.missing.has(`${region}\0${name}`);
  }

  /** The value; a parameter that does not exist is an error naming it and the manifest that asked. */
  get(region: string, name: string): SsmValue {
    const key = `${region}\0${name}`;
    const value = this.values.get(key);
    if (value) return value;
    if (this.missing.has(key)) {
      throw new AtmosUserError('FUNCTION_ERROR', `SSM parameter ${name} does not exist (region ${region})`, this.missing.get(key),
        `create it (aws ssm put-parameter --name ${name} ...), fix the path, or give the function a default (| default <value>)`);
    }
    throw new Error(`SSM parameter ${name} was not prefetched`);
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
  }

  private client(region: string): SSMClient {
    let client = this.clients.get(region);
    if (!client) {
      // The standard credential chain; AWS_ENDPOINT_URL_SSM is honoured by the SDK itself.
      client = new SSMClient({ region, endpoint: this.env.AWS_ENDPOINT_URL_SSM });
      this.clients.set(region, client);
    }
    return client;
  }
}
