import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { resolveStacks } from '../stacks/engine';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { buildGraphModel } from './graph-model';
import { normaliseOptions } from './options';
import { userError } from '../testing/user-errors';
import { userErrorsOf } from '../errors/user-error';

afterAll(removeFixtures);

/** The graph model of a workspace, with the default plugin options. */
const modelOf = (root: string) =>
  buildGraphModel({ workspaceRoot: root, resolved: resolveStacks(loadAtmosConfig({ cwd: root, env: {} }), { env: {} }), options: normaliseOptions(undefined) });

describe('an instance\'s folder inputs: its component and local modules as Terraform finds them', () => {
  it('a module a *.tf.json declares, a linked module and a linked component folder are inputs as written and as the folders they point at', () => {
    const root = writeWorkspace({
      'components/terraform/vpc/main.tf': 'module "l" {\n  source = "../modules/label-link"\n}\n',
      'components/terraform/vpc/more.tf.json': JSON.stringify({ module: { j: { source: '../modules/j (v2)' } } }),
      'components/terraform/modules/label/main.tf': '',
      'components/terraform/modules/j (v2)/main.tf': '',
      'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents: {terraform: {vpc: {}, vpc2: {metadata: {component: vpc-link}}}}\n',
    });
    symlinkSync('label', join(root, 'components/terraform/modules/label-link'));
    symlinkSync('vpc', join(root, 'components/terraform/vpc-link'));
    const model = modelOf(root);
    const folders = (name: string) => model.projects.find((p) => p.name === name)?.inputs.filter((i): i is string => typeof i === 'string' && i.endsWith('/**/*')).sort();
    expect(folders('vpc-acme-ue1-dev')).toEqual([
      '{workspaceRoot}/components/terraform/modules/j \\(v2\\)/**/*',
      '{workspaceRoot}/components/terraform/modules/label-link/**/*',
      '{workspaceRoot}/components/terraform/modules/label/**/*',
      '{workspaceRoot}/components/terraform/vpc/**/*',
    ]);
    expect(folders('vpc2-acme-ue1-dev')).toEqual([
      '{workspaceRoot}/components/terraform/modules/j \\(v2\\)/**/*',
      '{workspaceRoot}/components/terraform/modules/label-link/**/*',
      '{workspaceRoot}/components/terraform/modules/label/**/*',
      '{workspaceRoot}/components/terraform/vpc-link/**/*',
      '{workspaceRoot}/components/terraform/vpc/**/*',
    ]);
  });
});

describe('declared dependency paths', () => {
  it('are globs, as Atmos matches them: given to Nx as written once cleaned, ( ) literal (a path the plugin derives is escaped whole)', () => {
    const root = writeWorkspace({
      'components/terraform/app (v2)/main.tf': '',
      'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents: {terraform: {app: {metadata: {component: app (v2)}, ' +
        'dependencies: {files: [config/*.json, ./cfg.json, "net(v2).json", ROOT/abs.json], folders: ["shared/{a,b}", pol/]}}, ' +
        'whole: {metadata: {component: app (v2)}, dependencies: {folders: [./]}}}}\n',
    });
    const manifest = join(root, 'stacks/orgs/acme/dev.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('ROOT', root));
    const model = modelOf(root);
    const strings = (name: string) => model.projects.find((p) => p.name === name)!.inputs.filter((i) => typeof i === 'string');
    // The whole tree (`./`): every file.
    expect(strings('whole-acme-ue1-dev')).toContain('{workspaceRoot}/**/*');
    expect(strings('app-acme-ue1-dev')).toEqual([
      // The folder's own path: git names a re-pointed link or a submodule at another commit by it.
      '{workspaceRoot}/components/terraform/app \\(v2\\)',
      '{workspaceRoot}/components/terraform/app \\(v2\\)/**/*',
      '{workspaceRoot}/config/*.json',
      '{workspaceRoot}/cfg.json',
      '{workspaceRoot}/net\\(v2\\).json',
      // An absolute path inside the repository: the same file as a relative one.
      '{workspaceRoot}/abs.json',
      '{workspaceRoot}/shared/{a,b}',
      '{workspaceRoot}/shared/{a,b}/**/*',
      '{workspaceRoot}/pol',
      '{workspaceRoot}/pol/**/*',
    ]);
  });
});

describe('declared dependency entries', () => {
  it('are paths: a number or null is an error naming the file and line, not an input `{workspaceRoot}/1`', () => {
    const root = writeWorkspace({
      'stacks/orgs/acme/dev.yaml': 'vars: {tenant: acme, environment: ue1, stage: dev}\ncomponents: {terraform: {vpc: {dependencies: {files: [1, null, x.json]}}}}\n',
    });
    const error = userError(() => modelOf(root));
    const problems = userErrorsOf(error).map((problem) => `${problem.message} @${problem.location?.line}`);
    expect(problems).toContain('dependencies.files[0] must be a path (a string), not 1 @2');
  });
});
