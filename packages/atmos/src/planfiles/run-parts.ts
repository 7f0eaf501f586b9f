/**
 * What the instance runner (src/terraform/run.ts) hands the stored-plan steps: the instance, its
 * generated files, a way to run terraform in its workdir, and the runner's own plan and apply
 * steps, so the stored-plan code adds rules around them instead of copying them.
 */
import type { AtmosConfig } from '../config/types';
import type { ComponentInstance } from '../stacks/types';
import type { GeneratedFiles } from '../terraform/files';
import type { TerraformResult } from '../terraform/process';
import type { CommandLine } from '../terraform/arguments';
import type { Workdir } from '../terraform/workdir';

export interface PlanfileRun {
  workspaceRoot: string;
  config: AtmosConfig;
  instance: ComponentInstance;
  projectName?: string;
  env: Record<string, string | undefined>;
  files: GeneratedFiles;
  workdir: Workdir;
  commandLine: CommandLine;
  /** The user's extra terraform arguments. */
  args: string[];
  autoApprove: boolean;
  /** `--verify-plan` (true), `--verify-plan=false` (false), or not given. */
  verifyPlan?: boolean;
  /** Nx runs this task because another task of the run depends on it (`^apply`). */
  asDependency: boolean;
  lockArgs: string[];
  tf(args: string[], captureStdout?: boolean): Promise<TerraformResult>;
  log(line: string): void;
  mask(text: string): string;
  /** terraform plan -out into `files.planfile` (the runner's plan step). */
  plan(extra: string[]): Promise<TerraformResult>;
  /** Applies `files.planfile`; on success removes it and records the apply locally. */
  applyPlanfile(extra: string[]): Promise<TerraformResult>;
  /** The runner's apply without stored plans: a current local plan, --auto-approve, or a refusal. */
  applyWithoutStore(): Promise<TerraformResult>;
  /** The fingerprint the last local apply of this workdir recorded. */
  locallyAppliedFingerprint(): string | undefined;
  /** A local plan file made from exactly these inputs exists. */
  localPlanIsCurrent(): boolean;
}
