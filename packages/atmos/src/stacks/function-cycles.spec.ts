/**
 * Class 10 of issue 17: cycles through YAML functions and remote-state backend mistakes are
 * reported as Atmos v1.226.1 reports them, before anything reads state.
 *   - A `!terraform.state` chain that loops: Atmos (internal/exec/yaml_func_resolution_context.go
 *     buildCircularDependencyError) names every component and stack of the chain with the
 *     function that leads on; here the graph's validation names each edge with its manifest and
 *     function, in chain order.
 *   - An instance reading itself is the shortest such cycle.
 *   - `remote_state_backend_type` naming a type `remote_state_backend:` does not configure (while
 *     it configures others) stops with errors.ErrBackendTypeMismatch and the hint of
 *     internal/exec/stack_processor_backend.go checkRemoteStateBackendTypeMatch; the same for
 *     `backend_type` and `backend:` (checkTerraformBackendTypeMatch).
 */
import type { AtmosUserError } from '../errors/user-error';
import { buildGraphModel } from '../nx/graph-model';
import { normaliseOptions } from '../nx/options';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const STACK = 'stacks/orgs/acme/ue1/dev.yaml';
const vars = 'vars: {tenant: acme, environment: ue1, stage: dev}\n';

function problemsOf(stackFile: string): AtmosUserError[] {
  const problems: AtmosUserError[] = [];
  const resolved = resolveFixture({ 'components/terraform/app/main.tf': 'variable "x" {\n  default = null\n}\n', [STACK]: stackFile }, { problems });
  buildGraphModel({ workspaceRoot: resolved.root, resolved, options: normaliseOptions(undefined), problems });
  return problems;
}

describe('cycles through YAML functions', () => {
  it('a !terraform.state chain that loops is one cycle naming every step, in order', () => {
    const problems = problemsOf(`${vars}components:\n  terraform:\n    a: {metadata: {component: app}, vars: {x: !terraform.state b .id}}\n` +
      '    b: {metadata: {component: app}, vars: {x: !terraform.state c acme-ue1-dev .id}}\n    c: {metadata: {component: app}, vars: {x: !terraform.output a .id}}\n');
    expect(problems.map((p) => p.message)).toEqual([
      'dependency cycle: a-acme-ue1-dev -> b-acme-ue1-dev (stacks/orgs/acme/ue1/dev.yaml: vars.x: !terraform.state b .id), ' +
      'b-acme-ue1-dev -> c-acme-ue1-dev (stacks/orgs/acme/ue1/dev.yaml: vars.x: !terraform.state c acme-ue1-dev .id), ' +
      'c-acme-ue1-dev -> a-acme-ue1-dev (stacks/orgs/acme/ue1/dev.yaml: vars.x: !terraform.output a .id)',
    ]);
  });

  it('an instance reading its own state is a cycle, at the line of the function', () => {
    const [problem, ...others] = problemsOf(`${vars}components:\n  terraform:\n    app:\n      vars:\n        x: !terraform.state app .id\n`);
    expect(others).toEqual([]);
    expect(problem.message).toBe("dependency cycle: app-acme-ue1-dev -> app-acme-ue1-dev (vars.x: !terraform.state app .id): component 'app' in stack 'acme-ue1-dev' reads its own outputs");
    expect(problem.location).toMatchObject({ line: 6 }); // `x: !terraform.state app .id`
  });
});

describe('backend type mismatches (Atmos stops on them)', () => {
  it('remote_state_backend_type naming a type remote_state_backend does not configure', () => {
    const [problem] = problemsOf(`${vars}terraform:\n  backend_type: s3\n  backend: {s3: {bucket: b}}\n  remote_state_backend_type: gcs\n  remote_state_backend: {s3: {role_arn: r}}\n` +
      'components: {terraform: {app: {}}}\n');
    expect(problem.message).toBe('backend_type does not match any key configured under backend: component "app" in stack "acme-ue1-dev": remote_state_backend_type is "gcs" but remote_state_backend: only configures s3');
    expect(problem.hint).toBe('add a "gcs" key under remote_state_backend:, or change remote_state_backend_type to match');
  });

  it('backend_type naming a type backend does not configure', () => {
    const [problem] = problemsOf(`${vars}terraform:\n  backend_type: http\n  backend: {s3: {bucket: b}, gcs: {bucket: g}}\ncomponents: {terraform: {app: {}}}\n`);
    expect(problem.message).toMatch(/backend_type is "http" but backend: only configures gcs, s3$/);
  });

  it('a remote-state type of its own reads the backend section\'s entry for it, under remote_state_backend', () => {
    const resolved = resolveFixture({
      'components/terraform/app/main.tf': '',
      [STACK]: `${vars}terraform:\n  backend_type: local\n  backend: {local: {path: x}, s3: {bucket: b, region: r}}\n  remote_state_backend_type: s3\n  remote_state_backend: {s3: {role_arn: ro}}\ncomponents: {terraform: {app: {}}}\n`,
    });
    expect(resolved.instances[0].sections.remoteStateBackend).toEqual({ bucket: 'b', region: 'r', role_arn: 'ro' });
  });
});
