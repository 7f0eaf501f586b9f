/**
 * Stack names and Terraform workspace names, as Atmos derives them.
 *
 * Stack name: the manifest's `name:` -> `stacks.name_template` (a Go template over the component
 * section) -> `stacks.name_pattern` (tokens filled from the component's vars) -> the manifest
 * path relative to the stacks base path, without extension.
 *
 * Workspace: "default" when workspaces are disabled; else `metadata.terraform_workspace_template`
 * -> `metadata.terraform_workspace_pattern` -> `metadata.terraform_workspace` -> for a component
 * whose Terraform folder is set by `metadata.component`, `<stack>-<component>` -> the stack name;
 * `/` becomes `-`.
 */
import { AtmosUserError } from '../errors/user-error';
import { TemplateError, renderTemplate } from '../templates';
import type { PlainMap } from './values';

/** Tokens `terraform_workspace_pattern` may use that come from vars (pkg/config/utils.go GetContextFromVars: strings only). */
const VAR_TOKENS = ['namespace', 'tenant', 'environment', 'stage', 'region'] as const;

export interface StackNameInput {
  manifestName: string;
  manifestFile: string;
  /** `name:` of the merged stack manifest, if any. */
  explicitName?: string;
  nameTemplate?: string;
  namePattern?: string;
  vars: PlainMap;
  /** The component section (vars, settings, env, ...) a name template sees; built only when needed. */
  componentSection: () => PlainMap;
  delimiters: [string, string];
  /**
   * Given: a name_pattern token the component's vars lack is not an error; the stack is named
   * after the manifest instead and this is told the token. Atmos v1.226.1 describe stacks does so
   * (internal/exec/describe_stacks_component_processor.go resolveStackName: "Fall back to
   * filename when pattern validation fails"), so a catalog file included as a stack that does
   * not set vars.stage itself is described under its file name.
   */
  onPatternMiss?: (token: string) => void;
}

export function stackName(input: StackNameInput): string {
  if (input.explicitName) return input.explicitName;
  if (input.nameTemplate) return renderNameTemplate(input.nameTemplate, input.componentSection(), input, 'stacks.name_template');
  if (input.namePattern) return fillPattern(input.namePattern, input.vars, input) ?? input.manifestName;
  return input.manifestName;
}

/** The tokens Atmos recognises in `stacks.name_pattern`. */
const NAME_PATTERN_TOKENS = ['namespace', 'tenant', 'environment', 'stage'];

/**
 * Atmos splits the pattern on `-` and keeps only the recognised `{token}` parts, each filled from
 * a string var; anything else in the pattern is dropped (`{tenant}-x-{stage}` gives `acme-dev`).
 */
function fillPattern(pattern: string, vars: PlainMap, input: StackNameInput): string | undefined {
  const tokens = patternTokens(pattern);
  // The instances of a stack mostly give the same name: the last one is kept and handed out again
  // (one string per stack, not one per instance).
  if (lastFilled?.pattern === pattern && sameValues(lastFilled, vars)) return lastFilled.name;
  const parts: string[] = [];
  for (const token of tokens) {
    const value = vars[token];
    if (typeof value !== 'string' || value === '') {
      if (input.onPatternMiss) {
        input.onPatternMiss(token);
        return undefined;
      }
      const article = /^[aeiou]/.test(token) ? 'an' : 'a';
      throw new AtmosUserError('STACK_NAME',
        `the stack name pattern '${pattern}' specifies '${token}', but the stack '${input.manifestName}' does not have ${article} ${token} defined in the stack file '${input.manifestName}'`,
        { file: input.manifestFile },
        `set vars.${token} (a string) in this manifest or a file it imports, or exclude the file from stacks.included_paths if it is not a stack`);
    }
    parts.push(value);
  }
  const name = parts.join('-');
  lastFilled = { pattern, tokens, values: parts, name };
  return name;
}

interface FilledPattern {
  pattern: string;
  tokens: readonly string[];
  values: readonly string[];
  name: string;
}

let lastFilled: FilledPattern | undefined;

function sameValues(filled: FilledPattern, vars: PlainMap): boolean {
  for (let i = 0; i < filled.tokens.length; i++) if (vars[filled.tokens[i]] !== filled.values[i]) return false;
  return true;
}

/** The recognised tokens of a pattern, in order (read once per pattern, not once per instance). */
const tokensByPattern = new Map<string, string[]>();

