import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { closeAwsClients } from '../aws/clients';
import { userRejection as rejection } from '../testing/user-errors';
import { openBundle, readBundleHeader, sealBundle, type PlanContent } from './bundle';
import { dataKeys, parseKey } from './keys';
import type { AwsTarget } from '../aws/target';

const SECRET = 'SecureString-Zq81Lm7c';
const content: PlanContent = {
  planfile: Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(`{"password":"${SECRET}"}`), randomBytes(64)]),
  lockfile: '# lock\n',
  fingerprint: 'a'.repeat(64),
  state: { serial: 7, lineage: 'l-1' },
  summary: { resources: [{ address: 'terraform_data.app', actions: ['create'] }] },
};
const instance = { stack: 'dev', component: 'app' };
const target: AwsTarget = { region: 'us-east-1', endpoints: {}, forcePathStyle: false, roles: [], owner: 'the planfile store', settingPrefix: 'terraform.backend.s3' };


describe('plan bundles with a key from the environment', () => {
  const env = { KEY: randomBytes(32).toString('base64') };
  const keys = dataKeys({ kind: 'env', variable: 'KEY' }, () => target, env);

  it('round-trip: the plan file byte for byte, the lock file, fingerprint and state version; no plaintext secret in the bytes', async () => {
    const { bytes, header } = await sealBundle(instance, content, keys);
    expect(bytes.toString('utf8')).not.toContain(SECRET);
    expect(bytes.toString('latin1')).not.toContain(SECRET);
    expect(header).toMatchObject({ stack: 'dev', component: 'app', fingerprint: content.fingerprint, key: { kind: 'env', variable: 'KEY' } });
    const opened = await openBundle(bytes, keys, 'x');
    expect(opened.content.planfile.equals(content.planfile)).toBe(true);
    expect(opened.content).toMatchObject({ lockfile: '# lock\n', fingerprint: content.fingerprint, state: { serial: 7, lineage: 'l-1' } });
    expect(opened.header.planId).toBe(header.planId);
  });

  it('each bundle is its own plan (new id, new IV)', async () => {
    const a = await sealBundle(instance, content, keys);
    const b = await sealBundle(instance, content, keys);
    expect(a.header.planId).not.toBe(b.header.planId);
    expect(a.header.iv).not.toBe(b.header.iv);
  });

  it('an edited header (another fingerprint or instance) or another key does not open', async () => {
    const { bytes } = await sealBundle(instance, content, keys);
    const doc = JSON.parse(bytes.toString('utf8'));
    for (const edit of [{ fingerprint: 'b'.repeat(64) }, { stack: 'prod' }]) {
      const error = await rejection(openBundle(Buffer.from(JSON.stringify({ ...doc, ...edit })), keys, 's3://b/k'));
      expect(error.message).toBe('the stored plan s3://b/k does not decrypt: it was sealed with another key, or it was altered');
    }
    const other = dataKeys({ kind: 'env', variable: 'KEY' }, () => target, { KEY: randomBytes(32).toString('hex') });
    expect((await rejection(openBundle(bytes, other, 'k'))).hint).toBe('set KEY to the key the plan job used, or plan again');
  });

  it('the header is readable without the key; something else is refused as not a bundle', () => {
    expect(() => readBundleHeader(Buffer.from('PK...'), 'k')).toThrow('the stored plan k is not a plan bundle (not JSON)');
    expect(() => readBundleHeader(Buffer.from('{"format":"x"}'), 'k')).toThrow('the stored plan k is not a plan bundle');
  });

  it('a missing or short key is a one-line error saying how to make one', () => {
    expect(() => parseKey(undefined, 'KEY')).toThrow('stored plans are encrypted with the key in KEY (components.terraform.planfiles.encryption.key_env), which is not set');
    expect(() => parseKey(Buffer.alloc(16).toString('base64'), 'KEY')).toThrow('KEY must hold a 32-byte key (base64 or hex); it holds 16 bytes');
    expect(parseKey('ab'.repeat(32), 'KEY')).toHaveLength(32);
  });
});

describe('plan bundles with a KMS data key', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => {
    kms.reset();
    closeAwsClients();
  });

  it('GenerateDataKey per bundle with the instance as encryption context; Decrypt with the same context and the configured key', async () => {
    const plaintext = randomBytes(32);
    const blob = Buffer.from('encrypted-data-key');
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob), KeyId: 'arn:aws:kms:us-east-1:111111111111:key/k' });
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(plaintext) });
    const keys = dataKeys({ kind: 'kms', keyId: 'alias/planfiles' }, () => target, {});
    const { bytes, header } = await sealBundle(instance, content, keys);
    expect(header.key).toEqual({ kind: 'kms', keyId: 'arn:aws:kms:us-east-1:111111111111:key/k', encryptedDataKey: blob.toString('base64') });
    const context = { 'atmos:stack': 'dev', 'atmos:component': 'app', 'atmos:purpose': 'plan-bundle' };
    expect(kms.commandCalls(GenerateDataKeyCommand)[0].args[0].input).toEqual({ KeyId: 'alias/planfiles', KeySpec: 'AES_256', EncryptionContext: context });
    const opened = await openBundle(bytes, keys, 'k');
    expect(opened.content.planfile.equals(content.planfile)).toBe(true);
    const decrypt = kms.commandCalls(DecryptCommand)[0].args[0].input;
    expect(decrypt).toMatchObject({ KeyId: 'alias/planfiles', EncryptionContext: context });
    expect(Buffer.from(decrypt.CiphertextBlob as Uint8Array).equals(blob)).toBe(true);
  });

  it('encryption.region sends the KMS calls to that region', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(randomBytes(32)), CiphertextBlob: new Uint8Array(Buffer.from('k')) });
    await sealBundle(instance, content, dataKeys({ kind: 'kms', keyId: 'alias/central', region: 'eu-west-1' }, () => target, {}));
    expect(await kms.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('a KMS denial is one line naming the action, the key and what to grant', async () => {
    kms.on(GenerateDataKeyCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 }, $fault: 'client' }));
    const keys = dataKeys({ kind: 'kms', keyId: 'alias/planfiles' }, () => target, {});
    const error = await rejection(sealBundle(instance, content, keys));
    expect(error.message).toContain('making the data key of a stored plan (KMS key alias/planfiles in us-east-1');
    expect(error.message).toContain('is not allowed kms:GenerateDataKey on KMS key alias/planfiles (AccessDeniedException)');
    expect(error.message).not.toContain('\n');
  });

  it('a bundle sealed with the environment key is not opened with KMS (and says why)', async () => {
    const envKeys = dataKeys({ kind: 'env', variable: 'KEY' }, () => target, { KEY: randomBytes(32).toString('base64') });
    const { bytes } = await sealBundle(instance, content, envKeys);
    const error = await rejection(openBundle(bytes, dataKeys({ kind: 'kms', keyId: 'alias/p' }, () => target, {}), 'k'));
    expect(error.message).toBe('the stored plan was encrypted with the key in KEY, but atmos.yaml now names the KMS key alias/p');
  });
});

it('the payload is gzip inside the encryption (a decrypted bundle is not the plan in clear either way)', async () => {
  const env = { KEY: randomBytes(32).toString('base64') };
  const keys = dataKeys({ kind: 'env', variable: 'KEY' }, () => target, env);
  const { bytes } = await sealBundle(instance, content, keys);
  expect(() => gunzipSync(Buffer.from(JSON.parse(bytes.toString('utf8')).ciphertext, 'base64'))).toThrow();
});
