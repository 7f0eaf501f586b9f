/**
 * Which manifests are top-level stacks: the files under `stacks.base_path` matched by
 * `included_paths` and not by `excluded_paths` (globs relative to the stacks base path, `**`
 * matching any depth, as Atmos's doublestar matching does). Other manifests are only imported.
 */
import fg from 'fast-glob';
import { relative } from 'node:path';
import type { AtmosConfig } from '../config/types';

/** Manifest extensions, in the order Atmos tries them when an import omits the extension. */
export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.yaml.tmpl', '.yml.tmpl'] as const;

export function discoverStackFiles(config: AtmosConfig): string[] {
  const files = fg.sync(config.stacks.includedPaths, {
    cwd: config.stacks.basePath,
    ignore: config.stacks.excludedPaths,
    absolute: true,
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

/** `orgs/acme/dev/us-east-1.yaml` -> `orgs/acme/dev/us-east-1`: how Atmos names manifests in describe output. */
export function manifestName(config: AtmosConfig, file: string): string {
  return stripManifestExtension(relative(config.stacks.basePath, file).split('\\').join('/'));
}

export function stripManifestExtension(path: string): string {
  for (const ext of MANIFEST_EXTENSIONS.slice().sort((a, b) => b.length - a.length)) {
    if (path.endsWith(ext)) return path.slice(0, -ext.length);
  }
  return path;
}