function patternTokens(pattern: string): string[] {
  let tokens = tokensByPattern.get(pattern);
  if (!tokens) {
    tokens = pattern.split('-').map((part) => /^\{([a-z]+)\}$/.exec(part)?.[1]).filter((token): token is string => token !== undefined && NAME_PATTERN_TOKENS.includes(token));
    tokensByPattern.set(pattern, tokens);
  }
  return tokens;
}

export interface WorkspaceInput {
  workspacesEnabled: boolean;
  backendType: string;
  stack: string;
  atmosComponent: string;
  metadata: PlainMap;
  /**
   * The instance's resolved component (its folder): Atmos's base component is that name when it
   * differs from the instance's (ProcessComponentMetadata over the final section: the legacy
   * `component:` naming a defined base, or `metadata.component`).
   */
  terraformComponent: string;
  vars: PlainMap;
  /** Built only for a workspace template. */
  componentSection: () => PlainMap;
  manifestFile: string;
  delimiters: [string, string];
}

export function terraformWorkspace(input: WorkspaceInput): string {
  // The http backend has no workspaces; Atmos forces "default" for it.
  if (!input.workspacesEnabled || input.backendType === 'http') return 'default';
  const { metadata } = input;
  const base = input.terraformComponent !== input.atmosComponent ? input.terraformComponent : '';
  let workspace: string;
  if (typeof metadata.terraform_workspace_template === 'string' && metadata.terraform_workspace_template !== '') {
    workspace = renderNameTemplate(metadata.terraform_workspace_template, input.componentSection(),
      { manifestFile: input.manifestFile, delimiters: input.delimiters }, 'metadata.terraform_workspace_template');
  } else if (typeof metadata.terraform_workspace_pattern === 'string' && metadata.terraform_workspace_pattern !== '') {
    // internal/exec/utils.go: the context is the vars, the component, and its base component (none when it names itself).
    workspace = replaceContextTokens(metadata.terraform_workspace_pattern, { vars: input.vars, component: input.atmosComponent, baseComponent: base });
  } else if (typeof metadata.terraform_workspace === 'string' && metadata.terraform_workspace !== '') {
    workspace = metadata.terraform_workspace;
  } else if (base !== '') {
    workspace = `${input.stack}-${input.atmosComponent}`;
  } else {
    workspace = input.stack;
  }
  return workspace.includes('/') ? workspace.replaceAll('/', '-') : workspace;
}

/** What `terraform_workspace_pattern` tokens are filled from (Atmos's schema.Context). */
export interface WorkspaceContext {
  /** The vars the context is read from (none: every var token is empty). */
  vars: PlainMap | undefined;
  component: string;
  baseComponent: string;
}

/**
 * pkg/config/utils.go ReplaceContextTokens: Atmos's tokens become their context value, empty
 * when the context lacks it (`{component-path}`, `{workspace}` and `{terraform_workspace}` are
 * never filled there); any other `{...}` stays as written.
 */
export function replaceContextTokens(pattern: string, context: WorkspaceContext): string {
  const vars = context.vars ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const values: Record<string, string> = {
    ...Object.fromEntries(VAR_TOKENS.map((token) => [token, text(vars[token])])),
    attributes: Array.isArray(vars.attributes) ? vars.attributes.map((item) => (typeof item === 'string' ? item : '')).join('-') : '',
    component: context.component,
    'base-component': context.baseComponent,
    'component-path': '',
    workspace: '',
    terraform_workspace: '',
  };
  return pattern.replace(/\{([a-z_-]+)\}/g, (whole, token: string) => (Object.hasOwn(values, token) ? values[token] : whole));
}

function renderNameTemplate(template: string, data: PlainMap, where: { manifestFile: string; delimiters: [string, string] }, setting: string): string {
  try {
    return renderTemplate(template, data, { missingKey: 'error', delimiters: where.delimiters, fileName: where.manifestFile });
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new AtmosUserError('STACK_NAME', `${setting} '${template}' failed for this manifest: ${error.detail}`, { file: where.manifestFile },
        `define the values ${setting} uses in the manifest's vars, or fix the template`);
    }
    throw error;
  }
}

/** The context vars Atmos names instances by: in describe affected's entries, and the projects' tags. */
export const CONTEXT_VARS = ['namespace', 'tenant', 'environment', 'stage'] as const;

/** The context vars an instance sets (to a non-empty string), in CONTEXT_VARS order. */
export function contextOf(vars: Record<string, unknown>): Partial<Record<typeof CONTEXT_VARS[number], string>> {
  const context: Partial<Record<typeof CONTEXT_VARS[number], string>> = {};
  for (const name of CONTEXT_VARS) {
    const value = vars[name];
    if (typeof value === 'string' && value !== '') context[name] = value;
  }
  return context;
}
