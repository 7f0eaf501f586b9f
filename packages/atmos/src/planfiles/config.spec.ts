import { normaliseConfig } from '../config/load';
import { userError } from '../testing/user-errors';
import { effectiveVerify, planfilesSettings } from './config';
import { parseYaml } from '../stacks/parse';
import type { PlainMap } from '../stacks/values';
import { InstanceKeys } from './store';

const settings = (yaml: string) => planfilesSettings(normaliseConfig(parseYaml(`stacks: {base_path: stacks, included_paths: [x]}\ncomponents:\n  terraform:\n    planfiles:\n${yaml.replace(/^/gm, '      ')}`, { file: '/ws/atmos.yaml' }) as PlainMap, { configDir: '/ws', configFile: '/ws/atmos.yaml', cwd: '/ws', env: {} }));

describe('components.terraform.planfiles (Atmos v1.226.1 shape)', () => {
  it('no stores: stored plans are off', () => {
    expect(settings('verify: fail')).toBeUndefined();
  });

  it('an aws/s3 store: bucket defaults to the backend bucket (absent here), prefix planfiles/, fingerprint key pattern', () => {
    const s = settings('stores:\n  s3: {type: aws/s3}\nencryption: {kms_key_id: alias/planfiles}\nverify: warn');
    expect(s).toMatchObject({ store: { type: 'aws/s3', name: 's3', prefix: 'planfiles/' }, encryption: { kind: 'kms', keyId: 'alias/planfiles' }, verify: 'warn' });
    const keys = new InstanceKeys(s!, 'dev-use1', 'vpc');
    expect(keys.bundle('f'.repeat(64))).toBe(`planfiles/dev-use1/vpc/${'f'.repeat(64)}.tfplan.bundle`);
    expect(keys.applied).toBe('planfiles/dev-use1/vpc/applied.json');
    expect(keys.fingerprintOf(keys.bundle('0'.repeat(64)))).toBe('0'.repeat(64));
    expect(keys.fingerprintOf(keys.applied)).toBeUndefined();
  });

  it('default / priority choose among several stores; a local/dir path is under base_path', () => {
    const s = settings('priority: [missing, disk]\nstores:\n  s3: {type: aws/s3, options: {bucket: b, prefix: p}}\n  disk: {type: local/dir}\nencryption: {key_env: K}');
    expect(s?.store).toEqual({ type: 'local/dir', name: 'disk', path: '/ws/.atmos/plans' });
    expect(settings('default: s3\nstores:\n  s3: {type: aws/s3, options: {bucket: b, prefix: p}}\n  disk: {type: local/dir}\nencryption: {key_env: K}')?.store)
      .toMatchObject({ bucket: 'b', prefix: 'p/' });
  });

  it.each([
    ['stores:\n  s3: {type: aws/s3}', 'components.terraform.planfiles stores plans, which hold every variable value (secrets included): it needs an encryption key'],
    ['stores:\n  g: {type: github/artifacts}\nencryption: {key_env: K}', 'components.terraform.planfiles.stores.g.type "github/artifacts" is not supported by @org/atmos'],
    ['stores:\n  a: {type: aws/s3}\n  b: {type: aws/s3}\nencryption: {key_env: K}', 'components.terraform.planfiles.stores has 2 stores (a, b) but no default'],
    ['stores:\n  a: {type: aws/s3}\nencryption: {key_env: K}\nkey_pattern: "{{ .Stack }}/{{ .Component }}/{{ .SHA }}.tfplan.tar"', 'components.terraform.planfiles.key_pattern uses {{ .SHA }}: a plan keyed by commit goes stale on every merge, even one that changes nothing for the instance'],
    ['stores:\n  a: {type: aws/s3}\nencryption: {key_env: K}\nkey_pattern: "{{ .Fingerprint }}/x"', 'components.terraform.planfiles.key_pattern must name {{ .Stack }} and {{ .Component }}, and {{ .Fingerprint }} once, in its last segment'],
    ['stores:\n  a: {type: aws/s3}\nencryption: {key_env: K}\nverify: strict', 'components.terraform.planfiles.verify must be fail, warn or off, not "strict"'],
    ['stores:\n  a: {type: aws/s3}\nencryption: {key_env: K, kms_key_id: alias/x}', 'components.terraform.planfiles.encryption sets both kms_key_id and key_env'],
  ])('%s is refused in one line naming atmos.yaml', (yaml, message) => {
    const error = userError(() => settings(yaml));
    expect(error.message).toBe(message);
    expect(error.location?.file).toBe('/ws/atmos.yaml');
  });

  it('verify: the flag beats the setting, which beats the default (fail in CI, else off), as Atmos', () => {
    const s = settings('stores:\n  a: {type: aws/s3}\nencryption: {key_env: K}')!;
    expect(effectiveVerify(s, undefined, {})).toBe('off');
    expect(effectiveVerify(s, undefined, { CI: 'true' })).toBe('fail');
    expect(effectiveVerify(s, undefined, { CI: 'false' })).toBe('off');
    expect(effectiveVerify(s, false, { CI: 'true' })).toBe('off');
    expect(effectiveVerify({ ...s, verify: 'warn' }, undefined, { CI: 'true' })).toBe('warn');
    expect(effectiveVerify({ ...s, verify: 'off' }, true, {})).toBe('fail');
  });
});
