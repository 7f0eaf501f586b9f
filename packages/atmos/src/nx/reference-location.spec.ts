import { AtmosUserError } from '../errors/user-error';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import { buildGraphModel } from './graph-model';
import { normaliseOptions } from './options';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/plat/ue1/dev.yaml';
const manifest = `import:\n  - catalog/app\nvars:\n  tenant: plat\n  environment: ue1\n  stage: dev\ncomponents:\n  terraform:\n    vpc:\n      vars: {}\n`;

function graphError(catalog: string): AtmosUserError {
  // The component folders exist: the validation pass reports missing ones too.
  const resolved = resolveFixture({ [DEV]: manifest, 'stacks/catalog/app.yaml': catalog, 'components/terraform/vpc/main.tf': '', 'components/terraform/app/main.tf': '' });
  try {
    buildGraphModel({ workspaceRoot: resolved.root, resolved, options: normaliseOptions(undefined) });
  } catch (error) {
    if (error instanceof AtmosUserError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('a reference to a component that does not exist names the line that holds it', () => {
  it('!terraform.output in an imported catalog file: that file and line, not the stack manifest', () => {
    const error = graphError('components:\n  terraform:\n    app:\n      vars:\n        vpc_id: !terraform.output vcp vpc_id\n');
    expect(error.message).toMatch(/depends on 'vcp'/);
    expect(error.location).toMatchObject({ file: expect.stringMatching(/stacks\/catalog\/app\.yaml$/), line: 5 });
  });

  it('settings.depends_on in an imported catalog file', () => {
    const error = graphError('components:\n  terraform:\n    app:\n      settings:\n        depends_on:\n          1:\n            component: vcp\n');
    expect(error.location).toMatchObject({ file: expect.stringMatching(/stacks\/catalog\/app\.yaml$/), line: 7 });
  });
});

describe('an output reference with a computed stack names the line that holds it', () => {
  it('in an imported catalog file', async () => {
    const { expressionReferences } = await import('./plugin');
    const resolved = resolveFixture({ [DEV]: manifest, 'stacks/catalog/app.yaml': 'components:\n  terraform:\n    app:\n      vars:\n        zone: ${{ output("vpc", vars.stage).id }}\n' });
    const app = resolved.instances.find((i) => i.component === 'app')!;
    let error: unknown;
    try {
      expressionReferences(app);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtmosUserError);
    expect((error as AtmosUserError).location).toMatchObject({ file: expect.stringMatching(/stacks\/catalog\/app\.yaml$/), line: 5 });
  });
});
