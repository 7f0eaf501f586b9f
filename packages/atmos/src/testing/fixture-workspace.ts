/**
 * Small throw-away workspaces for unit tests: one fixture per rule, written inline so the rule
 * and its expectation sit side by side.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { describeInstance } from '../stacks/describe';
import { resolveStacks, type ResolveOptions, type ResolvedStacks } from '../stacks/engine';
import { toPlain } from '../cli/output';

const created: string[] = [];

/** Default atmos.yaml for fixtures: stacks/ with every manifest under `orgs/` a stack. */
export const FIXTURE_ATMOS_YAML = `
base_path: ""
components:
  terraform:
    base_path: components/terraform
stacks:
  base_path: stacks
  included_paths: ["orgs/**/*"]
  excluded_paths: ["**/_defaults.yaml"]
  name_pattern: "{tenant}-{environment}-{stage}"
templates:
  settings:
    enabled: true
`;

export function writeWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'atmos-fixture-'));
  created.push(root);
  const all = { 'atmos.yaml': FIXTURE_ATMOS_YAML, ...files };
  for (const [path, content] of Object.entries(all)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

export function resolveFixture(files: Record<string, string>, options: ResolveOptions = {}): ResolvedStacks & { root: string } {
  const root = writeWorkspace(files);
  const config = loadAtmosConfig({ cwd: root, env: {} });
  return { ...resolveStacks(config, { env: {}, ...options }), root };
}

/** The describe-component output (plain JSON values) of one instance of a fixture. */
export function describeFixture(files: Record<string, string>, component: string, stack: string, options: ResolveOptions = {}): Record<string, unknown> {
  const resolved = resolveFixture(files, options);
  // The runnable instances first, then those described only (other component types).
  const all = [...resolved.instances, ...resolved.describedOnly];
  const instance = all.find((i) => i.component === component && i.stack === stack);
  if (!instance) {
    throw new Error(`no ${component} in ${stack}; have: ${all.map((i) => `${i.component}@${i.stack}`).join(', ')}`);
  }
  return toPlain(describeInstance(instance, resolved.describeContext)) as Record<string, unknown>;
}

export function removeFixtures(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}
