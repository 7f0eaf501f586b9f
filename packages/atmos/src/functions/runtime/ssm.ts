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
  private readonly clients = new Map<string, SSMClient>();

  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  /** Fetches what is not known yet; `wanted` maps parameter names to who asked (for errors). */
  async prefetch(region: string, wanted: Map<string, SourceLocation>): Promise<void> {
    const names = [...wanted.keys()].filter((name) => !this.values.has(`${region}\0${name}`));
    const client = this.client(region);
    for (let i = 0; i < names.length; i += BATCH_SIZE) {
      const batch = names.slice(i, i + BATCH_SIZE);
      const response = await client.send(new GetParametersCommand({ Names: batch, WithDecryption: true }));
      for (const parameter of response.Parameters ?? []) {
        if (parameter.Name === undefined) continue;
        this.values.set(`${region}\0${parameter.Name}`, { value: parameter.Value ?? '', secure: parameter.Type === 'SecureString' });
      }
      const missing = response.InvalidParameters ?? [];
      if (missing.length > 0) {
        const name = missing[0];
        throw new AtmosUserError('FUNCTION_ERROR', `SSM parameter ${name} does not exist (region ${region})`, wanted.get(name),
          `create it (aws ssm put-parameter --name ${name} ...) or fix the path${missing.length > 1 ? `; also missing: ${missing.slice(1).join(', ')}` : ''}`);
      }
    }
  }

  get(region: string, name: string): SsmValue {
    const value = this.values.get(`${region}\0${name}`);
    if (!value) throw new Error(`SSM parameter ${name} was not prefetched`);
    return value;
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
