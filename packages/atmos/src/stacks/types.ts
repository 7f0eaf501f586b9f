/** What the static engine produces: one fully merged instance per component per stack. */
import type { PlainMap } from './values';

/** The component types Atmos stacks hold that are read here: terraform runs, the others are described and listed. */
export type ComponentType = 'terraform' | 'helmfile' | 'packer' | 'ansible';
export const DESCRIBED_COMPONENT_TYPES = ['helmfile', 'packer', 'ansible'] as const;

export interface ComponentInstance {
  /** `vpc`, `vpc/blue`: the Atmos component name (the key under components.<type>). */
  component: string;
  /** Under which `components.<type>` it is defined; only terraform instances become Nx projects. */
  componentType: ComponentType;
  /** The stack name (from `name`, name_template, name_pattern or the manifest path). */
  stack: string;
  /** The component folder name, relative to components.<type>.base_path (the name is Atmos's `component`). */
  terraformComponent: string;
  /** Absolute path of the Terraform component folder. */
  componentPath: string;
  /** Absolute path of the top-level manifest that defines the stack. */
  manifestFile: string;
  /** The manifest's name: its path under the stacks base path, without extension. */
  manifestName: string;
  /** True for `metadata.type: abstract`: a base to inherit from, never deployed. */
  abstract: boolean;
  /** False for `metadata.enabled: false`. */
  enabled: boolean;
  locked: boolean;
  workspace: string;
  /** The merged sections, after Go templates (when enabled). */
  sections: ComponentSections;
  /** Base components in Atmos's `inheritance` order. */
  inheritance: string[];
  /** Absolute paths of every manifest in the stack's import closure (not the stack file itself). */
  imports: string[];
  /** The same as Atmos names them in `imports`: sorted, unique, relative, without extension. */
  importNames: string[];
  /** Absolute glob patterns of the imports as written (inputs for change detection). */
  importPatterns: string[];
  /** Files read by `!include` (inputs for change detection). */
  includedFiles: string[];
  /** The stack's `version.track` (Atmos's Version Tracker, read by `!version`), when the stack sets one. */
  versionTrack?: string;
  /** Manifest names this instance's configuration comes from (Atmos `deps`/`deps_all`). */
  deps: string[];
  depsAll: string[];
  /**
   * Set when stacks.name_pattern cannot name the instance's stack (a token's var is missing) and
   * the stack is named after its manifest: `describe stacks` and `list` show it, as Atmos does,
   * but `describe component` does not find it (Atmos skips a stack whose pattern fails there).
   */
  namedAfterFile?: true;
}

export interface ComponentSections {
  vars: PlainMap;
  settings: PlainMap;
  env: PlainMap;
  providers: PlainMap;
  hooks: PlainMap;
  /** Component-level `locals:` (the base components' under the component's), seen by its templates as `.locals`. */
  locals: PlainMap;
  overrides: PlainMap;
  metadata: PlainMap;
  /** `dependencies:` (components, files, folders, tools), merged from bases to the component. */
  dependencies: PlainMap;
  backendType: string;
  backend: PlainMap;
  remoteStateBackendType: string;
  remoteStateBackend: PlainMap;
  command: string;
  /** `source:` (where the component's files come from: Atmos's just-in-time vendoring), merged; see source.ts. */
  source: PlainMap;
}
