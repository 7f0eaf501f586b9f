/**
 * The graph is never stale: every input the static phase reads is part of the graph cache key
 * (in memory, in a plugin worker that lives on, and on disk, in a fresh worker), and the same
 * inputs are Nx inputs of exactly the instances they affect. Each kind is changed and the graph
 * must follow: an environment variable a template consults, a file `!include`d from outside
 * stacks/, atmos.yaml, the plugin options.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_ATMOS_YAML, removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import type { GraphModel } from './graph-model';

afterAll(removeFixtures);

type GraphModelFn = (root: string, options?: { projectName?: string }) => GraphModel;

/** The plugin module as a fresh plugin worker loads it (nothing in memory), or the one already loaded. */
function freshWorker(): GraphModelFn {
  let fn: GraphModelFn | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fn = (require('./plugin') as { graphModel: GraphModelFn }).graphModel;
  });
  return fn!;
}
const longLivedWorker = freshWorker();

const names = (model: GraphModel) => model.projects.map((p) => p.name).sort();
const project = (model: GraphModel, name: string) => {
  const found = model.projects.find((p) => p.name === name);
  if (!found) throw new Error(`no project ${name} in ${names(model).join(', ')}`);
  return found;
};
const envInputs = (model: GraphModel, name: string) => project(model, name).inputs.filter((i) => typeof i !== 'string');

function workspace(): string {
  return writeWorkspace({
    'components/terraform/vpc/main.tf': 'variable "x" {\n  default = 1\n}\n',
    'shared/stage.yaml': 'dev\n',
    // namespace (a tag) from an environment variable through a section template; stage from a file outside stacks/.
    'stacks/orgs/dev.yaml': 'vars:\n  namespace: \'{{ env "ATMOS_SPEC_TENANT" }}\'\n  tenant: acme\n  environment: ue1\n  stage: !include ../../shared/stage.yaml\ncomponents:\n  terraform:\n    vpc:\n      vars: {}\n',
    'stacks/orgs/prod.yaml': 'vars:\n  tenant: plat\n  environment: ue1\n  stage: prod\ncomponents:\n  terraform:\n    vpc:\n      vars: {}\n',
  });
}

describe('the disk cache', () => {
  it('a damaged file under the right key (another shape of value) is recomputed, not a crash on every command', () => {
    const root = workspace();
    process.env.ATMOS_SPEC_TENANT = 'acme';
    const expected = names(freshWorker()(root));
    const file = join(root, '.nx/workspace-data/atmos-graph.json');
    const { key } = JSON.parse(readFileSync(file, 'utf8')) as { key: string };
    for (const value of [{}, { model: { projects: [] }, watched: { files: {}, folders: {}, env: {} } }, { model: null, watched: [] }]) {
      writeFileSync(file, JSON.stringify({ key, value }));
      expect(names(freshWorker()(root))).toEqual(expected);
    }
    delete process.env.ATMOS_SPEC_TENANT;
  });
});

