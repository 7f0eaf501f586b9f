/**
 * `nx g @org/atmos:component --name=elasticache [--provider=aws] [--catalog]`: a Terraform
 * component folder that passes `terraform fmt -check` and, provider-free by default,
 * `terraform validate`. The folder goes under the workspace's components.terraform.base_path.
 */
import { generateFiles, logger, OverwriteStrategy, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { generateCatalogEntry } from '../catalog-entry/generator';
import { templateFolder } from '../shared/files';
import { asGeneratorErrors, checkBoolean, checkOneOf, checkTerraformFolderName, GeneratorError, requireOption } from '../shared/options';
import { readWorkspace } from '../shared/workspace';

export interface ComponentGeneratorSchema {
  name: string;
  description?: string;
  provider?: 'none' | 'aws';
  catalog?: boolean;
  force?: boolean;
}

const PROVIDERS = ['none', 'aws'] as const;

export interface ComponentResult {
  folder: string;
  files: string[];
  catalogFile?: string;
  catalogImport?: string;
}

export default async function componentGenerator(tree: Tree, schema: ComponentGeneratorSchema): Promise<void> {
  const result = await generateComponent(tree, schema);
  logger.info(`Component ${result.folder}: ${result.files.length} files${result.catalogFile ? `, catalog entry ${result.catalogFile}` : ''}`);
  logger.info(result.catalogImport ? `Next: add "- ${result.catalogImport}" to the import list of a stack manifest` : `Next: nx g @org/atmos:catalog-entry --component=${schema.name}`);
}

export async function generateComponent(tree: Tree, schema: ComponentGeneratorSchema): Promise<ComponentResult> {
  return asGeneratorErrors(tree.root, async () => {
    requireOption('name', schema.name, 'the component folder name, e.g. --name=elasticache');
    const name = checkTerraformFolderName('name', schema.name);
    const provider = checkOneOf('provider', schema.provider, PROVIDERS, 'none');
    const catalog = checkBoolean('catalog', schema.catalog);
    const force = checkBoolean('force', schema.force);
    const description = schema.description === undefined || schema.description === '' ? `Terraform component ${name}.` : oneLine(schema.description);

    const view = readWorkspace(tree);
    const componentsDir = view.componentsDir;
    view.dispose();
    const folder = `${componentsDir}/${name}`;
    const names = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md', ...(provider === 'aws' ? ['providers.tf'] : [])];
    const existing = names.map((file) => `${folder}/${file}`).filter((path) => tree.exists(path));
    if (existing.length > 0 && !force) {
      throw new GeneratorError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}: refusing to overwrite component ${name}; pass --force to replace, or choose another --name`);
    }
    // The catalog entry is planned first (it reads the new variables.tf from the Tree, so it is
    // written right after the component), but its path is needed by README.md.
    // What the files held before, so a failing --catalog can put them back (the Tree then holds nothing of this run).
    const previous = new Map(names.map((file) => [`${folder}/${file}`, tree.exists(`${folder}/${file}`) ? tree.read(`${folder}/${file}`) : null]));
    const substitutions = { name, description, provider, catalog: '', catalogImport: '', template: '' };
    const overwrite = { overwriteStrategy: OverwriteStrategy.Overwrite };
    generateFiles(tree, join(templateFolder('component'), 'common'), folder, substitutions, overwrite);
    if (provider === 'aws') generateFiles(tree, join(templateFolder('component'), 'aws'), folder, substitutions, overwrite);
    let catalogFile: string | undefined;
    let catalogImport: string | undefined;
    if (catalog) {
      // The entry reads the new variables.tf from the Tree.
      const entry = await generateCatalogEntry(tree, { component: name, force }).catch((error: unknown) => {
        for (const [path, content] of previous) if (content === null) tree.delete(path); else tree.write(path, content);
        throw error;
      });
      catalogFile = entry.file;
      catalogImport = entry.importPath;
      generateFiles(tree, join(templateFolder('component'), 'common'), folder, { ...substitutions, catalog: entry.file, catalogImport: entry.importPath }, overwrite);
    }
    return { folder, files: names.map((file) => `${folder}/${file}`), catalogFile, catalogImport };
  });
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (/[<>]/.test(line)) throw new GeneratorError('--description is not accepted: one line of plain text, without < or >');
  return line;
}
