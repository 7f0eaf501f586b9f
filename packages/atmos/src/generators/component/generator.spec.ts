import type { Tree } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseHcl } from '../../hcl';
import { REFERENCE_LAYOUT, treeWith } from '../__fixtures__/workspaces';
import { generateComponent } from './generator';

jest.setTimeout(120_000);

const TERRAFORM = '/usr/local/bin/terraform';
const TF_ENV = { ...process.env, TF_CLI_CONFIG_FILE: resolve(__dirname, '../../../../../e2e/harness/terraform.rc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };

/** The folder as the Tree holds it, on disk, for the real terraform. */
function materialise(tree: Tree, folder: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'atmos-component-'));
  for (const name of tree.children(folder)) {
    const target = join(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, tree.read(`${folder}/${name}`)!);
  }
  return dir;
}

function terraform(dir: string, args: string[]): string {
  return execFileSync(TERRAFORM, args, { cwd: dir, env: TF_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('component generator', () => {
  it('writes a provider-free component that passes terraform fmt -check and terraform validate', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateComponent(tree, { name: 'elasticache', description: "Redis cache (the team's)" });
    expect(result.files).toEqual(['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md'].map((file) => `components/terraform/elasticache/${file}`));
    expect(tree.read('components/terraform/elasticache/main.tf', 'utf-8')).toContain("# elasticache: Redis cache (the team's)");
    expect(tree.read('components/terraform/elasticache/versions.tf', 'utf-8')).not.toContain('required_providers');
    const dir = materialise(tree, 'components/terraform/elasticache');
    try {
      terraform(dir, ['fmt', '-check', '-diff']);
      terraform(dir, ['init', '-backend=false', '-input=false']);
      expect(terraform(dir, ['validate', '-no-color'])).toContain('The configuration is valid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--provider=aws adds the provider (fmt and parse only: validate would download hashicorp/aws, and tests are offline)', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateComponent(tree, { name: 'cache', provider: 'aws' });
    expect(result.files).toContain('components/terraform/cache/providers.tf');
    const versions = await parseHcl('versions.tf', tree.read('components/terraform/cache/versions.tf', 'utf-8')!);
    expect(JSON.stringify(versions)).toContain('hashicorp/aws');
    const providers = await parseHcl('providers.tf', tree.read('components/terraform/cache/providers.tf', 'utf-8')!);
    expect(Object.keys(providers.provider as object)).toEqual(['aws']);
    // With a provider, region is required (the provider needs it).
    expect(tree.read('components/terraform/cache/variables.tf', 'utf-8')).toMatch(/variable "region" \{\n  type        = string\n  description = "[^"]+"\n\}/);
    const dir = materialise(tree, 'components/terraform/cache');
    try {
      terraform(dir, ['fmt', '-check', '-diff']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--catalog writes its catalog entry in the layout of the workspace', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateComponent(tree, { name: 'elasticache', catalog: true });
    expect(result.catalogFile).toBe('stacks/catalog/elasticache.yaml');
    expect(tree.read('stacks/catalog/elasticache.yaml', 'utf-8')).toContain('    elasticache:\n      metadata:\n        component: elasticache\n');
    expect(tree.read('components/terraform/elasticache/README.md', 'utf-8')).toContain('  - catalog/elasticache\n');
  });

  it('refuses to overwrite without --force and bad options, leaving the Tree as it was', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const refused = async (schema: Parameters<typeof generateComponent>[1], message: string) => {
      const before = tree.listChanges().length;
      await expect(generateComponent(tree, schema)).rejects.toThrow(message);
      expect(tree.listChanges().length).toBe(before);
    };
    await refused({ name: '' }, '--name is required');
    await refused({ name: '1cache' }, '--name="1cache" is not accepted: a component folder name starts with a letter');
    await refused({ name: 'a/b' }, '--name="a/b" is not accepted');
    await refused({ name: 'cache', provider: 'gcp' as 'aws' }, '--provider="gcp" is not accepted: use one of none, aws');
    await refused({ name: 'cache', description: '<b>' }, '--description is not accepted');
    await refused({ name: 'cache', catalog: 'yes' as unknown as boolean }, '--catalog="yes" is not accepted: it is a flag');
    await refused({ name: 'vpc' }, 'components/terraform/vpc/main.tf, components/terraform/vpc/variables.tf already exist: refusing to overwrite component vpc; pass --force');
    // --catalog fails on an existing entry: the component files are not written either.
    tree.write('stacks/catalog/cache.yaml', 'components:\n  terraform:\n    cache: {}\n');
    const before = tree.listChanges().length;
    await expect(generateComponent(tree, { name: 'cache', catalog: true })).rejects.toThrow('stacks/catalog/cache.yaml already defines cache');
    expect(tree.exists('components/terraform/cache/main.tf')).toBe(false);
    expect(tree.listChanges().length).toBe(before);
    await generateComponent(tree, { name: 'vpc', force: true });
    expect(tree.read('components/terraform/vpc/main.tf', 'utf-8')).toContain('terraform_data" "this"');
  });
});
