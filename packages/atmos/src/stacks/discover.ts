/**
 * Which manifests are top-level stacks: the files under `stacks.base_path` matched by
 * `included_paths` and not by `excluded_paths` (globs relative to the stacks base path, `**`
 * matching any depth, as Atmos's doublestar matching does). Other manifests are only imported.
 */
import { globFiles } from '../glob-files';
import { extname, relative, sep } from 'node:path';
import type { AtmosConfig } from '../config/types';

/** Manifest extensions, in the order Atmos tries them when an import omits the extension. */
export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.yaml.tmpl', '.yml.tmpl'] as const;

export function discoverStackFiles(config: AtmosConfig): string[] {
  const files = globFiles(config.stacks.includedPaths, {
    cwd: config.stacks.basePath,
    ignore: config.stacks.excludedPaths,
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: true,
  });
  return files.filter(isManifestFile).sort();
}

export function isManifestFile(path: string): boolean {
  return MANIFEST_EXTENSIONS.some((ext) => path.endsWith(ext));
}

export function isTemplateManifest(path: string): boolean {
  return path.endsWith('.tmpl');
}

/**
 * How Atmos names a top-level manifest (`atmos_stack_file`, the fallback stack name): its path
 * under the stacks base path with `.yaml`/`.yml` trimmed (`orgs/acme/dev/us-east-1`).
 */
export function manifestName(config: AtmosConfig, file: string): string {
  return relativeManifestPath(config, file).replace(/\.(yaml|yml)$/, '');
}

/** How Atmos names an imported manifest (`imports`, `deps`): its path with the last extension trimmed. */
export function importName(config: AtmosConfig, file: string): string {
  const path = relativeManifestPath(config, file);
  return path.slice(0, path.length - extname(path).length);
}

function relativeManifestPath(config: AtmosConfig, file: string): string {
  return relative(config.stacks.basePath, file).split(sep).join('/');
}
