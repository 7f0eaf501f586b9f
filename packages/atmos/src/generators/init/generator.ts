/**
 * `nx add @org/atmos` (or `nx g @org/atmos:init`): the plugin in nx.json, a minimal atmos.yaml,
 * the plugin's work folders in .gitignore, plans printed in full (.env). Idempotent: each step writes only what is missing,
 * so a second run changes nothing.
 */
import { logger, readNxJson, updateNxJson, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAMES } from '../../config/load';
import { templateFolder } from '../shared/files';
import { asGeneratorErrors, checkBoolean, GeneratorError } from '../shared/options';

export interface InitGeneratorSchema {
  skipAtmosYaml?: boolean;
  skipFormat?: boolean;
  keepExistingVersions?: boolean;
}

export const PLUGIN_NAME = '@org/atmos';

/**
 * What the plugin writes and what must never be committed: staged workdirs (`.atmos/`), terraform's
 * data folders and plan files, local state of the offline backend, and Nx's cache.
 */
export const GITIGNORE_ENTRIES = ['.atmos/', '.terraform/', '*.tfplan', '*.tfstate', '*.tfstate.*', '.nx/cache', '.nx/workspace-data'];

export default async function initGenerator(tree: Tree, schema: InitGeneratorSchema = {}): Promise<void> {
  await asGeneratorErrors(tree.root, async () => {
    const skipAtmosYaml = checkBoolean('skipAtmosYaml', schema.skipAtmosYaml);
    const changed = [registerPlugin(tree), skipAtmosYaml ? undefined : writeAtmosYaml(tree), ignoreWorkFolders(tree), showTaskOutput(tree)].filter((step): step is string => step !== undefined);
    logger.info(changed.length === 0 ? `${PLUGIN_NAME} is already set up: nothing to change` : changed.join('\n'));
  });
}

function registerPlugin(tree: Tree): string | undefined {
  if (!tree.exists('nx.json')) throw new GeneratorError('nx.json not found at the workspace root: run this inside an Nx workspace (npx create-nx-workspace, or nx init)');
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  const before = JSON.stringify(nxJson);
  const plugins = nxJson.plugins ?? [];
  if (!plugins.some((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin) === PLUGIN_NAME)) {
    plugins.push({ plugin: PLUGIN_NAME, options: { projectName: '{component}-{stack}' } });
  }
  nxJson.plugins = plugins;
  // Instances are inferred from stacks, not package.json: a lock-file change must not mark every one affected.
  const pluginsConfig = (nxJson.pluginsConfig ??= {}) as Record<string, Record<string, unknown>>;
  const jsConfig = (pluginsConfig['@nx/js'] ??= {});
  if (!Array.isArray(jsConfig.projectsAffectedByDependencyUpdates) || jsConfig.projectsAffectedByDependencyUpdates.length > 0) {
    jsConfig.projectsAffectedByDependencyUpdates = [];
  }
  if (JSON.stringify(nxJson) === before) return undefined;
  updateNxJson(tree, nxJson);
  return `nx.json: ${PLUGIN_NAME} registered, pluginsConfig["@nx/js"].projectsAffectedByDependencyUpdates = []`;
}

function writeAtmosYaml(tree: Tree): string | undefined {
  if (CONFIG_FILE_NAMES.some((name) => tree.exists(name))) return undefined;
  tree.write('atmos.yaml', readFileSync(join(templateFolder('init'), 'atmos.yaml.template'), 'utf8'));
  return 'atmos.yaml written (stacks in stacks/orgs/<tenant>/<account>/<region>.yaml, components in components/terraform)';
}

function ignoreWorkFolders(tree: Tree): string | undefined {
  const text = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  const present = new Set(text.split(/\r?\n/).map((line) => line.trim()));
  const missing = GITIGNORE_ENTRIES.filter((entry) => !present.has(entry) && !present.has(entry.replace(/\/$/, '')) && !(entry.startsWith('.nx/') && (present.has('.nx/') || present.has('.nx'))));
  if (missing.length === 0) return undefined;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${text}${separator}${text === '' ? '' : '\n'}# @org/atmos: staged workdirs, terraform data, plans and local state\n${missing.join('\n')}\n`);
  return `.gitignore: ${missing.join(' ')}`;
}

/**
 * Plans are what a reviewer reads, and Nx 24 collapses the output of successful tasks in CI and
 * other non-interactive runs ("Output of 2 successful tasks were not shown"). The Nx CLI loads
 * the workspace root's .env into its own environment at start-up, so this default style prints
 * every task in full; a flag or the variable set in the shell still wins. Left alone when the
 * workspace already chose a style.
 */
export const OUTPUT_STYLE_SETTING = 'NX_DEFAULT_OUTPUT_STYLE=static';

function showTaskOutput(tree: Tree): string | undefined {
  const text = tree.exists('.env') ? (tree.read('.env', 'utf-8') ?? '') : '';
  if (/^\s*(export\s+)?NX_DEFAULT_OUTPUT_STYLE\s*=/m.test(text)) return undefined;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write('.env', `${text}${separator}# @org/atmos: print every task's output (plans) in full; read by the Nx CLI at start-up\n${OUTPUT_STYLE_SETTING}\n`);
  return `.env: ${OUTPUT_STYLE_SETTING} (plans print in full in nx run-many / nx affected)`;
}
