import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { loadAtmosConfig } from './load';

function workspace(atmosYaml?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'atmos-config-'));
  if (atmosYaml !== undefined) writeFileSync(join(root, 'atmos.yaml'), atmosYaml);
  mkdirSync(join(root, 'stacks/orgs/acme'), { recursive: true });
  return root;
}

describe('loadAtmosConfig', () => {
  it('uses Atmos\'s built-in defaults when there is no atmos.yaml', () => {
    const root = workspace();
    const config = loadAtmosConfig({ cwd: root, env: {} });
    expect(config.configFile).toBeUndefined();
    expect(config.basePath).toBe(root);
    expect(config.stacks).toMatchObject({
      basePath: join(root, 'stacks'),
      includedPaths: ['orgs/**/*'],
      excludedPaths: ['**/_defaults.yaml'],
      namePattern: '{tenant}-{environment}-{stage}',
    });
    expect(config.components.terraform).toMatchObject({ basePath: join(root, 'components/terraform'), command: 'terraform', autoGenerateBackendFile: true, workspacesEnabled: true });
    expect(config.templates).toEqual({ enabled: true, evaluations: 1, delimiters: ['{{', '}}'], env: {}, ignoreMissingTemplateValues: false });
    expect(config.settings.listMergeStrategy).toBe('replace');
  });

  it('uses Go zero values for keys an existing atmos.yaml omits (templates off, no pattern)', () => {
    const root = workspace('stacks:\n  base_path: stacks\n  included_paths: ["orgs/**/*"]\n');
    const config = loadAtmosConfig({ cwd: root, env: {} });
    expect(config.templates.enabled).toBe(false);
    expect(config.stacks.namePattern).toBeUndefined();
    expect(config.components.terraform.autoGenerateBackendFile).toBe(false);
    expect(config.components.terraform.basePath).toBe(root);
  });

  it('requires stacks.base_path and included_paths when atmos.yaml exists, with a hint', () => {
    const root = workspace('components: {terraform: {base_path: components/terraform}}\n');
    expect(() => loadAtmosConfig({ cwd: root, env: {} })).toThrow(/stacks\.base_path/);
  });

  it('finds atmos.yaml from a nested folder; base_path is relative to atmos.yaml', () => {
    const root = workspace('base_path: "."\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n');
    const config = loadAtmosConfig({ cwd: join(root, 'stacks/orgs/acme'), env: {} });
    expect(config.configFile).toBe(join(root, 'atmos.yaml'));
    expect(config.stacks.basePath).toBe(join(root, 'stacks'));
  });

  it('honours ATMOS_CLI_CONFIG_PATH and ATMOS_BASE_PATH', () => {
    const root = workspace('stacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n');
    const elsewhere = mkdtempSync(join(tmpdir(), 'atmos-cwd-'));
    const config = loadAtmosConfig({ cwd: elsewhere, env: { ATMOS_CLI_CONFIG_PATH: root, ATMOS_BASE_PATH: root } });
    expect(config.configFile).toBe(join(root, 'atmos.yaml'));
    expect(config.stacks.basePath).toBe(join(root, 'stacks'));
    expect(() => loadAtmosConfig({ cwd: elsewhere, env: { ATMOS_CLI_CONFIG_PATH: join(elsewhere, 'nope') } })).toThrow(AtmosUserError);
  });

  it('validates keys with errors naming the key and the file', () => {
    const root = workspace('stacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\nsettings: {list_merge_strategy: zip}\n');
    try {
      loadAtmosConfig({ cwd: root, env: {} });
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(AtmosUserError);
      expect((error as AtmosUserError).format()).toContain('atmos.yaml: settings.list_merge_strategy must be one of replace, append, merge');
    }
  });

  // Atmos v1.226.1 pkg/store/registry.go (resolveKind, legacyTypeToKind): `kind` is the current
  // spelling and wins over the legacy `type`; both go through the legacy table.
  it('reads stores with kind: aws/ssm beside the legacy type: aws-ssm-parameter-store', () => {
    const root = workspace([
      'stacks: {base_path: stacks, included_paths: ["orgs/**/*"]}',
      'stores:',
      '  current: {kind: aws/ssm, options: {region: us-east-1}}',
      '  legacy: {type: aws-ssm-parameter-store}',
      '  both: {kind: aws/ssm, type: redis}',
      '  legacy-in-kind: {kind: aws-ssm-parameter-store}',
      '  cache: {type: redis}',
      '  vault: {type: hashicorp-vault}',
      '',
    ].join('\n'));
    const { stores } = loadAtmosConfig({ cwd: root, env: {} });
    expect(stores).toEqual({
      current: { kind: 'aws/ssm', options: { region: 'us-east-1' } },
      legacy: { kind: 'aws/ssm', options: {} },
      both: { kind: 'aws/ssm', options: {} },
      'legacy-in-kind': { kind: 'aws/ssm', options: {} },
      cache: { kind: 'redis', options: {} },
      vault: { kind: 'hashicorp/vault', options: {} },
    });
  });

  it('names the store that has neither kind nor type', () => {
    const root = workspace('stacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\nstores:\n  broken: {options: {}}\n');
    expect(() => loadAtmosConfig({ cwd: root, env: {} })).toThrow('stores.broken needs a "kind" (e.g. aws/ssm)');
  });

  // Atmos v1.226.1 pkg/config/process_yaml.go (processGitRootTag) and pkg/git/yaml_tags.go
  // (ProcessTagRoot): `!repo-root` / `!git.root` in atmos.yaml is the git root, else the
  // tag's default argument, else an error.
  describe('base_path: !repo-root', () => {
    const STACKS = 'stacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n';

    it('is the git root, also when atmos.yaml sits in a subfolder', () => {
      const root = workspace();
      mkdirSync(join(root, '.git'));
      mkdirSync(join(root, 'config/nested'), { recursive: true });
      writeFileSync(join(root, 'config/atmos.yaml'), `base_path: !repo-root\n${STACKS}components:\n  terraform:\n    base_path: !git.root\n`);
      const config = loadAtmosConfig({ cwd: join(root, 'config/nested'), env: {} });
      expect(config.basePath).toBe(root);
      expect(config.stacks.basePath).toBe(join(root, 'stacks'));
      expect(config.components.terraform.basePath).toBe(root);
    });

    it('falls back to its default outside a git repository, and is an error without one', () => {
      const withDefault = workspace(`base_path: !repo-root ./infra\n${STACKS}`);
      expect(loadAtmosConfig({ cwd: withDefault, env: {} }).basePath).toBe(join(withDefault, 'infra'));
      const bare = workspace(`base_path: !repo-root\n${STACKS}`);
      try {
        loadAtmosConfig({ cwd: bare, env: {} });
        throw new Error('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(AtmosUserError);
        expect((error as AtmosUserError).format()).toContain(`atmos.yaml:1`);
        expect((error as AtmosUserError).message).toBe(`!repo-root: ${bare} is not inside a git repository`);
      }
    });
  });
});
