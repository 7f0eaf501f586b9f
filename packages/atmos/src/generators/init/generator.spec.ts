import { readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { GITIGNORE_ENTRIES } from './generator';
import initGenerator from './generator';

function snapshot(tree: ReturnType<typeof createTreeWithEmptyWorkspace>) {
  return Object.fromEntries(['nx.json', 'atmos.yaml', '.gitignore', '.env'].map((path) => [path, tree.read(path, 'utf-8')]));
}

describe('init generator', () => {
  it('registers the plugin, sets projectsAffectedByDependencyUpdates, writes atmos.yaml and ignores the work folders', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', 'node_modules');
    await initGenerator(tree, {});
    const nxJson = readNxJson(tree)!;
    expect(nxJson.plugins).toContainEqual({ plugin: '@org/atmos', options: { projectName: '{component}-{stack}' } });
    expect(nxJson.pluginsConfig).toEqual({ '@nx/js': { projectsAffectedByDependencyUpdates: [] } });
    expect(tree.read('atmos.yaml', 'utf-8')).toContain('name_pattern: "{stage}-{environment}"');
    const ignored = tree.read('.gitignore', 'utf-8')!.split('\n');
    expect(ignored[0]).toBe('node_modules');
    for (const entry of GITIGNORE_ENTRIES) expect(ignored).toContain(entry);
  });

  it('changes nothing when run twice', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await initGenerator(tree, {});
    const first = snapshot(tree);
    await initGenerator(tree, {});
    expect(snapshot(tree)).toEqual(first);
  });

  it('keeps an existing atmos.yaml, a plugin registered by name and entries already ignored', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('atmos.yaml', 'stacks:\n  base_path: infra\n');
    tree.write('nx.json', JSON.stringify({ plugins: ['@org/atmos'], pluginsConfig: { '@nx/js': { projectsAffectedByDependencyUpdates: 'auto', other: 1 } } }));
    tree.write('.gitignore', '.nx/\n.atmos\n');
    await initGenerator(tree, {});
    expect(tree.read('atmos.yaml', 'utf-8')).toBe('stacks:\n  base_path: infra\n');
    const nxJson = readNxJson(tree)!;
    expect(nxJson.plugins).toEqual(['@org/atmos']);
    expect(nxJson.pluginsConfig).toEqual({ '@nx/js': { projectsAffectedByDependencyUpdates: [], other: 1 } });
    const ignored = tree.read('.gitignore', 'utf-8')!;
    expect(ignored).not.toContain('.nx/cache');
    expect(ignored.match(/\.atmos/g)).toHaveLength(1);
  });

  it('--skipAtmosYaml leaves atmos.yaml out; a bad flag or a missing nx.json is a one-line error', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await initGenerator(tree, { skipAtmosYaml: true });
    expect(tree.exists('atmos.yaml')).toBe(false);
    await expect(initGenerator(tree, { skipAtmosYaml: 'yes' as unknown as boolean })).rejects.toThrow('--skipAtmosYaml="yes" is not accepted: it is a flag');
    const bare = createTreeWithEmptyWorkspace();
    bare.delete('nx.json');
    await expect(initGenerator(bare, {})).rejects.toThrow('nx.json not found at the workspace root');
    expect(bare.exists('atmos.yaml')).toBe(false);
  });

  it('sets NX_DEFAULT_OUTPUT_STYLE=static in .env so plans print in full; keeps a style the workspace chose and other variables', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.env', 'FOO=1');
    await initGenerator(tree, {});
    expect(tree.read('.env', 'utf-8')).toMatch(/^FOO=1\n# @org\/atmos: .*\nNX_DEFAULT_OUTPUT_STYLE=static\n$/);
    const chosen = createTreeWithEmptyWorkspace();
    chosen.write('.env', 'NX_DEFAULT_OUTPUT_STYLE=stream\n');
    await initGenerator(chosen, {});
    expect(chosen.read('.env', 'utf-8')).toBe('NX_DEFAULT_OUTPUT_STYLE=stream\n');
  });
});
