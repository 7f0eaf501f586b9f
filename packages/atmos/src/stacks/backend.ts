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
  /** A type no section configures, while the section configures others (Atmos stops on it). */
  mismatch?: BackendTypeMismatch;
}

export interface BackendTypeMismatch {
  key: 'backend_type' | 'remote_state_backend_type';
  type: string;
  /** The backend types the section does configure, sorted. */
  configured: string[];
}

export function resolveBackend(layers: BackendLayers): ResolvedBackend {
  const backendType = lastString(layers.types) ?? '';
  const backend = withBackendDefaults(backendType, deepMerge(mapList(layers.sections, (s) => asMap(s)[backendType]), layers.strategy), layers.keyName);
  const remoteStateBackendType = lastString(layers.remoteStateTypes) ?? backendType;
  // internal/exec/stack_processor_backend.go processTerraformRemoteStateBackend: the backend
  // section's entry for the remote-state type (with its defaults when it is the backend's own
  // type), under the remote_state_backend layers.
  const base = remoteStateBackendType === backendType ? backend : deepMerge(mapList(layers.sections, (s) => asMap(s)[remoteStateBackendType]), layers.strategy);
  const remoteStateBackend = deepMerge([base, ...mapList(layers.remoteStateSections, (s) => asMap(s)[remoteStateBackendType])], layers.strategy);
  const resolved: ResolvedBackend = { backendType, backend, remoteStateBackendType, remoteStateBackend };
  const mismatch = typeMismatch('backend_type', backendType, layers.sections) ?? typeMismatch('remote_state_backend_type', remoteStateBackendType, layers.remoteStateSections);
  if (mismatch) resolved.mismatch = mismatch;
  return resolved;
}

/**
 * checkTerraformBackendTypeMatch / checkRemoteStateBackendTypeMatch (v1.226.1): a section that
 * configures some backend types but not the one selected is a mistake, not an empty backend.
 */
function typeMismatch(key: BackendTypeMismatch['key'], type: string, sections: unknown[]): BackendTypeMismatch | undefined {
  if (type === '') return undefined;
  const configured = new Set<string>();
  for (const section of sections) if (isPlainMap(section)) for (const name of Object.keys(section)) configured.add(name);
  if (configured.size === 0 || configured.has(type)) return undefined;
  return { key, type, configured: [...configured].sort() };
}

/** Atmos's words for it (errors.ErrBackendTypeMismatch and its hint). */
export function backendMismatchMessage(mismatch: BackendTypeMismatch, component: string, stack: string): { message: string; hint: string } {
  const section = mismatch.key === 'backend_type' ? 'backend' : 'remote_state_backend';
  return {
    message: `backend_type does not match any key configured under backend: component "${component}" in stack "${stack}": ${mismatch.key} is "${mismatch.type}" but ${section}: only configures ${mismatch.configured.join(', ')}`,
    hint: `add a "${mismatch.type}" key under ${section}:, or change ${mismatch.key} to match`,
  };
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
