import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { componentFolders, localModuleFolders } from './local-modules';

afterAll(removeFixtures);

describe('the local modules of a component', () => {
  it('HCL and JSON syntax, followed transitively; a local path with // is the cleaned path; registry and git sources are not folders here', () => {
    const root = writeWorkspace({
      'c/main.tf': 'module "a" {\n  source = "../modules/a"\n}\nmodule "r" {\n  source = "terraform-aws-modules/vpc/aws"\n}\nmodule "g" {\n  source = "git::https://example.com/x.git//sub"\n}\n',
      'c/more.tf.json': JSON.stringify({ module: { b: { source: '../modules//b' } } }),
      'modules/a/main.tf': 'module "c" {\n  source = "./nested"\n}\n',
      'modules/a/nested/main.tf': '',
      'modules/b/main.tf.json': JSON.stringify({ module: [{ d: { source: '../d/' } }] }),
      'modules/d/main.tf': '',
      'modules/unused/main.tf': '',
    });
    expect(localModuleFolders(join(root, 'c')).map((folder) => folder.slice(root.length + 1))).toEqual(['modules/a', 'modules/a/nested', 'modules/b', 'modules/d']);
  });

  it('a component or module folder that is a link is also the folder it points at (git lists changes there)', () => {
    const root = writeWorkspace({ 'real/vpc/main.tf': 'module "l" {\n  source = "../../modules/label-link"\n}\n', 'modules/label/main.tf': '' });
    mkdirSync(join(root, 'components'));
    symlinkSync('../real/vpc', join(root, 'components/vpc'));
    symlinkSync('label', join(root, 'modules/label-link'));
    writeFileSync(join(root, 'modules/label/extra.tf'), '');
    expect(componentFolders(join(root, 'components/vpc'), root).map((folder) => folder.slice(root.length + 1)).sort())
      .toEqual(['components/vpc', 'modules/label', 'modules/label-link', 'real/vpc']);
  });

  it('a workspace reached through a linked folder is not doubled; a link out of the repository adds nothing', () => {
    const root = writeWorkspace({ 'components/vpc/main.tf': 'module "o" {\n  source = "../outside-link"\n}\n' });
    const outside = writeWorkspace({ 'm/main.tf': '' });
    symlinkSync(join(outside, 'm'), join(root, 'components/outside-link'));
    const linkedRoot = `${root}-link`;
    symlinkSync(root, linkedRoot);
    expect(componentFolders(join(linkedRoot, 'components/vpc'), linkedRoot).map((folder) => folder.slice(linkedRoot.length + 1)).sort())
      .toEqual(['components/outside-link', 'components/vpc']);
    rmSync(linkedRoot);
  });
});
