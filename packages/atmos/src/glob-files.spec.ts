import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFixtures, writeWorkspace } from './testing/fixture-workspace';
import { globFiles } from './glob-files';

afterAll(removeFixtures);

describe('globFiles', () => {
  it('absolute paths; a backslash in a file name is part of the name (fast-glob\'s own absolute paths made it a /)', () => {
    const root = writeWorkspace({});
    mkdirSync(join(root, 'catalog'));
    for (const name of ['back\\slash.yaml', 'plain.yaml', 'other.yml']) writeFileSync(join(root, 'catalog', name), '');
    expect(globFiles('catalog/*.yaml', { cwd: root }).sort()).toEqual([join(root, 'catalog/back\\slash.yaml'), join(root, 'catalog/plain.yaml')]);
    expect(globFiles(join(root, 'catalog/*.yml'))).toEqual([join(root, 'catalog/other.yml')]);
  });
});
