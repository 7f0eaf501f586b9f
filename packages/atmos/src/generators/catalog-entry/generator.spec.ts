import { parse } from 'yaml';
import { REFERENCE_LAYOUT, treeWith } from '../__fixtures__/workspaces';
import { generateCatalogEntry } from './generator';

const PER_COMPONENT = {
  'atmos.yaml': REFERENCE_LAYOUT['atmos.yaml'],
  'stacks/catalog/eks/defaults.yaml': 'components:\n  terraform:\n    eks: {}\n',
  'components/terraform/vpc/variables.tf': REFERENCE_LAYOUT['components/terraform/vpc/variables.tf'],
  'components/terraform/eks/variables.tf': REFERENCE_LAYOUT['components/terraform/eks/variables.tf'],
};

describe('catalog-entry generator', () => {
  it('writes catalog/<component>/defaults.yaml with the variables of variables.tf', async () => {
    const tree = treeWith(PER_COMPONENT);
    const result = await generateCatalogEntry(tree, { component: 'vpc' });
    expect(result).toEqual({ file: 'stacks/catalog/vpc/defaults.yaml', importPath: 'catalog/vpc/defaults', name: 'vpc', required: ['cidr_block'] });
    const text = tree.read(result.file, 'utf-8')!;
    expect(text).toContain('        # IPv4 CIDR block of the VPC. — type: string\n        # cidr_block: REQUIRED, no default; each stack sets it\n');
    expect(text).toContain('# environment, namespace, region, stage, tenant: set by the stack\'s context');
    expect(parse(text)).toEqual({ components: { terraform: { vpc: { metadata: { component: 'vpc' }, vars: { single_nat_gateway: false, subnet_newbits: 4 } } } } });
  });

  it('--abstract makes a base (named <component>/defaults unless --name), --name a second configuration', async () => {
    const tree = treeWith(PER_COMPONENT);
    const base = await generateCatalogEntry(tree, { component: 'vpc', abstract: true });
    expect(base.name).toBe('vpc/defaults');
    expect(parse(tree.read(base.file, 'utf-8')!).components.terraform['vpc/defaults'].metadata).toEqual({ component: 'vpc', type: 'abstract' });
    const large = await generateCatalogEntry(tree, { component: 'vpc', name: 'vpc-large' });
    expect(large.file).toBe('stacks/catalog/vpc/vpc-large.yaml');
    expect(parse(tree.read(large.file, 'utf-8')!).components.terraform['vpc-large'].metadata).toEqual({ component: 'vpc' });
  });

  it('never writes a sensitive default; marks required ones', async () => {
    const tree = treeWith(PER_COMPONENT);
    const result = await generateCatalogEntry(tree, { component: 'eks', name: 'eks-small' });
    const text = tree.read(result.file, 'utf-8')!;
    expect(text).not.toContain('changeme');
    expect(text).toContain('# admin_password: sensitive; set it in the stack from a secret store');
    expect(result.required).toEqual(['node_count']);
    expect(parse(text).components.terraform['eks-small'].vars).toEqual({ public_access_cidrs: [] });
  });

  it('adds to the domain file that defines the component, keeping its entries and comments; a new component gets its own file', async () => {
    const tree = treeWith({ ...REFERENCE_LAYOUT, 'stacks/catalog/network.yaml': `# Network domain\n${REFERENCE_LAYOUT['stacks/catalog/network.yaml']}` });
    const result = await generateCatalogEntry(tree, { component: 'vpc', name: 'vpc-large' });
    expect(result.file).toBe('stacks/catalog/network.yaml');
    const text = tree.read(result.file, 'utf-8')!;
    expect(text.startsWith('# Network domain\n')).toBe(true);
    expect(Object.keys(parse(text).components.terraform)).toEqual(['vpc/defaults', 'vpc', 'security-groups', 'vpc-large']);
    tree.write('components/terraform/cache/variables.tf', 'variable "size" {\n  type    = number\n  default = 1\n}\n');
    expect((await generateCatalogEntry(tree, { component: 'cache' })).file).toBe('stacks/catalog/cache.yaml');
    expect((await generateCatalogEntry(tree, { component: 'cache', name: 'cache-big', file: 'catalog/data.yaml' })).file).toBe('stacks/catalog/data.yaml');
  });

  it('refuses to overwrite an entry without --force, and bad options, leaving the Tree as it was', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const before = tree.read('stacks/catalog/network.yaml', 'utf-8');
    const refused = async (schema: Parameters<typeof generateCatalogEntry>[1], message: string) => {
      await expect(generateCatalogEntry(tree, schema)).rejects.toThrow(message);
      expect(tree.read('stacks/catalog/network.yaml', 'utf-8')).toBe(before);
    };
    await refused({ component: 'vpc' }, 'stacks/catalog/network.yaml already defines vpc: refusing to overwrite it; pass --force');
    await refused({ component: 'VPC' }, '--component="VPC" is not accepted: a component folder name starts with a letter');
    await refused({ component: '' }, '--component is required');
    await refused({ component: 'nope' }, 'component folder components/terraform/nope not found: create it with nx g @org/atmos:component --name=nope');
    await refused({ component: 'vpc', name: 'a b' }, '--name="a b" is not accepted');
    await refused({ component: 'vpc', file: '../x.yaml' }, "--file=\"../x.yaml\" is not accepted: give a path relative to the workspace root");
    await refused({ component: 'vpc', file: 'catalog/x.txt' }, '--file=catalog/x.txt is not accepted: a catalog file ends in .yaml or .yml');
    await refused({ component: 'vpc', abstract: 1 as unknown as boolean }, '--abstract=1 is not accepted: it is a flag');
    tree.write('components/terraform/bad/main.tf', 'variable "x" {\n');
    await refused({ component: 'bad' }, 'components/terraform/bad/main.tf:');
    await generateCatalogEntry(tree, { component: 'vpc', force: true });
    expect(parse(tree.read('stacks/catalog/network.yaml', 'utf-8')!).components.terraform.vpc.metadata).toEqual({ component: 'vpc' });
  });
});
