/**
 * Config imports (`import:`, `atmos.d/`, `.atmos.d/`) and base_path resolution, as Atmos
 * v1.226.1 does them. Expected values come from pkg/config/load.go (mergeConfig ->
 * processConfigImportsAndReapply, mergeDefaultImports, loadAtmosDFromGitRoot), pkg/config/imports.go
 * (processImports, SearchAtmosConfig, sortFilesByDepth), pkg/config/adapters/local_adapter.go
 * (nested imports follow their file) and pkg/config/config.go resolveAbsolutePath; docs:
 * website/docs/cli/configuration/configuration.mdx ("Imports", ".atmos.d").
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { changesConfig } from './imports';
import { loadAtmosConfig } from './load';

const STACKS = 'stacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'atmos-config-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('config imports', () => {
  it('merges .atmos.d of the git root, then of the config folder, under atmos.yaml; atmos.yaml wins', () => {
    // The git root holds .atmos.d; atmos.yaml sits in infra/ with its own .atmos.d.
    const root = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.atmos.d/10-root.yaml': 'settings: {list_merge_strategy: append}\ntemplates: {settings: {enabled: true, evaluations: 3}}\n',
      'infra/atmos.yaml': `base_path: "."\n${STACKS}templates: {settings: {evaluations: 2}}\n`,
      'infra/.atmos.d/a.yaml': 'components: {terraform: {base_path: from-dot-atmos-d}}\nsettings: {list_merge_strategy: merge}\n',
      'infra/.atmos.d/nested/b.yaml': 'components: {terraform: {command: tofu}}\n',
    });
    const config = loadAtmosConfig({ cwd: join(root, 'infra'), env: {} });
    expect(config.settings.listMergeStrategy).toBe('merge'); // config folder over git root
    expect(config.templates.enabled).toBe(true); // from the git root's .atmos.d
    expect(config.templates.evaluations).toBe(2); // atmos.yaml re-applied on top
    expect(config.components.terraform.basePath).toBe(join(root, 'infra/from-dot-atmos-d'));
    expect(config.components.terraform.command).toBe('tofu');
    // Shallower files first (sortFilesByDepth), the main file first of all.
    expect(config.configFiles).toEqual([
      join(root, 'infra/atmos.yaml'),
      join(root, '.atmos.d/10-root.yaml'),
      join(root, 'infra/.atmos.d/a.yaml'),
      join(root, 'infra/.atmos.d/nested/b.yaml'),
    ]);
  });

  it('reads atmos.d/ before .atmos.d/, and a .yaml hides the .yml of the same name', () => {
    const root = tree({
      'atmos.yaml': `base_path: "."\n${STACKS}`,
      'atmos.d/x.yaml': 'components: {terraform: {command: from-atmos-d}}\n',
      '.atmos.d/x.yml': 'components: {terraform: {command: from-yml}}\n',
      '.atmos.d/x.yaml': 'components: {terraform: {command: from-dot-atmos-d}}\n',
    });
    const config = loadAtmosConfig({ cwd: root, env: {} });
    expect(config.components.terraform.command).toBe('from-dot-atmos-d');
    expect(config.configFiles).not.toContain(join(root, '.atmos.d/x.yml'));
  });

  it('imports relative to base_path, globs and folders sorted by depth then path, nested imports after their file, the main file last', () => {
    const root = tree({
      'atmos.yaml': `base_path: "."\nimport: ["config/stacks", "config/parts/*.yaml", "config/more"]\n${STACKS}components: {terraform: {command: main}}\n`,
      'config/stacks.yaml': 'import: ["config/nested"]\ncomponents: {terraform: {command: imported}}\nstacks: {name_pattern: "{stage}"}\ntemplates: {settings: {evaluations: 2}}\n',
      'config/nested.yaml': 'templates: {settings: {evaluations: 4, enabled: true}}\n',
      'config/parts/b.yaml': 'settings: {list_merge_strategy: merge}\n',
      'config/parts/a.yaml': 'settings: {list_merge_strategy: append}\n',
      'config/more/deeper/z.yaml': 'workflows: {base_path: deep}\n',
      'config/more/y.yaml': 'workflows: {base_path: shallow}\n',
    });
    const config = loadAtmosConfig({ cwd: root, env: {} });
    expect(config.stacks.namePattern).toBe('{stage}');
    expect(config.templates).toMatchObject({ enabled: true, evaluations: 4 }); // the nested import follows its file
    expect(config.settings.listMergeStrategy).toBe('merge'); // b after a
    expect(config.workflows.basePath).toBe(join(root, 'deep')); // deeper after shallower
    expect(config.components.terraform.command).toBe('main');
    expect(config.configFiles).toEqual([
      join(root, 'atmos.yaml'),
      join(root, 'config/stacks.yaml'),
      join(root, 'config/nested.yaml'),
      join(root, 'config/parts/a.yaml'),
      join(root, 'config/parts/b.yaml'),
      join(root, 'config/more/y.yaml'),
      join(root, 'config/more/deeper/z.yaml'),
    ]);
  });

  it('an import that matches nothing is a warning (Atmos logs it and goes on); a remote one is an error', () => {
    const root = tree({ 'atmos.yaml': `base_path: "."\nimport: ["config/missing"]\n${STACKS}` });
    expect(loadAtmosConfig({ cwd: root, env: {} }).warnings).toEqual([expect.stringMatching(/atmos\.yaml: import "config\/missing" matches no file/)]);
    writeFileSync(join(root, 'atmos.yaml'), `import: ["https://example.com/atmos.yaml"]\n${STACKS}`);
    expect(() => loadAtmosConfig({ cwd: root, env: {} })).toThrow(/import "https:\/\/example\.com\/atmos\.yaml" is remote/);
  });

  it('a folder is taken as named, whatever its name holds (a glob there matched nothing)', () => {
    const root = tree({ 'atmos.yaml': `base_path: "."\nimport: ["config (v2) [eu]"]\n${STACKS}`, 'config (v2) [eu]/parts/c.yaml': 'components: {terraform: {command: from-folder}}\n' });
    expect(loadAtmosConfig({ cwd: root, env: {} }).components.terraform.command).toBe('from-folder');
  });

  it('an import cycle stops at the file already on the chain, with a warning', () => {
    const root = tree({
      'atmos.yaml': `base_path: "."\nimport: ["a"]\n${STACKS}`,
      'a.yaml': 'import: ["b"]\n',
      'b.yaml': 'import: ["a"]\ncomponents: {terraform: {command: from-b}}\n',
    });
    const config = loadAtmosConfig({ cwd: root, env: {} });
    expect(config.components.terraform.command).toBe('from-b');
    expect(config.warnings?.[0]).toMatch(/leads back to a\.yaml \(atmos\.yaml -> a\.yaml -> b\.yaml -> a\.yaml\)/);
  });

  it('a change to an imported file or a file added to .atmos.d changes the configuration', () => {
    const root = tree({ 'atmos.yaml': `base_path: "."\nimport: ["c.yaml"]\n${STACKS}`, 'c.yaml': 'settings: {}\n' });
    const config = loadAtmosConfig({ cwd: root, env: {} });
    expect(changesConfig(config, [join(root, 'c.yaml')])).toBe(true);
    expect(changesConfig(config, [join(root, '.atmos.d/new.yaml')])).toBe(true);
    expect(changesConfig(config, [join(root, 'stacks/orgs/x.yaml')])).toBe(false);
  });
});

describe('base_path (pkg/config/config.go resolveAbsolutePath)', () => {
  const repo = () => tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'stacks/.keep': '', 'infra/stacks/.keep': '' });
  let root: string;
  beforeEach(() => (root = repo()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('empty means the git root found from the working directory, not the folder of atmos.yaml', () => {
    writeFileSync(join(root, 'infra/atmos.yaml'), `base_path: ""\n${STACKS}`);
    const config = loadAtmosConfig({ cwd: join(root, 'infra'), env: {} });
    expect(config.basePath).toBe(root);
    expect(config.stacks.basePath).toBe(join(root, 'stacks'));
    // Omitted is the same as empty (Go's zero value).
    writeFileSync(join(root, 'infra/atmos.yaml'), STACKS);
    expect(loadAtmosConfig({ cwd: join(root, 'infra'), env: {} }).basePath).toBe(root);
  });

  it('empty outside git, or with ATMOS_GIT_ROOT_BASEPATH=false, is the folder of atmos.yaml', () => {
    writeFileSync(join(root, 'infra/atmos.yaml'), `base_path: ""\n${STACKS}`);
    expect(loadAtmosConfig({ cwd: join(root, 'infra'), env: { ATMOS_GIT_ROOT_BASEPATH: 'false' } }).basePath).toBe(join(root, 'infra'));
    rmSync(join(root, '.git'), { recursive: true });
    expect(loadAtmosConfig({ cwd: join(root, 'infra'), env: {} }).basePath).toBe(join(root, 'infra'));
  });

  it('a dot path is the folder of atmos.yaml; ATMOS_BASE_PATH with a dot is the working directory', () => {
    writeFileSync(join(root, 'infra/atmos.yaml'), `base_path: "./"\n${STACKS}`);
    expect(loadAtmosConfig({ cwd: join(root, 'infra/stacks'), env: {} }).basePath).toBe(join(root, 'infra'));
    expect(loadAtmosConfig({ cwd: join(root, 'infra/stacks'), env: { ATMOS_BASE_PATH: '..' } }).basePath).toBe(join(root, 'infra'));
  });

  it('a bare path is searched from the git root first, then the working directory', () => {
    writeFileSync(join(root, 'infra/atmos.yaml'), `base_path: infra\n${STACKS}`);
    expect(loadAtmosConfig({ cwd: join(root, 'infra'), env: {} }).basePath).toBe(join(root, 'infra'));
    writeFileSync(join(root, 'infra/atmos.yaml'), `base_path: stacks\n${STACKS}`);
    // <git root>/stacks exists: it wins over infra/stacks.
    expect(loadAtmosConfig({ cwd: join(root, 'infra'), env: {} }).basePath).toBe(join(root, 'stacks'));
  });
});
