/**
 * Which resolved sections `describe affected` (and the Nx plugin's precise inputs) compare
 * between the base and the head instance, as Atmos v1.226.1 does (describe_affected_components.go):
 * `metadata` first, always; then its section table, in its order, or the list atmos.yaml
 * `describe.affected.sections` gives instead (it replaces the table, it does not add to it);
 * `settings` last unless that list places it. The first section that differs is the headline reason.
 */
import type { AtmosConfig } from '../config/types';
import type { ComponentInstance } from './types';
import { deepEqual } from './values';

export interface SectionCheck {
  /** The reason an entry gives when the section differs (`stack.vars`). */
  reason: string;
  value: (instance: ComponentInstance) => unknown;
  /** Atmos's merged component has the section only when it is set (a new instance lists it only then). */
  optional?: true;
}

/**
 * Every section the engine models, by the name atmos.yaml uses for it. The workspace is ours:
 * where the state lives, compared with the backend (or alone, when a list names it). `hooks`,
 * `locals`, `overrides` and `inheritance` are not in Atmos's table (hooks run around a command,
 * the others are folded into the sections compared), but a configured list may name them.
 */
const CHECKS: ReadonlyMap<string, SectionCheck> = new Map(Object.entries({
  vars: { reason: 'stack.vars', value: (i) => i.sections.vars },
  env: { reason: 'stack.env', value: (i) => i.sections.env },
  providers: { reason: 'stack.providers', value: (i) => i.sections.providers },
  backend: { reason: 'stack.backend', value: (i) => [i.sections.backend, i.workspace] },
  backend_type: { reason: 'stack.backend_type', value: (i) => i.sections.backendType },
  remote_state_backend: { reason: 'stack.remote_state_backend', value: (i) => i.sections.remoteStateBackend },
  remote_state_backend_type: { reason: 'stack.remote_state_backend_type', value: (i) => i.sections.remoteStateBackendType },
  command: { reason: 'stack.command', value: (i) => i.sections.command },
  dependencies: { reason: 'stack.dependencies', value: (i) => i.sections.dependencies, optional: true },
  source: { reason: 'stack.source', value: (i) => i.sections.source, optional: true },
  // Atmos's merged terraform component always has hooks and overrides (a new instance lists them).
  hooks: { reason: 'stack.hooks', value: (i) => i.sections.hooks },
  locals: { reason: 'stack.locals', value: (i) => i.sections.locals, optional: true },
  overrides: { reason: 'stack.overrides', value: (i) => i.sections.overrides },
  inheritance: { reason: 'stack.inheritance', value: (i) => i.inheritance },
  workspace: { reason: 'stack.workspace', value: (i) => i.workspace },
} satisfies Record<string, SectionCheck>));

/** Compared first, whatever the list says (Atmos: metadata decides whether a component is skipped). */
export const METADATA_REASON = 'stack.metadata';
const SETTINGS: SectionCheck = { reason: 'stack.settings', value: (i) => i.sections.settings };

/**
 * Atmos's table, in its order. It also lists `required_providers`, `required_version`,
 * `generate`, `auth` and `provision`, which the engine does not model (nothing it runs reads
 * them), so they are not compared: see NOT_COMPARED.
 */
const DEFAULT_SECTIONS = ['vars', 'env', 'providers', 'backend', 'backend_type', 'remote_state_backend', 'remote_state_backend_type', 'command', 'dependencies', 'source'];

/**
 * Keys of Atmos's merged component that are not compared here: sections the engine does not
 * build, and what names the instance (the same on both sides of one instance).
 */
const NOT_COMPARED = new Set(['required_providers', 'required_version', 'generate', 'auth', 'provision', 'retry',
  'atmos_component', 'atmos_stack', 'atmos_stack_file', 'atmos_manifest', 'stack', 'secrets', 'mocks', 'component_info', 'deps', 'deps_all', 'imports']);

/**
 * Compared whatever the list says, so nothing to add for them: metadata (first) and the
 * component folder named (ours: always a reason). settings too, at the end unless listed.
 */
const ALWAYS = new Set(['metadata', 'component']);

export interface SectionSelection {
  /** The sections compared after metadata and the folder, in order; settings last unless the list places it. */
  checks: readonly SectionCheck[];
  /** Names of the configured list that compare nothing here, each with why (for a warning). */
  ignored: Array<{ name: string; why: 'not-compared' | 'no-section' }>;
}

const selections = new WeakMap<AtmosConfig, SectionSelection>();

export function selectedSections(config: AtmosConfig): SectionSelection {
  let selection = selections.get(config);
  if (!selection) selections.set(config, (selection = select(config.describe?.affectedSections)));
  return selection;
}

function select(configured: readonly string[] | undefined): SectionSelection {
  // An empty list is unset, as Atmos reads it.
  const names = configured && configured.length > 0 ? configured : DEFAULT_SECTIONS;
  const ignored: SectionSelection['ignored'] = [];
  const checks: SectionCheck[] = [];
  for (const name of new Set(names)) {
    if (ALWAYS.has(name)) continue;
    const check = name === 'settings' ? SETTINGS : CHECKS.get(name);
    if (check) checks.push(check);
    else ignored.push({ name, why: NOT_COMPARED.has(name) ? 'not-compared' : 'no-section' });
  }
  // Atmos compares settings after its table; a list that names it compares it in its place.
  if (!checks.includes(SETTINGS)) checks.push(SETTINGS);
  return { checks, ignored };
}

/** One line per configured name that compares nothing, for the user to read (describe affected prints them). */
export function ignoredSectionWarnings(config: AtmosConfig): string[] {
  const where = config.configFile ?? 'atmos.yaml';
  return selectedSections(config).ignored.map(({ name, why }) => why === 'not-compared'
    ? `${where}: describe.affected.sections lists "${name}", which atmos-nx does not compare: a change there affects nothing`
    : `${where}: describe.affected.sections lists "${name}", which is no section of a component (as in Atmos, it compares nothing): check the spelling`);
}

/**
 * The reasons an instance's configuration differs between base and head, in order: metadata,
 * `component` when another Terraform folder is named, the selected sections. What
 * files decide (the folder's and modules' contents, dependencies.files) is not looked at here.
 */
export function* configDifferences(base: ComponentInstance, head: ComponentInstance, checks: readonly SectionCheck[]): Generator<string> {
  if (!deepEqual(base.sections.metadata, head.sections.metadata)) yield METADATA_REASON;
  if (base.terraformComponent !== head.terraformComponent) yield 'component';
  for (const { reason, value } of checks) if (!deepEqual(value(base), value(head))) yield reason;
}
