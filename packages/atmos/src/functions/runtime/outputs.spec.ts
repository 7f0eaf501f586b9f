/**
 * DependencyOutputs: outputs of other instances straight from their state, once per dependency;
 * mock outputs for plans of never-applied dependencies (logged), never for apply; sensitive
 * outputs collected as secrets.
 */
import { AtmosUserError } from '../../errors/user-error';
import type { ComponentInstance } from '../../stacks/types';
import type { TerraformState } from '../../terraform/state';
import { removeFixtures, resolveFixture } from '../../testing/fixture-workspace';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRunValues } from '../../terraform/run-values';
import { DependencyOutputs, collectSecrets, outputValue } from './outputs';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/plat/ue1/dev.yaml';
const resolved = () => resolveFixture({
  [DEV]: 'vars:\n  tenant: plat\n  environment: ue1\n  stage: dev\ncomponents:\n  terraform:\n    vpc: {}\n    dns: {}\n    app:\n      settings:\n' +
    '        mock_outputs:\n          vpc:\n            vpc_id: vpc-mock\n            private_subnet_ids: [m-a, m-b]\n          dns: {}\n',
});

function make(states: Record<string, TerraformState | undefined | Error>, allowMocks: boolean) {
  const { instances } = resolved();
  const consumer = instances.find((i) => i.component === 'app') as ComponentInstance;
  const reads: string[] = [];
  const logs: string[] = [];
  const secrets = new Set<string>();
  const outputs = new DependencyOutputs({
    findInstance: (component, stack) => instances.find((i) => i.component === component && i.stack === stack),
    readState: async (instance) => {
      reads.push(instance.component);
      const value = states[instance.component];
      if (value instanceof Error) throw value;
      return value;
    },
  }, consumer, allowMocks, secrets, (line) => logs.push(line));
  return { outputs, reads, logs, secrets };
}

const applied: TerraformState = {
  resources: [{ mode: 'managed', type: 'terraform_data', name: 'x', instances: [{}] }],
  outputs: { vpc_id: { value: 'vpc-1' }, password: { value: 'pw-1', sensitive: true } },
};
const STACK = 'plat-ue1-dev';

async function rejection(promise: Promise<unknown>): Promise<AtmosUserError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof AtmosUserError)) throw new Error(`expected an AtmosUserError, got ${String(error)}`);
  return error;
}

it('reads each dependency once however often it is requested', async () => {
  const { outputs, reads, secrets } = make({ vpc: applied }, false);
  await outputs.prefetch([{ component: 'vpc', stack: STACK }, { component: 'vpc', stack: STACK }]);
  await outputs.prefetch([{ component: 'vpc', stack: STACK }]);
  expect(reads).toEqual(['vpc']);
  expect(outputs.get('vpc', STACK)).toEqual({ vpc_id: 'vpc-1', password: 'pw-1' });
  expect(secrets).toEqual(new Set(['pw-1']));
});

it('get() of something not prefetched is a programming error', () => {
  const { outputs } = make({}, false);
  expect(() => outputs.get('vpc', STACK)).toThrow('outputs of vpc in plat-ue1-dev were not prefetched');
});

it('applied state with resources but no outputs gives an empty map', async () => {
  const { outputs } = make({ dns: { resources: applied.resources, outputs: {} } }, false);
  await outputs.prefetch([{ component: 'dns', stack: STACK }]);
  expect(outputs.get('dns', STACK)).toEqual({});
});

it('a missing dependency is COMPONENT_NOT_FOUND at the reference', async () => {
  const { outputs } = make({}, true);
  const error = await rejection(outputs.prefetch([{ component: 'nope', stack: STACK, location: { file: '/x.yaml', line: 4 } }]));
  expect(error.code).toBe('COMPONENT_NOT_FOUND');
  expect(error.location).toEqual({ file: '/x.yaml', line: 4 });
});

it('state read errors are not mistaken for "never applied"', async () => {
  const { outputs } = make({ vpc: new Error('AccessDenied') }, true);
  await expect(outputs.prefetch([{ component: 'vpc', stack: STACK }])).rejects.toThrow('AccessDenied');
});

describe('never applied', () => {
  it('plans use the consumer mock_outputs and log it', async () => {
    const { outputs, logs } = make({ vpc: undefined }, true);
    await outputs.prefetch([{ component: 'vpc', stack: STACK }]);
    expect(outputs.get('vpc', STACK)).toEqual({ vpc_id: 'vpc-mock', private_subnet_ids: ['m-a', 'm-b'] });
    expect(logs).toEqual([`note: vpc in ${STACK} has never been applied; using settings.mock_outputs.vpc of app for this plan`]);
  });

  it('apply refuses, even with mocks', async () => {
    const { outputs, logs } = make({ vpc: undefined }, false);
    const error = await rejection(outputs.prefetch([{ component: 'vpc', stack: STACK, location: { file: '/m.yaml', line: 9 } }]));
    expect(error.message).toBe(`component 'vpc' in stack '${STACK}' has never been applied, so its outputs do not exist yet`);
    expect(error.hint).toBe('apply it first (apply never uses mock outputs)');
    expect(error.location).toEqual({ file: '/m.yaml', line: 9 });
    expect(logs).toEqual([]);
  });

  it('empty mocks do not count', async () => {
    const { outputs } = make({ dns: undefined }, true);
    const error = await rejection(outputs.prefetch([{ component: 'dns', stack: STACK }]));
    expect(error.hint).toContain("declare settings.mock_outputs.dns on 'app'");
  });
});

