/**
 * Stored plans through the real runner and the real terraform (terraform_data only, local
 * backend, a local/dir store, the key from an environment variable): plan stores an encrypted
 * bundle; apply applies exactly it once; every refusal (already applied, stale, state moved,
 * verification failed, no plan) is one line that says what to run. Cross-machine hand-off over
 * S3 is e2e/planfiles.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { userRejection as refusal } from '../testing/user-errors';
import { resolveStacks } from '../stacks/engine';
import { runInstanceCommand, type InstanceRunRequest } from '../terraform/run';
import type { InstanceCommand } from '../terraform/arguments';

jest.setTimeout(120_000);

const KEY = randomBytes(32).toString('base64');
const SECRET = 'Pw-' + randomBytes(6).toString('hex');
const roots: string[] = [];
afterAll(() => process.env.KEEP_SPEC || roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function workspace(planfiles: string | undefined): string {
  const ws = mkdtempSync(join(tmpdir(), 'atmos-planfiles-'));
  roots.push(ws);
  const files: Record<string, string> = {
    'atmos.yaml': `base_path: ""\ncomponents:\n  terraform:\n    base_path: components/terraform\n    auto_generate_backend_file: true\n${planfiles ?? ''}stacks:\n  base_path: stacks\n  included_paths: ["*.yaml"]\n  name_pattern: "{stage}"\n`,
    'components/terraform/app/main.tf': 'variable "size" { type = number }\nvariable "password" { type = string }\nresource "terraform_data" "app" { input = { size = var.size, password = var.password } }\noutput "size" { value = var.size }\n',
    'stacks/dev.yaml': `vars: {stage: dev}\ncomponents:\n  terraform:\n    app:\n      vars: {size: 1, password: ${SECRET}}\n`,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(ws, path, '..'), { recursive: true });
    writeFileSync(join(ws, path), content);
  }
  return ws;
}

const STORE = `    planfiles:\n      stores:\n        local: {type: local/dir}\n      encryption: {key_env: TEST_PLANFILES_KEY}\n`;

async function run(ws: string, command: InstanceCommand, extra: Partial<InstanceRunRequest> = {}): Promise<{ ok: boolean; log: string }> {
  const env = { ...process.env, TEST_PLANFILES_KEY: KEY, CI: undefined, TF_IN_AUTOMATION: '1' };
  const config = loadAtmosConfig({ cwd: ws, env });
  const instance = resolveStacks(config, { env }).instances.find((i) => i.component === 'app')!;
  const lines: string[] = [];
  const result = await runInstanceCommand({ workspaceRoot: ws, config, instance, command, args: [], env, findInstance: () => undefined, projectName: 'app-dev', log: (l) => lines.push(l), ...extra });
  return { ok: result.success, log: lines.join('\n') };
}


const bundles = (ws: string) => readdirSync(join(ws, '.atmos/plans/dev/app')).filter((name) => name.endsWith('.tfplan.bundle'));
const stateFile = (ws: string) => join(ws, '.atmos/state/app/terraform.tfstate.d/dev/terraform.tfstate');
const setSize = (ws: string, size: number) => writeFileSync(join(ws, 'stacks/dev.yaml'), readFileSync(join(ws, 'stacks/dev.yaml'), 'utf8').replace(/size: \d+/, `size: ${size}`));

describe('stored plans (local/dir store, key from the environment)', () => {
  const ws = workspace(STORE);

  it('plan stores one encrypted, 0600 bundle named by the inputs fingerprint, and writes a summary', async () => {
    const planned = await run(ws, 'plan');
    expect(planned.ok).toBe(true);
    expect(planned.log).toMatch(/stored the plan of 'app' in stack 'dev' \(1 to add, 0 to change, 0 to destroy\) as .*\.atmos\/plans\/dev\/app\/[0-9a-f]{64}\.tfplan\.bundle, encrypted/);
    const [bundle] = bundles(ws);
    const path = join(ws, '.atmos/plans/dev/app', bundle);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ format: 'atmos-nx-plan-bundle', stack: 'dev', component: 'app' });
    const summary = readFileSync(join(ws, '.atmos/plans/summaries/dev.app.md'), 'utf8');
    expect(summary).toContain('| `terraform_data.app` | create |');
    expect(summary).not.toContain(SECRET);
  });

  it('apply applies exactly the stored plan, once; again it is refused, and as a dependency it is a no-op', async () => {
    const applied = await run(ws, 'apply');
    expect(applied.log).toMatch(/applying the stored plan .*\(1 to add, 0 to change, 0 to destroy/);
    expect(applied.ok).toBe(true);
    expect(JSON.parse(readFileSync(stateFile(ws), 'utf8')).resources).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(ws, '.atmos/plans/dev/app/applied.json'), 'utf8'))).toMatchObject({ version: 1, planId: expect.any(String) });

    const again = await refusal(run(ws, 'apply'));
    expect(again.message).toMatch(/^the stored plan .* of 'app' in stack 'dev' was already applied \(.*\); a plan is applied once$/);
    expect(again.hint).toContain('nx run app-dev:plan');
    const dependency = await run(ws, 'apply', { asDependency: true });
    expect(dependency.ok).toBe(true);
    expect(dependency.log).toContain('already applied');
  });

  it('a changed input makes the stored plan stale', async () => {
    setSize(ws, 2);
    const stale = await refusal(run(ws, 'apply'));
    expect(stale.message).toMatch(/^the stored plan .* of 'app' in stack 'dev' is stale: it was made from other inputs \(fingerprint [0-9a-f]{12}, this checkout [0-9a-f]{12}\)$/);
    expect(stale.hint).toContain('run nx run app-dev:plan');
  });

  it('a state that moved since the plan is refused', async () => {
    expect((await run(ws, 'plan')).ok).toBe(true);
    const state = JSON.parse(readFileSync(stateFile(ws), 'utf8'));
    writeFileSync(stateFile(ws), JSON.stringify({ ...state, serial: state.serial + 1 }));
    const moved = await refusal(run(ws, 'apply'));
    expect(moved.message).toMatch(/^the state of 'app' in stack 'dev' moved since the stored plan .* was made \(then serial \d+, lineage [\w-]+, now serial \d+, lineage [\w-]+\)$/);
  });

  it('verify: fail re-plans and refuses a plan that no longer does what was reviewed; a matching one is applied', async () => {
    expect((await run(ws, 'plan')).ok).toBe(true);
    // Same serial and lineage, but the resource is gone from the state: a fresh plan creates it, the reviewed one updates it.
    const state = JSON.parse(readFileSync(stateFile(ws), 'utf8'));
    writeFileSync(stateFile(ws), JSON.stringify({ ...state, resources: [] }));
    const differs = await refusal(run(ws, 'apply', { verifyPlan: true }));
    expect(differs.message).toMatch(/^a fresh plan of 'app' in stack 'dev' differs from the stored plan .*: terraform_data\.app: reviewed update, now create$/);
    writeFileSync(stateFile(ws), JSON.stringify(state));
    const verified = await run(ws, 'apply', { verifyPlan: true });
    expect(verified.log).toContain('verified: a fresh plan of \'app\' in stack \'dev\' does what the stored plan');
    expect(verified.ok).toBe(true);
    expect(existsSync(join(ws, '.atmos/work/dev/app/components/terraform/app/dev-app.planfile.verify'))).toBe(false);
  });

  it('no stored plan: unchanged since the last apply is a no-op; changed inputs are refused with what to run', async () => {
    for (const name of bundles(ws)) rmSync(join(ws, '.atmos/plans/dev/app', name));
    const noop = await run(ws, 'apply');
    expect(noop.ok).toBe(true);
    expect(noop.log).toContain('was last applied with exactly them');
    setSize(ws, 3);
    const none = await refusal(run(ws, 'apply'));
    expect(none.message).toBe("there is no stored plan of 'app' in stack 'dev' for its current inputs, and they changed since its last apply");
    expect(none.hint).toContain('--autoApprove');
    expect((await run(ws, 'apply', { autoApprove: true })).ok).toBe(true);
    expect((await run(ws, 'apply')).log).toContain('nothing to apply');
  });

  it('a stored plan overtaken by a later apply of the same inputs counts as applied', async () => {
    setSize(ws, 4);
    expect((await run(ws, 'plan')).ok).toBe(true);
    expect((await run(ws, 'deploy')).ok).toBe(true);
    const overtaken = await refusal(run(ws, 'apply'));
    expect(overtaken.message).toMatch(/^the stored plan .* of 'app' in stack 'dev' was overtaken: these inputs were applied without it \(.*\) after it was made$/);
    expect((await run(ws, 'apply', { asDependency: true })).log).toContain('its inputs were applied');
  });
});

describe('--verify-plan without planfile storage', () => {
  it('is an error on deploy and apply, never a silent no-op', async () => {
    const ws = workspace(undefined);
    for (const command of ['deploy', 'apply'] as const) {
      const error = await refusal(run(ws, command, { verifyPlan: true }));
      expect(error.message).toBe('--verify-plan needs stored plans, and atmos.yaml configures none (components.terraform.planfiles)');
    }
    expect(existsSync(join(ws, '.atmos/state/app/terraform.tfstate.d/dev/terraform.tfstate'))).toBe(false);
  });
});
