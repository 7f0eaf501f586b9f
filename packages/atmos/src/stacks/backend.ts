/**
 * Backend and remote-state backend sections, with the defaults Atmos adds, and the files the
 * run phase writes: `backend.tf.json` and the varfile.
 */
import { mapList } from './lists';
import { deepMerge, type ListMergeStrategy } from './merge';
import { asMap, isPlainMap, type PlainMap } from './values';

export interface BackendLayers {
  /** `backend_type` from terraform:, base components and the component, in that order (later wins). */
  types: unknown[];
  /** `backend` sections in the same order. */
  sections: unknown[];
  remoteStateTypes: unknown[];
  remoteStateSections: unknown[];
  /** The Atmos component the defaults are named after (base component name when inherited via metadata.component). */
  keyName: string;
  strategy: ListMergeStrategy;
}

export interface ResolvedBackend {
  backendType: string;
  backend: PlainMap;
  remoteStateBackendType: string;
  remoteStateBackend: PlainMap;
}

export function resolveBackend(layers: BackendLayers): ResolvedBackend {
  const backendType = lastString(layers.types) ?? '';
  const backend = withBackendDefaults(backendType, deepMerge(mapList(layers.sections, (s) => asMap(s)[backendType]), layers.strategy), layers.keyName);
  const remoteStateBackendType = lastString(layers.remoteStateTypes) ?? backendType;
  const remoteStateBackend = deepMerge(
    [remoteStateBackendType === backendType ? backend : {}, ...mapList(layers.remoteStateSections, (s) => asMap(s)[remoteStateBackendType])],
    layers.strategy,
  );
  return { backendType, backend, remoteStateBackendType, remoteStateBackend };
}

function lastString(values: unknown[]): string | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Keys Atmos fills in so that every component gets its own state location. */
function withBackendDefaults(type: string, backend: PlainMap, keyName: string): PlainMap {
  const name = keyName.split('/').join('-');
  if (type === 's3' && !nonEmptyString(backend.workspace_key_prefix)) return { ...backend, workspace_key_prefix: name };
  if (type === 'gcs' && !nonEmptyString(backend.prefix)) return { ...backend, prefix: name };
  if (type === 'azurerm' && !nonEmptyString(backend.key)) return { ...backend, key: `${name}.terraform.tfstate` };
  return backend;
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** The content of backend.tf.json for an instance. */
export function backendFileContent(backendType: string, backend: PlainMap): PlainMap {
  return { terraform: { backend: { [backendType]: isPlainMap(backend) ? backend : {} } } };
}

/**
 * Atmos names the varfile and planfile `<stack>-[<folder prefix>-]<last segment of the component>`:
 * `vpc` -> `acme-ue1-dev-vpc`, `infra/vpc` -> `acme-ue1-dev-infra-vpc`, and for a derived
 * component the folder prefix comes from its base (`vpc/primary` on `vpc` -> `acme-ue1-dev-primary`).
 */
export function instanceFilePrefix(stack: string, atmosComponent: string, baseComponent?: string): string {
  const segments = atmosComponent.split('/');
  const last = segments[segments.length - 1];
  const folderSource = baseComponent && baseComponent !== atmosComponent ? baseComponent.split('/') : segments;
  const folderPrefix = folderSource.slice(0, -1).join('-');
  return [stack.split('/').join('-'), folderPrefix, last].filter((part) => part !== '').join('-');
}

export function varfileName(stack: string, atmosComponent: string, baseComponent?: string): string {
  return `${instanceFilePrefix(stack, atmosComponent, baseComponent)}.terraform.tfvars.json`;
}

export function planfileName(stack: string, atmosComponent: string, baseComponent?: string): string {
  return `${instanceFilePrefix(stack, atmosComponent, baseComponent)}.planfile`;
}
