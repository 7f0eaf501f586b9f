/**
 * `nx g @org/atmos:catalog-entry --component=vpc [--name=vpc-large] [--abstract]`: a catalog
 * entry whose vars are the component's variables as variables.tf declares them (read with the
 * HCL parser): defaults written out, descriptions as comments, required variables marked and
 * left commented for each stack to set, context inputs (namespace, tenant, ...) left to the
 * stack's mixins, sensitive ones never given a value.
 *
 * Where it goes follows the catalog already there: `catalog/<component>/defaults.yaml` (one
 * folder per component), or a domain file (`catalog/network.yaml`) when the catalog is flat —
 * the file that already defines the component, else `catalog/<component>.yaml`.
 */
import { logger, type Tree } from '@nx/devkit';
import { isMap, parseDocument, stringify } from 'yaml';
import { isTerraformFile, readTerraformComponentTexts, type TerraformVariable } from '../../hcl';
import { writePlannedFiles } from '../shared/files';
import { asGeneratorErrors, checkBoolean, checkComponentName, checkRelativePath, checkTerraformFolderName, GeneratorError, requireOption } from '../shared/options';
import { readWorkspace, type WorkspaceView } from '../shared/workspace';

export interface CatalogEntryGeneratorSchema {
  component: string;
  name?: string;
  abstract?: boolean;
  file?: string;
  force?: boolean;
}

export interface CatalogEntryResult {
  /** Workspace-relative path of the catalog file. */
  file: string;
  /** How a stack imports it (`catalog/vpc/defaults`). */
  importPath: string;
  name: string;
  required: string[];
}

/** Set by the stack's context (mixins and _defaults), not by a catalog entry. */
const CONTEXT_VARIABLES = new Set(['namespace', 'tenant', 'environment', 'stage', 'region', 'attributes']);

export default async function catalogEntryGenerator(tree: Tree, schema: CatalogEntryGeneratorSchema): Promise<void> {
  const result = await generateCatalogEntry(tree, schema);
  logger.info(`Catalog entry ${result.name}: ${result.file}`);
  if (result.required.length > 0) logger.info(`Required (each stack sets them): ${result.required.join(', ')}`);
  logger.info(`Next: add "- ${result.importPath}" to the import list of a stack manifest`);
}

export async function generateCatalogEntry(tree: Tree, schema: CatalogEntryGeneratorSchema): Promise<CatalogEntryResult> {
  return asGeneratorErrors(tree.root, async () => {
    requireOption('component', schema.component, 'the Terraform component folder, e.g. --component=vpc');
    const component = checkTerraformFolderName('component', schema.component);
    const abstract = checkBoolean('abstract', schema.abstract);
    // Atmos's convention for a base is `<component>/defaults` (inherited by the deployable `<component>`).
    const name = schema.name === undefined || schema.name === '' ? (abstract ? `${component}/defaults` : component) : checkComponentName('name', schema.name);
    const force = checkBoolean('force', schema.force);
    const explicitFile = schema.file === undefined || schema.file === '' ? undefined : checkRelativePath('file', schema.file);
    if (explicitFile && !/\.ya?ml$/.test(explicitFile)) throw new GeneratorError(`--file=${explicitFile} is not accepted: a catalog file ends in .yaml or .yml`);

    const view = readWorkspace(tree);
    try {
      const variables = await readVariables(tree, `${view.componentsDir}/${component}`);
      const inStacks = explicitFile ?? catalogFileFor(tree, view, component, name);
      const file = `${view.stacksDir}/${inStacks}`;
      const entryText = renderEntry(name, component, abstract, variables);
      const content = mergeInto(tree, file, name, entryText, force);
      writePlannedFiles(tree, [{ path: file, content }], true);
      // The entry must resolve as the engine reads it (a broken base file would fail every stack importing it).
      view.resolveWith([{ path: file, content }]);
      return {
        file,
        importPath: inStacks.replace(/\.ya?ml$/, ''),
        name,
        required: variables.filter((variable) => !variable.hasDefault && !CONTEXT_VARIABLES.has(variable.name)).map((variable) => variable.name),
      };
    } finally {
      view.dispose();
    }
  });
}

async function readVariables(tree: Tree, folder: string): Promise<TerraformVariable[]> {
  if (!tree.exists(folder) || tree.isFile(folder)) {
    throw new GeneratorError(`component folder ${folder} not found: create it with nx g @org/atmos:component --name=${folder.split('/').pop()}, or pass the folder name of an existing component`);
  }
  const files = tree.children(folder).filter((child) => isTerraformFile(child) && tree.isFile(`${folder}/${child}`));
  if (files.length === 0) throw new GeneratorError(`${folder} has no .tf files: a catalog entry is written from the component's variables.tf`);
  const component = await readTerraformComponentTexts(folder, files.map((child) => ({ file: `${folder}/${child}`, text: tree.read(`${folder}/${child}`, 'utf-8') ?? '' })));
  return [...component.variables.values()];
}

