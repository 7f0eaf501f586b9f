/**
 * The `source` section (Atmos v1.226.1 just-in-time vendoring, website/docs/cli/commands/terraform/source/source.mdx):
 * where a component's Terraform files come from. Merged as Atmos merges it
 * (internal/exec/stack_processor_merge.go): `terraform.source` -> the base components' (unless
 * atmos.yaml `stacks.inherit.source: false`) -> the component's; a string is `{uri: <string>}`
 * (normalizeComponentSourceSection). Atmos downloads the source into the component folder when
 * that folder does not exist. Here only a local source is read (pkg/provisioner/source
 * isLocalSource: `./x`, `/abs`, `file://`, or a path without a remote indicator), used as the
 * component folder in that case; git, OCI, S3 or HTTP sources need the network, which the static
 * phase never reaches: the missing folder is then an error that says so.
 */
import { isAbsolute, resolve } from 'node:path';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { mapList } from './lists';
import { deepMerge, type ListMergeStrategy } from './merge';
import { EMPTY_MAP, isPlainMap, type PlainMap } from './values';

/** `source:` of one layer as a map (a string is the URI; empty or absent: nothing). */
function sourceLayer(value: unknown, location: () => SourceLocation): PlainMap | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return { uri: value };
  if (isPlainMap(value)) return value;
  throw new AtmosUserError('INVALID_MANIFEST', 'source must be a go-getter URI or a map (uri, version, included_paths, excluded_paths)', location(),
    'write e.g. `source: {uri: github.com/org/repo//modules/vpc, version: 1.2.3}`');
}

export function mergeSource(layers: unknown[], strategy: ListMergeStrategy, location: () => SourceLocation): PlainMap {
  const maps = mapList(layers, (layer) => sourceLayer(layer, location)).filter((layer): layer is PlainMap => layer !== undefined);
  if (maps.length === 0) return EMPTY_MAP;
  return maps.length === 1 ? maps[0] : deepMerge(maps, strategy);
}

/** pkg/provisioner/source/provision_hook.go isLocalSource. */
export function isLocalSource(uri: string): boolean {
  if (uri.startsWith('.') || isAbsolute(uri) || uri.startsWith('file://')) return true;
  return !['://', 'github.com', 'gitlab.com', 'bitbucket.', 'git::', 's3::', 'gcs::'].some((indicator) => uri.includes(indicator));
}

/** The folder a local source names (relative to base_path), or undefined for a remote one. */
export function localSourceFolder(source: PlainMap, basePath: string): string | undefined {
  const uri = typeof source.uri === 'string' ? source.uri : undefined;
  if (!uri || !isLocalSource(uri)) return undefined;
  const path = uri.startsWith('file://') ? uri.slice('file://'.length) : uri;
  return resolve(basePath, path.split('?')[0]);
}
