/**
 * Role chains against the harness's local STS (e2e/harness/sts-server.ts, in process): each hop
 * is assumed with the credentials of the hop before it, with the backend's exact settings; hops
 * are cached per chain for the run and assumed again only shortly before they expire; a
 * failure names the hop and is not cached.
 */
import { startStsServer, type RunningStsServer } from '../../../../e2e/harness/sts-server';
import { backendTarget } from './backend-target';
import { RoleHopFailure } from './credential-errors';
import { CredentialChains, REFRESH_BEFORE_EXPIRY_MS, refreshBeforeExpiry } from './credentials';
import type { AwsTarget } from './target';

const AMBIENT = { accessKeyId: 'AKIAAMBIENT', secretAccessKey: 'ambient-secret' };
const BACKEND_ROLE = 'arn:aws:iam::111111111111:role/plat-shared-tfstate-access';
const READER_ROLE = 'arn:aws:iam::222222222222:role/plat-dev-reader';

let sts: RunningStsServer;

beforeAll(async () => {
  sts = await startStsServer({
    roles: {
      [BACKEND_ROLE]: { accessKeyId: 'ASIABACKEND', secretAccessKey: 'backend-secret', externalId: 'ext-123', trustedAccessKeys: [AMBIENT.accessKeyId] },
      // Reachable only from the backend role: the second hop of a chain.
      [READER_ROLE]: { accessKeyId: 'ASIAREADER', secretAccessKey: 'reader-secret', trustedAccessKeys: ['ASIABACKEND'] },
    },
  });
});
afterAll(() => sts.close());
beforeEach(() => {
  sts.calls.length = 0;
});

/** A backend with keys written in it (so the first hop does not depend on this machine's environment). */
function target(extra: Record<string, unknown> = {}): AwsTarget {
  return backendTarget({
    region: 'us-east-1',
    access_key: AMBIENT.accessKeyId,
    secret_key: AMBIENT.secretAccessKey,
    endpoints: { sts: sts.endpoint },
    assume_role: { role_arn: BACKEND_ROLE, external_id: 'ext-123', session_name: 'atmos-plan', duration: '1h', tags: { team: 'platform' }, transitive_tag_keys: ['team'] },
    ...extra,
  }, { owner: 'the s3 backend of vpc in stack dev-use1', file: '/repo/stacks/dev.yaml' }, {});
}

describe('CredentialChains', () => {
  it('assumes the backend role with the ambient keys and the exact assume_role settings', async () => {
    const credentials = await new CredentialChains().provider(target())();
    expect(credentials).toMatchObject({ accessKeyId: 'ASIABACKEND', secretAccessKey: 'backend-secret' });
    expect(credentials.sessionToken).toEqual(expect.any(String));
    expect(credentials.expiration).toBeInstanceOf(Date);
    expect(sts.calls).toEqual([expect.objectContaining({
      action: 'AssumeRole', roleArn: BACKEND_ROLE, externalId: 'ext-123', roleSessionName: 'atmos-plan', durationSeconds: 3600,
      tags: { team: 'platform' }, transitiveTagKeys: ['team'], callerAccessKeyId: AMBIENT.accessKeyId, result: 'ok',
    })]);
  });

  it('chains: the second role is assumed with the first role\'s credentials', async () => {
    const chained = target();
    chained.roles.push({ roleArn: READER_ROLE, sessionName: 'atmos-nx', setting: 'x' });
    const credentials = await new CredentialChains().provider(chained)();
    expect(credentials.accessKeyId).toBe('ASIAREADER');
    expect(sts.calls.map((c) => [c.roleArn, c.callerAccessKeyId, c.result])).toEqual([
      [BACKEND_ROLE, AMBIENT.accessKeyId, 'ok'],
      [READER_ROLE, 'ASIABACKEND', 'ok'],
    ]);
  });

  it('caches each role for the run: one AssumeRole for many reads, shared by chains with the same start', async () => {
    const chains = new CredentialChains();
    const one = target();
    const chained = target();
    chained.roles.push({ roleArn: READER_ROLE, sessionName: 'atmos-nx', setting: 'x' });
    await Promise.all([chains.provider(one)(), chains.provider(one)(), chains.provider(target())()]);
    await chains.provider(chained)();
    await chains.provider(chained)();
    expect(sts.calls.map((c) => c.roleArn)).toEqual([BACKEND_ROLE, READER_ROLE]);
  });

  it('another external_id or session name is another chain (never served from the other\'s cache)', async () => {
    const chains = new CredentialChains();
    await chains.provider(target())();
    await expect(chains.provider(target({ assume_role: { role_arn: BACKEND_ROLE, external_id: 'wrong' } }))()).rejects.toBeInstanceOf(RoleHopFailure);
    expect(sts.calls.map((c) => [c.externalId, c.result])).toEqual([['ext-123', 'ok'], ['wrong', 'AccessDenied']]);
  });

  it('assumes the role again shortly before its credentials expire, not before', async () => {
    let now = Date.now();
    const chains = new CredentialChains({ now: () => now });
    const first = await chains.provider(target())();
    const expiresAt = first.expiration!.getTime();
    now = expiresAt - REFRESH_BEFORE_EXPIRY_MS - 60_000;
    expect(await chains.provider(target())()).toBe(first);
    expect(sts.calls).toHaveLength(1);
    now = expiresAt - REFRESH_BEFORE_EXPIRY_MS + 1_000;
    const second = await chains.provider(target())();
    expect(second).not.toBe(first);
    expect(sts.calls).toHaveLength(2);
  });

  it('a denied hop is a RoleHopFailure naming the hop; the failure is not cached', async () => {
    const chains = new CredentialChains();
    const denied = target({ access_key: 'AKIASTRANGER' });
    const failure = await chains.provider(denied)().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoleHopFailure);
    expect((failure as RoleHopFailure).hop).toBe(0);
    expect((failure as RoleHopFailure).cause).toMatchObject({ name: 'AccessDenied' });
    await chains.provider(denied)().catch(() => undefined);
    expect(sts.calls.map((c) => c.result)).toEqual(['AccessDenied', 'AccessDenied']);
  });

  it('the first hop comes from a profile when the backend names one (fromIni)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(require('node:os').tmpdir(), 'atmos-aws-'));
    writeFileSync(join(dir, 'credentials'), `[plat-dev]\naws_access_key_id = ${AMBIENT.accessKeyId}\naws_secret_access_key = ${AMBIENT.secretAccessKey}\n`);
    writeFileSync(join(dir, 'config'), '');
    const withProfile = target({ access_key: undefined, secret_key: undefined, profile: 'plat-dev', shared_credentials_files: [join(dir, 'credentials')], shared_config_files: [join(dir, 'config')] });
    expect((await new CredentialChains().provider(withProfile)()).accessKeyId).toBe('ASIABACKEND');
    expect(sts.calls[0].callerAccessKeyId).toBe(AMBIENT.accessKeyId);
  });
});

describe('refreshBeforeExpiry', () => {
  it('shares one refresh between concurrent callers and keeps credentials without expiry', async () => {
    let calls = 0;
    const provider = refreshBeforeExpiry(async () => ({ accessKeyId: `k${++calls}`, secretAccessKey: 's' }));
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toBe(b);
    expect((await provider()).accessKeyId).toBe('k1');
    expect(calls).toBe(1);
  });
});