describe('the graph cache key covers every input of the static phase', () => {
  const saved = process.env.ATMOS_SPEC_TENANT;
  afterEach(() => {
    if (saved === undefined) delete process.env.ATMOS_SPEC_TENANT;
    else process.env.ATMOS_SPEC_TENANT = saved;
  });

  it('an environment variable a template reads: the graph follows, in a long-lived and in a fresh worker; only its instances get it as an input', () => {
    const root = workspace();
    const namespace = (model: GraphModel) => project(model, 'vpc-acme-ue1-dev').tags.find((t) => t.startsWith('namespace:'));
    process.env.ATMOS_SPEC_TENANT = 'blue';
    expect(namespace(longLivedWorker(root))).toBe('namespace:blue');
    process.env.ATMOS_SPEC_TENANT = 'green';
    expect(namespace(longLivedWorker(root))).toBe('namespace:green');
    // A fresh worker finds the disk cache written under the other value: it must not use it.
    process.env.ATMOS_SPEC_TENANT = 'blue';
    const model = freshWorker()(root);
    expect(namespace(model)).toBe('namespace:blue');
    expect(envInputs(model, 'vpc-acme-ue1-dev')).toEqual([{ env: 'ATMOS_SPEC_TENANT' }]);
    expect(envInputs(model, 'vpc-plat-ue1-prod')).toEqual([]);
  });

  it('a file !included from outside stacks/: the graph follows, and the file is an input of its stack only', () => {
    const root = workspace();
    process.env.ATMOS_SPEC_TENANT = 'acme';
    expect(names(longLivedWorker(root))).toContain('vpc-acme-ue1-dev');
    writeFileSync(join(root, 'shared/stage.yaml'), 'qa\n');
    expect(names(longLivedWorker(root))).toEqual(['vpc-acme-ue1-qa', 'vpc-plat-ue1-prod']);
    writeFileSync(join(root, 'shared/stage.yaml'), 'test\n');
    const model = freshWorker()(root);
    expect(names(model)).toEqual(['vpc-acme-ue1-test', 'vpc-plat-ue1-prod']);
    const sharedOf = (name: string) => model.sharedInputs[project(model, name).sharedInput!];
    expect(sharedOf('vpc-acme-ue1-test')).toContain('{workspaceRoot}/shared/stage.yaml');
    expect(sharedOf('vpc-plat-ue1-prod')).not.toContain('{workspaceRoot}/shared/stage.yaml');
  });

  it('atmos.yaml: a stack name template reading the environment makes the variable an input of every instance', () => {
    const root = workspace();
    process.env.ATMOS_SPEC_TENANT = 'acme';
    expect(names(longLivedWorker(root))).toEqual(['vpc-acme-ue1-dev', 'vpc-plat-ue1-prod']);
    const nameTemplate = `name_template: '{{ .vars.stage }}-{{ env "ATMOS_SPEC_REGION" }}'`;
    writeFileSync(join(root, 'atmos.yaml'), FIXTURE_ATMOS_YAML.replace('name_pattern: "{tenant}-{environment}-{stage}"', nameTemplate));
    process.env.ATMOS_SPEC_REGION = 'use1';
    try {
      const model = longLivedWorker(root);
      expect(names(model)).toEqual(['vpc-dev-use1', 'vpc-prod-use1']);
      for (const name of names(model)) expect(envInputs(model, name)).toContainEqual({ env: 'ATMOS_SPEC_REGION' });
      process.env.ATMOS_SPEC_REGION = 'usw2';
      expect(names(freshWorker()(root))).toEqual(['vpc-dev-usw2', 'vpc-prod-usw2']);
    } finally {
      delete process.env.ATMOS_SPEC_REGION;
    }
  });

  it('config imports (import: and .atmos.d/): the graph follows an edit, and each file is an input of every instance', () => {
    const root = workspace();
    process.env.ATMOS_SPEC_TENANT = 'acme';
    const withoutPattern = FIXTURE_ATMOS_YAML.replace('name_pattern: "{tenant}-{environment}-{stage}"', '');
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'atmos.yaml'), `import: ["config/naming"]\n${withoutPattern}`);
    writeFileSync(join(root, 'config/naming.yaml'), 'stacks: {name_pattern: "{stage}"}\n');
    expect(names(longLivedWorker(root))).toEqual(['vpc-dev', 'vpc-prod']);
    writeFileSync(join(root, 'config/naming.yaml'), 'stacks: {name_pattern: "{environment}-{stage}"}\n');
    expect(names(longLivedWorker(root))).toEqual(['vpc-ue1-dev', 'vpc-ue1-prod']);
    // A file added to .atmos.d (under atmos.yaml, over nothing it sets) is read by a fresh worker too.
    mkdirSync(join(root, '.atmos.d'), { recursive: true });
    writeFileSync(join(root, '.atmos.d/projects.yaml'), 'stacks: {name_pattern: "{tenant}"}\n');
    const model = freshWorker()(root);
    expect(names(model)).toEqual(['vpc-ue1-dev', 'vpc-ue1-prod']); // the import wins over .atmos.d
    for (const name of names(model)) {
      expect(model.sharedInputs[project(model, name).sharedInput!]).toEqual(expect.arrayContaining(['{workspaceRoot}/config/naming.yaml', '{workspaceRoot}/.atmos.d/projects.yaml']));
    }
    rmSync(join(root, 'config/naming.yaml'));
    expect(names(longLivedWorker(root))).toEqual(['vpc-acme', 'vpc-plat']);
  });

  it('the plugin options: the graph follows', () => {
    const root = workspace();
    process.env.ATMOS_SPEC_TENANT = 'acme';
    expect(names(longLivedWorker(root, { projectName: '{stack}--{component}' }))).toEqual(['acme-ue1-dev--vpc', 'plat-ue1-prod--vpc']);
    expect(names(longLivedWorker(root, { projectName: '{component}.{stage}' }))).toEqual(['vpc.dev', 'vpc.prod']);
    expect(names(freshWorker()(root))).toEqual(['vpc-acme-ue1-dev', 'vpc-plat-ue1-prod']);
  });

  it('a stack manifest added or removed: the graph follows', () => {
    const root = workspace();
    process.env.ATMOS_SPEC_TENANT = 'acme';
    expect(names(longLivedWorker(root))).toHaveLength(2);
    rmSync(join(root, 'stacks/orgs/prod.yaml'));
    expect(names(longLivedWorker(root))).toEqual(['vpc-acme-ue1-dev']);
  });
});

describe('inferred edges', () => {
  type Plugin = typeof import('./plugin');
  const DEV = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\ncomponents:\n  terraform:\n    vpc:\n      vars: {}\n    app:\n      vars:\n        vpc_id: !terraform.output vpc vpc_id\n';

  it('are the projects\' implicitDependencies (no createDependencies: Nx would send every project to the worker again for them)', async () => {
    const root = writeWorkspace({
      'components/terraform/vpc/main.tf': 'output "vpc_id" {\n  value = "v"\n}\n',
      'components/terraform/app/main.tf': 'variable "vpc_id" {\n  type = string\n}\n',
      'stacks/orgs/dev.yaml': DEV,
    });
    let plugin: Plugin | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      plugin = require('./plugin') as Plugin;
    });
    expect('createDependencies' in plugin!).toBe(false);
    const context = { workspaceRoot: root, nxJsonConfiguration: {} } as Parameters<Plugin['createNodes'][1]>[2];
    const nodes = await plugin!.createNodes[1](['atmos.yaml'], undefined, context);
    const projects = Object.fromEntries(Object.values(nodes[0][1].projects ?? {}).map((p) => [p.name!, p]));
    expect(Object.keys(projects).sort()).toEqual(['app-acme-ue1-dev', 'atmos', 'vpc-acme-ue1-dev']);
    expect(projects['app-acme-ue1-dev'].implicitDependencies).toEqual(['vpc-acme-ue1-dev']);
    expect(projects['vpc-acme-ue1-dev'].implicitDependencies).toBeUndefined();
  });
});
