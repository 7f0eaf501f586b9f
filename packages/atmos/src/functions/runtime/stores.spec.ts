/**
 * `!store` / `!store.get` key layout (stores.ts) and the SSM reader (ssm.ts) against the harness's
 * SSM emulator (e2e/harness/ssm-server.ts, in process): batching, decryption, one lookup per
 * parameter, errors.
 */
import { AtmosUserError } from '../../errors/user-error';
import { YamlFunction } from '../../stacks/values';
import { FIXTURE_ATMOS_YAML, removeFixtures, resolveFixture } from '../../testing/fixture-workspace';
import { startSsmServer, type RunningSsmServer } from '../../../../../e2e/harness/ssm-server';
import { evaluateInstance } from './evaluate';
import { SsmParameters } from './ssm';
import { closeAwsClients } from '../../aws/clients';
import { inlineSsmTarget, storeTarget } from '../../aws/store-target';
import { startStsServer, type RunningStsServer } from '../../../../../e2e/harness/sts-server';
import { GetParametersCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeStoreValue, parseStoreFunction } from './stores';
import type { StoreConfig } from '../../config/types';
import { userError } from '../../testing/user-errors';

const STORES: Record<string, StoreConfig> = {
  ssm: { kind: 'aws/ssm', options: { region: 'us-east-2', prefix: '/atmos' } },
  bare: { kind: 'aws/ssm', options: {} },
  slashy: { kind: 'aws/ssm', options: { prefix: 'org/', stack_delimiter: '_' } },
  redis: { kind: 'redis', options: {} },
};

const store = (args: string, tag = '!store', stack = 'plat-ue1-dev') => parseStoreFunction(new YamlFunction(tag, args, { file: '/w/stacks/dev.yaml', line: 3 }), stack, STORES, 'eu-west-1');

describe('parseStoreFunction: Atmos key layout', () => {
  it('<prefix>/<stack split on stack_delimiter>/<component>/<key>, the current stack by default', () => {
    expect(store('ssm vpc db_password')).toEqual({ store: 'ssm', parameter: '/atmos/plat/ue1/dev/vpc/db_password', region: 'us-east-2', defaultValue: undefined, query: undefined });
    expect(store('ssm plat-ue1-prod vpc vpc_id').parameter).toBe('/atmos/plat/ue1/prod/vpc/vpc_id');
  });

  it('splits nested component names; no prefix; the fallback region', () => {
    expect(store('bare eks/cluster endpoint')).toMatchObject({ parameter: '/plat/ue1/dev/eks/cluster/endpoint', region: 'eu-west-1' });
  });

  it('honours stack_delimiter and normalises slashes in the prefix', () => {
    expect(store('slashy vpc id', '!store', 'plat_ue1_dev')).toMatchObject({ parameter: '/org/plat/ue1/dev/vpc/id' });
    // With "_" as delimiter, a "-" stack name stays one segment.
    expect(store('slashy vpc id', '!store', 'plat-ue1-dev')).toMatchObject({ parameter: '/org/plat-ue1-dev/vpc/id' });
  });

  it('!store.get reads <prefix>/<key>', () => {
    expect(store('ssm /global/flag', '!store.get')).toMatchObject({ parameter: '/atmos/global/flag', region: 'us-east-2' });
    expect(store('bare global/flag', '!store.get')).toMatchObject({ parameter: '/global/flag' });
  });

  it('parses | default and | query', () => {
    expect(store('ssm vpc cfg | default none')).toMatchObject({ defaultValue: 'none', query: undefined });
    expect(store('ssm vpc cfg | query .a.b')).toMatchObject({ query: '.a.b' });
    expect(store('ssm vpc cfg | default "x y" | query .a[0]')).toMatchObject({ defaultValue: 'x y', query: '.a[0]' });
    expect(store('ssm /k | default 3', '!store.get')).toMatchObject({ parameter: '/atmos/k', defaultValue: '3' });
  });

  it('rejects unknown options, stores, store types and bad arity, naming the function', () => {
    expect(userError(() => store('ssm vpc cfg | nope x')).message).toBe('!store: unknown option "| nope"');
    const unknown = userError(() => store('missing vpc cfg'));
    expect(unknown.message).toBe('!store: store "missing" is not defined in atmos.yaml');
    expect(unknown.hint).toContain('known: ssm, bare, slashy, redis');
    expect(unknown.location).toEqual({ file: '/w/stacks/dev.yaml', line: 3 });
    expect(userError(() => store('redis vpc cfg')).message).toBe('!store: store "redis" is of kind redis; only aws/ssm (aws-ssm-parameter-store) is supported');
    expect(userError(() => store('ssm vpc')).message).toBe('!store ssm vpc: expected !store <store> [<stack>] <component> <key>');
    expect(userError(() => store('ssm a b', '!store.get')).message).toBe('!store.get ssm a b: expected !store.get <store> <key>');
  });

  it('decodes JSON values, keeps other text', () => {
    expect(decodeStoreValue('{"a":[1]}')).toEqual({ a: [1] });
    expect(decodeStoreValue('"quoted"')).toBe('quoted');
    expect(decodeStoreValue('42')).toBe(42);
    expect(decodeStoreValue('plain text')).toBe('plain text');
  });
});