describe('collectSecrets', () => {
  it('collects every string, number and boolean leaf, and the JSON of maps', () => {
    const into = new Set<string>();
    collectSecrets({ a: 'x-secret', b: [12345, true, null, ''], c: { d: 'nested' } }, into);
    expect([...into].sort()).toEqual(['12345', JSON.stringify({ d: 'nested' }), JSON.stringify({ a: 'x-secret', b: [12345, true, null, ''], c: { d: 'nested' } }), 'nested', 'true', 'x-secret'].sort());
  });
});

describe('outputValue', () => {
  it('returns the named output, or names what is missing and what exists', () => {
    expect(outputValue({ a: [1] }, 'a', 'vpc', STACK)).toEqual([1]);
    expect(outputValue({ a: null }, 'a', 'vpc', STACK)).toBeNull();
    let error: AtmosUserError | undefined;
    try {
      outputValue({ b: 1, a: 2 }, 'c', 'vpc', STACK, { file: '/f.yaml' });
    } catch (e) {
      error = e as AtmosUserError;
    }
    expect(error?.message).toBe(`component 'vpc' in stack '${STACK}' has no output 'c'`);
    expect(error?.hint).toBe('its outputs are: a, b');
    expect(error?.location).toEqual({ file: '/f.yaml' });
  });

  it('an inherited property is not an output', () => {
    expect(() => outputValue({}, 'constructor', 'vpc', STACK)).toThrow("has no output 'constructor'");
    expect(() => outputValue({}, 'toString', 'vpc', STACK)).toThrow("has no output 'toString'");
  });
});

describe('resolveRunValues (the executors\' entry) with state read from a local backend file', () => {
  it('reads the dependency state file, evaluates vars and env, returns the secrets', async () => {
    const fixture = resolveFixture({
      'atmos.yaml': 'base_path: ""\ncomponents:\n  terraform:\n    base_path: components/terraform\nstacks:\n  base_path: stacks\n  included_paths: ["orgs/**/*"]\n  name_pattern: "{stage}"\n',
      'stacks/orgs/dev.yaml': 'vars:\n  stage: dev\ncomponents:\n  terraform:\n    vpc: {}\n    app:\n      env:\n        VPC: ${{ output.vpc.vpc_id }}\n        COUNT: 3\n        DROPPED: null\n' +
        '      vars:\n        ids: ${{ output.vpc.ids }}\n        pw: !terraform.output vpc pw\n',
    });
    const vpc = fixture.instances.find((i) => i.component === 'vpc')!;
    const app = fixture.instances.find((i) => i.component === 'app')!;
    // No backend configured: state lives in .atmos/state/<component>/terraform.tfstate.d/<workspace>/.
    const dir = join(fixture.root, '.atmos', 'state', 'vpc', 'terraform.tfstate.d', vpc.workspace);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify({
      version: 4, resources: [{ mode: 'managed', type: 'terraform_data', name: 'x', instances: [{}] }],
      outputs: { vpc_id: { value: 'vpc-local', type: 'string' }, ids: { value: ['a', 'b'], type: ['list', 'string'] }, pw: { value: 'local-pw', type: 'string', sensitive: true } },
    }));
    const logs: string[] = [];
    const values = await resolveRunValues(app, {
      workspaceRoot: fixture.root, config: fixture.config, command: 'plan', env: {},
      findInstance: (component, stack) => fixture.instances.find((i) => i.component === component && i.stack === stack),
      log: (line) => logs.push(line),
    });
    expect(values.vars).toMatchObject({ ids: ['a', 'b'], pw: 'local-pw' });
    expect(values.env).toEqual({ VPC: 'vpc-local', COUNT: '3' });
    expect(values.secrets).toEqual(['local-pw']);
    expect(logs).toEqual([]);
  });
});

// Atmos v1.226.1 internal/exec/yaml_func_resolution_context.go: reading an instance's own state
// describes it again and reaches the same function: "circular dependency detected".
it('an instance reading its own outputs is a cycle, not a never-applied dependency (no state read)', async () => {
  const { outputs, reads } = make({ app: undefined }, true);
  const error = await rejection(outputs.prefetch([{ component: 'app', stack: STACK, reference: '!terraform.state app .id' }]));
  expect(error.message).toBe(`circular dependency detected: app (stack ${STACK}) -> app (stack ${STACK}) (!terraform.state app .id): component 'app' in stack '${STACK}' reads its own outputs`);
  expect(reads).toEqual([]);
});
