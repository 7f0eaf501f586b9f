/**
 * The `workspace` `describe stacks` prints, which in Atmos v1.226.1 is not always the workspace
 * terraform runs in. describe stacks (internal/exec/describe_stacks_component_processor.go)
 * calls BuildTerraformWorkspace with the context resolveStackName returns: the vars when the stack
 * is named by stacks.name_pattern, nothing otherwise, and never the component or its base
 * component. So a component whose folder comes from `metadata.component` is printed with the stack
 * name as its workspace (`atmos describe component` and terraform use `<stack>-<component>`), and
 * `{component}` / `{base-component}` in `metadata.terraform_workspace_pattern` are empty there.
 * A template or an explicit `metadata.terraform_workspace` gives the same answer in both.
 */
import { replaceContextTokens } from './naming';
import type { ComponentInstance } from './types';

export interface DescribeStacksNaming {
  workspacesEnabled: boolean;
  /** Stacks named by `stacks.name_pattern` (not by a manifest `name:` or name_template): their vars are the context. */
  namedByPattern: (stack: string) => boolean;
}

export function describeStacksWorkspace(instance: ComponentInstance, naming: DescribeStacksNaming): string {
  const { metadata } = instance.sections;
  if (!naming.workspacesEnabled || instance.sections.backendType === 'http') return 'default';
  const nonEmpty = (value: unknown) => typeof value === 'string' && value !== '';
  if (nonEmpty(metadata.terraform_workspace_template) || (!nonEmpty(metadata.terraform_workspace_pattern) && nonEmpty(metadata.terraform_workspace))) return instance.workspace;
  const workspace = nonEmpty(metadata.terraform_workspace_pattern)
    ? replaceContextTokens(metadata.terraform_workspace_pattern as string, { vars: naming.namedByPattern(instance.stack) ? instance.sections.vars : undefined, component: '', baseComponent: '' })
    : instance.stack;
  return workspace.replaceAll('/', '-');
}