/** The catalog file (relative to the stacks base path) for a new entry, following the existing catalog. */
function catalogFileFor(tree: Tree, view: WorkspaceView, component: string, name: string): string {
  const catalog = `${view.stacksDir}/catalog`;
  const children = tree.exists(catalog) ? tree.children(catalog) : [];
  const folders = children.filter((child) => !tree.isFile(`${catalog}/${child}`));
  const flatFiles = children.filter((child) => /\.ya?ml$/.test(child) && tree.isFile(`${catalog}/${child}`));
  const perComponent = folders.some((folder) => tree.exists(`${catalog}/${folder}/defaults.yaml`));
  if (perComponent || flatFiles.length === 0) {
    return `catalog/${component}/${name === component ? 'defaults' : name.split('/').pop()}.yaml`;
  }
  // Domain files: the one already defining the component (or its Atmos component name) gets the entry.
  for (const child of flatFiles.sort()) {
    const text = tree.read(`${catalog}/${child}`, 'utf-8') ?? '';
    const doc = parseDocument(text);
    const terraform = doc.getIn(['components', 'terraform']);
    if (!isMap(terraform)) continue;
    for (const pair of terraform.items) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const value = pair.value;
      const metadataComponent = isMap(value) ? value.getIn(['metadata', 'component']) : undefined;
      if (key === name || key === component || metadataComponent === component) return `catalog/${child}`;
    }
  }
  return `catalog/${component}.yaml`;
}

function renderEntry(name: string, component: string, abstract: boolean, variables: TerraformVariable[]): string {
  const lines = ['components:', '  terraform:', `    ${yamlKey(name)}:`, '      metadata:', `        component: ${component}`];
  if (abstract) lines.push('        type: abstract');
  const context = variables.filter((variable) => CONTEXT_VARIABLES.has(variable.name)).map((variable) => variable.name);
  const own = variables.filter((variable) => !CONTEXT_VARIABLES.has(variable.name));
  if (own.length === 0 && context.length === 0) {
    lines.push(`      vars: {}`);
    return lines.join('\n') + '\n';
  }
  lines.push('      vars:');
  if (context.length > 0) lines.push(`        # ${context.join(', ')}: set by the stack's context (its _defaults and mixins).`);
  for (const variable of own.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const about = [variable.description, variable.type ? `type: ${variable.type}` : undefined].filter(Boolean).join(' — ');
    if (about) for (const line of wrapComment(about)) lines.push(`        # ${line}`);
    if (variable.sensitive) {
      lines.push(`        # ${variable.name}: sensitive; set it in the stack from a secret store (e.g. !store), never in the catalog`);
    } else if (!variable.hasDefault) {
      lines.push(`        # ${variable.name}: REQUIRED, no default; each stack sets it`);
    } else if (typeof variable.default === 'string' && /^\$\{[\s\S]*\}$/.test(variable.default)) {
      lines.push(`        # ${variable.name}: default is the expression ${variable.default.slice(2, -1)}`);
    } else if (variable.default === null || variable.default === undefined) {
      lines.push(`        # ${variable.name}: null (default)`);
    } else {
      const text = stringify({ [variable.name]: variable.default }, { indent: 2, lineWidth: 0 }).trimEnd();
      for (const line of text.split('\n')) lines.push(`        ${line}`);
    }
  }
  return lines.join('\n') + '\n';
}

function yamlKey(name: string): string {
  return /^[a-z0-9][a-z0-9_/-]*$/.test(name) ? name : JSON.stringify(name);
}

function wrapComment(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
}

/** The entry alone as a new file, or added to an existing catalog file (its other entries and comments kept). */
function mergeInto(tree: Tree, file: string, name: string, entryText: string, force: boolean): string {
  if (!tree.exists(file)) return entryText;
  const existing = tree.read(file, 'utf-8') ?? '';
  const doc = parseDocument(existing);
  if (doc.errors.length > 0) throw new GeneratorError(`${file}: ${doc.errors[0].message.split('\n')[0]}; fix it before adding an entry`);
  if (doc.hasIn(['components', 'terraform', name])) {
    if (!force) throw new GeneratorError(`${file} already defines ${name}: refusing to overwrite it; pass --force to replace that entry, or --name for another`);
  }
  if (doc.contents === null || (doc.contents && !isMap(doc.contents))) {
    if (!force) throw new GeneratorError(`${file} exists and is not a catalog map: refusing to overwrite; pass --force to replace it`);
    return entryText;
  }
  const entry = parseDocument(entryText).getIn(['components', 'terraform', name], true);
  doc.setIn(['components', 'terraform', name], entry);
  return doc.toString();
}
