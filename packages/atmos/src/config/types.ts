/** atmos.yaml, normalised: every path absolute, every default filled in. */
import type { ListMergeStrategy } from '../stacks/merge';

export interface StoreConfig {
  /**
   * The backend in Atmos's canonical `kind` vocabulary (`aws/ssm`, `redis`, ...): `kind:` as
   * written, or the legacy `type:` mapped to it (`aws-ssm-parameter-store` -> `aws/ssm`).
   */
  kind: string;
  options: Record<string, unknown>;
}

export interface DescribedComponentType {
  basePath: string;
  command: string;
}

export interface AtmosConfig {
  /** The atmos.yaml that was read, if any (Atmos works with defaults without one). */
  configFile?: string;
  /**
   * Every config file the configuration is made of: atmos.yaml, its `atmos.d/` / `.atmos.d/`
   * files and its `import:`s (nested ones too). All are inputs of every instance.
   */
  configFiles: string[];
  /** The `atmos.d/` / `.atmos.d/` folders Atmos looks in (present or not). */
  configFolders?: string[];
  /** Config imports that matched nothing (Atmos warns and goes on). */
  warnings?: string[];
  /** Absolute base path every other path is relative to. */
  basePath: string;
  stacks: {
    basePath: string;
    includedPaths: string[];
    excludedPaths: string[];
    namePattern?: string;
    nameTemplate?: string;
    /** `stacks.inherit.metadata`: base components' metadata (minus `inherits` and `type`) is inherited. */
    inheritMetadata: boolean;
    /** `stacks.inherit.source` (default true): base components' `source` is inherited. */
    inheritSource: boolean;
  };
  components: {
    terraform: {
      basePath: string;
      command: string;
      autoGenerateBackendFile: boolean;
      workspacesEnabled: boolean;
      applyAutoApprove: boolean;
      deployRunInit: boolean;
      initRunReconfigure: boolean;
    };
    /** Types that are described and listed, never run: absolute base path ('' when not configured) and command. */
    helmfile: DescribedComponentType;
    packer: DescribedComponentType;
    ansible: DescribedComponentType;
  };
  settings: {
    listMergeStrategy: ListMergeStrategy;
  };
  templates: {
    enabled: boolean;
    evaluations: number;
    delimiters: [string, string];
    /** `templates.settings.env`: variables set for `env` / `getenv` while templates render (string values only, as Atmos keeps). */
    env: Record<string, string>;
    /** `templates.settings.ignore_missing_template_values`: every import's default (a missing value renders `<no value>`). */
    ignoreMissingTemplateValues: boolean;
  };
  workflows: { basePath: string };
  /** `env:` of atmos.yaml: the lowest layer of every component's env section. */
  env: Record<string, unknown>;
  stores: Record<string, StoreConfig>;
  /** Atmos's Version Tracker, read by `!version`: `version.track` (default "default") and the lock file (absolute). */
  version: { track: string; lockFile: string };
  functions: {
    /** `!exec` runs commands; off unless atmos.yaml turns it on (a deliberate deviation from Atmos). */
    execEnabled: boolean;
  };
  /**
   * `describe.affected.sections`: the component sections describe affected (and nx affected)
   * compare instead of Atmos's table; unset (or empty) for the table. See stacks/affected-sections.ts.
   */
  describe?: { affectedSections?: string[] };
  /** The file as written, for `describe config`. */
  raw: Record<string, unknown>;
}