describe('SsmParameters against the SSM emulator', () => {
  let server: RunningSsmServer;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    server = await startSsmServer();
    // The SDK's credential chain reads these; nothing leaves loopback.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
    delete process.env.AWS_PROFILE;
    for (let i = 0; i < 23; i++) put(`/bulk/p${String(i).padStart(2, '0')}`, `value-${i}`);
    put('/secure/db', 'pw-very-secret', 'SecureString');
    put('/plain/name', 'visible');
  });

  afterAll(async () => {
    await server?.close();
    closeAwsClients();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    removeFixtures();
  });

  beforeEach(() => server.store.resetStats());

  function put(name: string, value: string, type = 'String'): void {
    server.store.handle('PutParameter', { Name: name, Value: value, Type: type, Overwrite: true });
  }

  const wanted = (...names: string[]) => new Map(names.map((name) => [name, { location: { file: '/w/stacks/dev.yaml', line: 7 }, reference: `!store.get platform ${name} in 'app' (stack 'plat-ue1-dev')` }]));
  const bulk = (count: number) => Array.from({ length: count }, (_, i) => `/bulk/p${String(i).padStart(2, '0')}`);
  const reader = () => new SsmParameters(process.env);
  /** Where the reads go: the emulator, with the ambient (test) keys. */
  const target = () => inlineSsmTarget('us-east-1', 'the test', { AWS_ENDPOINT_URL_SSM: server.endpoint });

  it('fetches 10 names per GetParameters call, each parameter once per run', async () => {
    const ssm = reader();
    try {
      await ssm.prefetch(target(), wanted(...bulk(23)));
      expect(server.store.stats().calls).toEqual({ GetParameters: 3 });
      expect(ssm.get(target(), '/bulk/p22')).toEqual({ value: 'value-22', secure: false });
      // Known names are not fetched again; only the new one is.
      await ssm.prefetch(target(), wanted(...bulk(23), '/plain/name'));
      expect(server.store.stats().calls).toEqual({ GetParameters: 4 });
    } finally {
      ssm.destroy();
    }
  });

  it('one call for up to 10 names', async () => {
    const ssm = reader();
    try {
      await ssm.prefetch(target(), wanted(...bulk(10)));
      expect(server.store.stats().calls).toEqual({ GetParameters: 1 });
    } finally {
      ssm.destroy();
    }
  });

  it('decrypts SecureStrings and marks them secure', async () => {
    const ssm = reader();
    try {
      await ssm.prefetch(target(), wanted('/secure/db', '/plain/name'));
      expect(ssm.get(target(), '/secure/db')).toEqual({ value: 'pw-very-secret', secure: true });
      expect(ssm.get(target(), '/plain/name')).toEqual({ value: 'visible', secure: false });
    } finally {
      ssm.destroy();
    }
  });

  it('a missing parameter names it, the function and instance, where it was looked up, and the manifest that asked for it', async () => {
    const ssm = reader();
    try {
      // Missing parameters are recorded, not fatal: a `| default` may still apply. Reading one is the error.
      await ssm.prefetch(target(), wanted('/plain/name', '/does/not/exist', '/nor/this'));
      expect(ssm.isMissing(target(), '/does/not/exist')).toBe(true);
      expect(ssm.isMissing(target(), '/plain/name')).toBe(false);
      const error = (() => {
        try {
          ssm.get(target(), '/does/not/exist');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AtmosUserError);
      expect((error as AtmosUserError).message).toBe(`!store.get platform /does/not/exist in 'app' (stack 'plat-ue1-dev'): SSM parameter /does/not/exist does not exist ` +
        `(looked up in us-east-1, endpoint ${server.endpoint}, as the default credential chain (AWS_ACCESS_KEY_ID from the environment))`);
      expect((error as AtmosUserError).location).toEqual({ file: '/w/stacks/dev.yaml', line: 7 });
      expect((error as AtmosUserError).hint).toContain('| default');
    } finally {
      ssm.destroy();
    }
  });

  describe('through evaluateInstance', () => {
    const DEV = 'stacks/orgs/plat/ue1/dev.yaml';
    const atmos = FIXTURE_ATMOS_YAML.replace('enabled: true', 'enabled: false') +
      'stores:\n  platform:\n    kind: aws/ssm\n    options:\n      region: us-east-1\n      prefix: /atmos\n';

    async function evaluate(vars: string) {
      const resolved = resolveFixture({
        'atmos.yaml': atmos,
        [DEV]: `vars:\n  tenant: plat\n  environment: ue1\n  stage: dev\ncomponents:\n  terraform:\n    app:\n      vars:\n${vars}`,
      });
      const instance = resolved.instances.find((i) => i.component === 'app')!;
      const ssm = reader();
      try {
        return await evaluateInstance(instance, {
          config: resolved.config,
          env: { AWS_ENDPOINT_URL_SSM: server.endpoint },
          command: 'plan',
          findInstance: () => undefined,
          readState: async () => undefined,
          ssm,
          log: () => undefined,
        });
      } finally {
        ssm.destroy();
      }
    }

    it('batches every !store and ${{ ssm: }} of an instance into one call and masks SecureStrings', async () => {
      put('/atmos/plat/ue1/dev/vpc/db_password', 'store-pw-1', 'SecureString');
      put('/atmos/plat/ue1/dev/vpc/config', '{"port":5432}');
      put('/platform/dev/db_password', 'inline-pw-2', 'SecureString');
      server.store.resetStats();
      const result = await evaluate(
        '        a: !store platform vpc db_password\n' +
        '        b: !store platform vpc config | query .port\n' +
        '        c: ${{ ssm:/platform/dev/db_password }}\n' +
        '        d: "${{ ssm:/platform/dev/db_password }}"\n' +
        '        e: !store platform vpc db_password\n',
      );
      expect(result.vars).toEqual({ tenant: 'plat', environment: 'ue1', stage: 'dev', a: 'store-pw-1', b: 5432, c: 'inline-pw-2', d: 'inline-pw-2', e: 'store-pw-1' });
      expect(server.store.stats().calls).toEqual({ GetParameters: 1 });
      expect([...result.secrets].sort()).toEqual(['inline-pw-2', 'store-pw-1']);
    });

    // BUG (ssm.ts SsmParameters.prefetch + evaluate.ts !store): prefetch throws for every name in
    // InvalidParameters, so `| default` is never reached for a parameter that does not exist (the
    // one case it is for). Fix: prefetch should record missing names (e.g. a `missing` set) instead
    // of throwing; `get` throws the "does not exist" AtmosUserError for a missing name, and the
    // `!store` case (which already catches get's error) returns the default.
    it('`| default` applies when the parameter does not exist', async () => {
      const result = await evaluate('        a: !store platform vpc not_there | default fallback\n        b: !store.get platform nothing/here | default 0\n');
      expect(result.vars).toMatchObject({ a: 'fallback', b: 0 });
    });
  });

  describe('a store with read_role_arn (Atmos v1.226.1 options)', () => {
    const ROLE = 'arn:aws:iam::333333333333:role/plat-ssm-reader';
    let sts: RunningStsServer;
    beforeAll(async () => {
      sts = await startStsServer({ roles: { [ROLE]: { accessKeyId: 'ASIASSMREADER', secretAccessKey: 'reader-secret', trustedAccessKeys: ['test'] } } });
    });
    afterAll(() => sts.close());
    afterEach(() => closeAwsClients());

    const store = (options: Record<string, unknown>) => storeTarget('platform', { kind: 'aws/ssm', options: { region: 'us-east-1', ...options } }, 'read',
      'eu-west-1', { AWS_ENDPOINT_URL_SSM: server.endpoint, AWS_ENDPOINT_URL_STS: sts.endpoint }, '/w/atmos.yaml');

    it('reads through the role, assumed once with Atmos\'s session name', async () => {
      const ssm = reader();
      await ssm.prefetch(store({ read_role_arn: ROLE }), wanted('/plain/name'));
      await ssm.prefetch(store({ read_role_arn: ROLE }), wanted('/secure/db'));
      expect(ssm.get(store({ read_role_arn: ROLE }), '/plain/name').value).toBe('visible');
      expect(sts.calls.map((c) => [c.roleArn, c.roleSessionName, c.callerAccessKeyId, c.result])).toEqual([[ROLE, 'atmos-ssm-session', 'test', 'ok']]);
    });

    it('the endpoint option of the store wins over AWS_ENDPOINT_URL_SSM', () => {
      expect(store({ endpoint: 'http://127.0.0.1:1' }).endpoints.ssm).toBe('http://127.0.0.1:1');
      expect(store({ endpoint_url: 'http://127.0.0.1:2' }).endpoints.ssm).toBe('http://127.0.0.1:2');
    });

    it('a read_role_arn that is not a role ARN is an atmos.yaml error', () => {
      expect(() => store({ read_role_arn: 'plat-ssm-reader' })).toThrow(/stores.platform.options.read_role_arn of store 'platform' must be an IAM role ARN/);
    });

    it('AccessDenied names the function, the instance, the role and its account, the action and the setting (aws-sdk-client-mock)', async () => {
      const mock = mockClient(SSMClient);
      try {
        mock.on(GetParametersCommand).rejects(new SSMServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'not authorized' }));
        const error = await reader().prefetch(store({ read_role_arn: ROLE }), wanted('/atmos/plat/ue1/dev/vpc/db_password')).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(AtmosUserError);
        expect((error as AtmosUserError).message).toBe(
          "!store.get platform /atmos/plat/ue1/dev/vpc/db_password in 'app' (stack 'plat-ue1-dev'): reading SSM parameters of store 'platform' " +
          `(parameter /atmos/plat/ue1/dev/vpc/db_password in us-east-1, endpoint ${server.endpoint}): role ${ROLE} (account 333333333333), assumed with the default credential chain ` +
          '(AWS_ACCESS_KEY_ID from the environment) is not allowed ssm:GetParameters on parameter /atmos/plat/ue1/dev/vpc/db_password (AccessDeniedException)');
        expect((error as AtmosUserError).hint).toBe(`grant ssm:GetParameters on parameter /atmos/plat/ue1/dev/vpc/db_password to ${ROLE}, or set stores.platform.options.read_role_arn in /w/atmos.yaml to a role that has it`);
        expect((error as AtmosUserError).location).toEqual({ file: '/w/stacks/dev.yaml', line: 7 });
      } finally {
        mock.restore();
      }
    });
  });
});
