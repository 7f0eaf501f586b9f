/**
 * The data keys of plan bundles: from a KMS key (GenerateDataKey per bundle, Decrypt to open it,
 * with the instance as encryption context), or from a key in an environment variable (tests, and
 * CI systems that keep their own secrets). KMS calls go through the client factory (src/aws).
 */
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { awsClients } from '../aws/clients';
import { explainAwsError } from '../aws/errors';
import type { AwsTarget } from '../aws/target';
import { AtmosUserError } from '../errors/user-error';
import type { DataKeys, KeyReference } from './bundle';
import type { EncryptionSettings } from './config';

export function dataKeys(settings: EncryptionSettings, target: () => AwsTarget, env: Record<string, string | undefined>): DataKeys {
  if (settings.kind === 'env') return envKeys(settings.variable, env);
  // encryption.region: a KMS key in another region than the store (a multi-region key's replica, a central key).
  const region = settings.region;
  return kmsKeys(settings.keyId, region ? () => ({ ...target(), region }) : target, env);
}

/** A 32-byte key, written as base64 or hex. */
export function parseKey(text: string | undefined, variable: string): Buffer {
  const hint = `set ${variable} to 32 random bytes, e.g. export ${variable}=$(openssl rand -base64 32), the same in the plan and the apply jobs`;
  if (text === undefined || text === '') {
    throw new AtmosUserError('USAGE', `stored plans are encrypted with the key in ${variable} (components.terraform.planfiles.encryption.key_env), which is not set`, undefined, hint);
  }
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new AtmosUserError('USAGE', `${variable} must hold a 32-byte key (base64 or hex); it holds ${key.length} bytes`, undefined, hint);
  return key;
}

function envKeys(variable: string, env: Record<string, string | undefined>): DataKeys {
  return {
    async newKey() {
      return { key: parseKey(env[variable], variable), reference: { kind: 'env', variable } };
    },
    async openKey(reference: KeyReference) {
      if (reference.kind !== 'env') {
        throw new AtmosUserError('USAGE', `the stored plan was encrypted with the KMS key ${reference.keyId}, but atmos.yaml now names the key in ${variable}`, undefined,
          'plan again, or set components.terraform.planfiles.encryption back to the KMS key');
      }
      // The variable named in atmos.yaml, not the bundle's: a bundle cannot choose which variable we read.
      return parseKey(env[variable], variable);
    },
  };
}

function kmsKeys(keyId: string, target: () => AwsTarget, env: Record<string, string | undefined>): DataKeys {
  const explain = (error: unknown, action: string, purpose: string) => {
    const t = target();
    return explainAwsError(error, { service: 'kms', action, resource: `KMS key ${keyId}`, purpose, target: t }, env);
  };
  return {
    async newKey(context) {
      const t = target();
      try {
        const answer = await (await awsClients(env).kms(t)).send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
        if (!answer.Plaintext || !answer.CiphertextBlob) throw new Error('GenerateDataKey returned no key');
        return {
          key: Buffer.from(answer.Plaintext),
          reference: { kind: 'kms', keyId: answer.KeyId ?? keyId, encryptedDataKey: Buffer.from(answer.CiphertextBlob).toString('base64') },
        };
      } catch (error) {
        throw explain(error, 'kms:GenerateDataKey', 'making the data key of a stored plan');
      }
    },
    async openKey(reference, context) {
      if (reference.kind !== 'kms') {
        throw new AtmosUserError('USAGE', `the stored plan was encrypted with the key in ${reference.variable}, but atmos.yaml now names the KMS key ${keyId}`, undefined,
          'plan again, or set components.terraform.planfiles.encryption back to key_env');
      }
      const t = target();
      try {
        const answer = await (await awsClients(env).kms(t)).send(new DecryptCommand({
          CiphertextBlob: Buffer.from(reference.encryptedDataKey, 'base64'), KeyId: keyId, EncryptionContext: context,
        }));
        if (!answer.Plaintext) throw new Error('Decrypt returned no key');
        return Buffer.from(answer.Plaintext);
      } catch (error) {
        throw explain(error, 'kms:Decrypt', 'opening the data key of a stored plan');
      }
    },
  };
}
