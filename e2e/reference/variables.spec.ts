/**
 * Every literal value the reference stacks give a component passes that component's own type
 * constraints and `validation` blocks — evaluated by the real terraform, offline. Each deployed
 * instance becomes a module call of a provider-free copy of its component's variables (JSON
 * syntax, from HashiCorp's parser), and `terraform plan` of the whole set runs every type
 * conversion and validation rule as `terraform plan` of the real component would, before any
 * provider is needed. Values known only at run time (YAML functions, `${{ }}`) are left out.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAtmosConfig } from '../../packages/atmos/src/config/load';
import { expressionText, namedBlocks, readTerraformComponent, type TerraformComponent } from '../../packages/atmos/src/hcl';
import { resolveStacks } from '../../packages/atmos/src/stacks/engine';
import type { ComponentInstance } from '../../packages/atmos/src/stacks/types';
import { YamlFunction, isPlainMap } from '../../packages/atmos/src/stacks/values';
import { runTerraform } from '../harness/terraform';
import { formatRunResult } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');

/** A value (or one inside it) known only at run time. */
function isRuntime(value: unknown): boolean {
  if (value instanceof YamlFunction) return true;
  if (typeof value === 'string') return value.includes('${{') || value.includes('{{');
  if (Array.isArray(value)) return value.some(isRuntime);
  if (isPlainMap(value)) return Object.values(value).some(isRuntime);
  return false;
}

/** In Terraform's JSON syntax every string is a template: keep `${` and `%{` literal. */
function literal(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  if (Array.isArray(value)) return value.map(literal);
  if (isPlainMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]));
  return value;
}

/** The component's variable blocks in JSON syntax; run-time ones keep their type only (no validation, default null). */
function variablesJson(component: TerraformComponent, runtime: Set<string>): object {
  const variables: Record<string, object> = {};
  for (const body of component.bodies.values()) {
    for (const [name, block] of namedBlocks(body, 'variable')) {
      const type = block.type === undefined ? undefined : expressionText(block.type) ?? String(block.type);
      const declared: Record<string, unknown> = {};
      if (type !== undefined) declared.type = type;
      if (runtime.has(name)) {
        declared.default = null;
      } else {
        for (const key of ['default', 'nullable', 'validation'] as const) if (key in block) declared[key] = block[key];
      }
      variables[name] = declared;
    }
  }
  return { variable: variables };
}

interface Workspace {
  dir: string;
  calls: Record<string, Record<string, unknown>>;
}

function addInstance(ws: Workspace, instance: ComponentInstance, component: TerraformComponent, vars = instance.sections.vars): void {
  const runtime = new Set(Object.entries(vars).filter(([, v]) => isRuntime(v)).map(([k]) => k));
  const name = `${instance.component}-${instance.stack}`.replace(/[^\w-]/g, '-');
  const moduleDir = path.join(ws.dir, 'instances', name);
  fs.mkdirSync(moduleDir, { recursive: true });
  fs.writeFileSync(path.join(moduleDir, 'variables.tf.json'), JSON.stringify(variablesJson(component, runtime), null, 1));
  const args: Record<string, unknown> = { source: `./instances/${name}` };
  for (const [key, value] of Object.entries(vars)) if (!runtime.has(key)) args[key] = literal(value);
  ws.calls[name] = args;
}

async function plan(ws: Workspace) {
  fs.writeFileSync(path.join(ws.dir, 'main.tf.json'), JSON.stringify({ module: ws.calls }, null, 1));
  const env = { TF_DATA_DIR: path.join(ws.dir, '.terraform'), TF_IN_AUTOMATION: '1' };
  const init = await runTerraform(['init', '-input=false', '-backend=false'], { cwd: ws.dir, env });
  if (init.exitCode !== 0) throw new Error(formatRunResult(init));
  return runTerraform(['plan', '-input=false', '-lock=false', '-no-color'], { cwd: ws.dir, env, timeoutMs: 240_000 });
}

const resolved = resolveStacks(loadAtmosConfig({ cwd: REPO, env: {} }), { env: {} });
const deployed = resolved.instances.filter((i) => !i.abstract && i.enabled);
const components = new Map<string, Promise<TerraformComponent>>();
const componentOf = (instance: ComponentInstance) => {
  let component = components.get(instance.componentPath);
  if (!component) components.set(instance.componentPath, (component = readTerraformComponent(instance.componentPath)));
  return component;
};

const workspaces: string[] = [];
const workspace = (): Workspace => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-reference-vars-'));
  workspaces.push(dir);
  return { dir, calls: {} };
};
afterAll(() => {
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

it('passes every type constraint and validation rule in every stack (terraform plan, no provider)', async () => {
  const ws = workspace();
  for (const instance of deployed) addInstance(ws, instance, await componentOf(instance));
  expect(Object.keys(ws.calls)).toHaveLength(deployed.length);
  const result = await plan(ws);
  if (result.exitCode !== 0) throw new Error(`a stack value fails its component's variable rules:\n${formatRunResult(result)}`);
  expect(result.stdout).toMatch(/No changes|no differences/);
});

it('fails, naming the rule, when a stack value breaks one', async () => {
  const ws = workspace();
  const vpc = deployed.find((i) => i.component === 'vpc' && i.stack === 'prod-use1')!;
  addInstance(ws, vpc, await componentOf(vpc), { ...vpc.sections.vars, availability_zone_count: 9 });
  const iam = deployed.find((i) => i.component === 'iam' && i.stack === 'dev-use1')!;
  addInstance(ws, iam, await componentOf(iam), { ...iam.sections.vars, developer_access: 'some' });
  const result = await plan(ws);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain('availability_zone_count must be between 2 and 4.');
  expect(result.stderr).toContain('developer_access must be full, limited or none.');
});
