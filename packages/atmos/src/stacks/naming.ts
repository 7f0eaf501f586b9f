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
import { asMap, type PlainMap } from './values';

/** Tokens `name_pattern` and `terraform_workspace_pattern` may use, filled from vars. */
const CONTEXT_TOKENS = ['namespace', 'tenant', 'environment', 'stage', 'region', 'attributes'] as const;

export interface StackNameInput {
  manifestName: string;
  manifestFile: string;
  /** `name:` of the merged stack manifest, if any. */
  explicitName?: string;
  nameTemplate?: string;
  namePattern?: string;
  /** The component section (vars, settings, env, ...) a name template sees. */
  componentSection: PlainMap;
  delimiters: [string, string];
}

export function stackName(input: StackNameInput): string {
  if (input.explicitName) return input.explicitName;
  if (input.nameTemplate) return renderNameTemplate(input.nameTemplate, input.componentSection, input, 'stacks.name_template');
  if (input.namePattern) return fillPattern(input.namePattern, asMap(input.componentSection.vars), input);
  return input.manifestName;
}

function fillPattern(pattern: string, vars: PlainMap, input: StackNameInput): string {
  return pattern.replace(/\{([a-z_-]+)\}/g, (whole, token: string) => {
    const value = vars[token];
    if (value === undefined || value === null || value === '') {
      if (!(CONTEXT_TOKENS as readonly string[]).includes(token)) return whole;
      throw new AtmosUserError('STACK_NAME',
        `the stack name pattern '${pattern}' needs '${token}', but the stack manifest '${input.manifestName}' does not define vars.${token}`,
        { file: input.manifestFile },
        `set vars.${token} in this manifest (or in a file it imports), or exclude the file from stacks.included_paths if it is not a stack`);
    }
    return String(value);
  });
}

export interface WorkspaceInput {
  workspacesEnabled: boolean;
  stack: string;
  atmosComponent: string;
  metadata: PlainMap;
  componentSection: PlainMap;
  manifestFile: string;
  delimiters: [string, string];
}

export function terraformWorkspace(input: WorkspaceInput): string {
  if (!input.workspacesEnabled) return 'default';
  const { metadata } = input;
  let workspace: string;
  if (typeof metadata.terraform_workspace_template === 'string' && metadata.terraform_workspace_template !== '') {
    workspace = renderNameTemplate(metadata.terraform_workspace_template, input.componentSection,
      { manifestFile: input.manifestFile, delimiters: input.delimiters }, 'metadata.terraform_workspace_template');
  } else if (typeof metadata.terraform_workspace_pattern === 'string' && metadata.terraform_workspace_pattern !== '') {
    workspace = replaceContextTokens(metadata.terraform_workspace_pattern, asMap(input.componentSection.vars), input);
  } else if (typeof metadata.terraform_workspace === 'string' && metadata.terraform_workspace !== '') {
    workspace = metadata.terraform_workspace;
  } else if (typeof metadata.component === 'string' && metadata.component !== '') {
    workspace = `${input.stack}-${input.atmosComponent}`;
  } else {
    workspace = input.stack;
  }
  return workspace.split('/').join('-');
}

/** `{tenant}-{component}` style patterns: unknown tokens stay as written, as in Atmos. */
function replaceContextTokens(pattern: string, vars: PlainMap, input: WorkspaceInput): string {
  const values: Record<string, unknown> = {
    ...Object.fromEntries(CONTEXT_TOKENS.map((token) => [token, vars[token]])),
    component: input.atmosComponent,
    'base-component': typeof input.metadata.component === 'string' ? input.metadata.component : input.atmosComponent,
  };
  return pattern.replace(/\{([a-z_-]+)\}/g, (whole, token: string) => {
    const value = values[token];
    return value === undefined || value === null ? whole : String(value);
  });
}

function renderNameTemplate(template: string, data: PlainMap, where: { manifestFile: string; delimiters: [string, string] }, setting: string): string {
  try {
    return renderTemplate(template, data, { missingKey: 'error', delimiters: where.delimiters, fileName: where.manifestFile });
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new AtmosUserError('STACK_NAME', `${setting} '${template}' failed for this manifest: ${error.message}`, { file: where.manifestFile },
        `define the values ${setting} uses in the manifest's vars, or fix the template`);
    }
    throw error;
  }
}
