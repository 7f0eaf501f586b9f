/**
 * Issue 17, class 7: `locals:` in stack manifests, file-scoped and resolved before templates.
 *
 * Expected values derived from Atmos v1.226.1 website/docs/stacks/locals.mdx (the examples of
 * "Configuration Scopes", "File-Scoped Isolation", "Dependency Resolution", "Accessing Other
 * Sections", "Complex Values", "Component-Level Locals"), pkg/locals/resolver.go (topological
 * order, cycle "a → b → a", missingkey=error) and internal/exec/stack_processor_utils.go
 * extractAndAddLocalsToContext (settings, then vars, then env rendered with the locals;
 * processStructuredTemplateRefs keeps the type of a whole-value reference).
 */
import { AtmosUserError } from '../errors/user-error';
import { graphModel } from '../nx/plugin';
import { describeFixture, removeFixtures, resolveFixture, writeWorkspace } from '../testing/fixture-workspace';
import { userError } from '../testing/user-errors';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const STACK = 'acme-ue1-dev';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';

describe('locals', () => {
  it('the docs\' scopes: global locals, terraform: locals over them, in any order, used by component vars', () => {
    const out = describeFixture({
      [DEV]: [
        devVars.trimEnd(),
        'locals:',
        '  name_prefix: "{{ .locals.namespace }}-{{ .locals.environment }}"',
        '  namespace: acme',
        '  environment: prod',
        'terraform:',
        '  locals:',
        '    backend_bucket: "{{ .locals.namespace }}-{{ .locals.environment }}-tfstate"',
        'components:',
        '  terraform:',
        '    vpc:',
        '      vars:',
        '        name: "{{ .locals.name_prefix }}-vpc"',
        '        bucket: "{{ .locals.backend_bucket }}"',
        '',
      ].join('\n'),
    }, 'vpc', STACK);
    expect(out.vars).toMatchObject({ name: 'acme-prod-vpc', bucket: 'acme-prod-tfstate' });
    expect(out).not.toHaveProperty('locals');
  });

  it('are file-scoped: an import\'s locals are not seen by the importing file, each file resolves its own', () => {
    const resolved = resolveFixture({
      'stacks/catalog/defaults.yaml': 'locals:\n  default_region: us-east-1\ncomponents:\n  terraform:\n    vpc:\n      vars: {region: "{{ .locals.default_region }}"}\n',
      [DEV]: `import: [catalog/defaults]\n${devVars}locals:\n  namespace: acme\ncomponents:\n  terraform:\n    vpc:\n      vars:\n        ns: "{{ .locals.namespace }}"\n        other: "{{ .locals.default_region }}"\n`,
    });
    const vars = resolved.instances[0].sections.vars;
    expect(vars.region).toBe('us-east-1');
    expect(vars.ns).toBe('acme');
    // Not a local of this file: left for the component templates, where .locals has no such key.
    expect(vars.other).toBe('<no value>');
  });

  it('see the same file\'s settings, vars and env; settings, vars and env render with them', () => {
    const out = describeFixture({
      [DEV]: [
        'settings: {version: v1, context: {stage_from_local: "{{ .locals.stage }}"}}',
        'vars: {tenant: acme, environment: ue1, stage: dev, setting_value: "{{ .settings.context.stage_from_local }}"}',
        'env: {LABEL: "{{ .locals.label }}"}',
        'locals:',
        '  stage: dev',
        '  label: "{{ .locals.namespace }}-{{ .vars.stage }}-{{ .settings.version }}"',
        '  namespace: acme',
        'components: {terraform: {vpc: {vars: {label: "{{ .locals.label }}"}}}}',
        '',
      ].join('\n'),
    }, 'vpc', STACK);
    expect(out.vars).toMatchObject({ label: 'acme-dev-v1', setting_value: 'dev' });
    expect(out.settings).toMatchObject({ context: { stage_from_local: 'dev' } });
    expect(out.env).toMatchObject({ LABEL: 'acme-dev-v1' });
  });

  it('maps, lists and Sprig: a whole-value reference keeps the type', () => {
    const out = describeFixture({
      [DEV]: [
        devVars.trimEnd(),
        'locals:',
        '  namespace: acme',
        '  upper_name: \'{{ .locals.namespace | upper }}\'',
        '  replicas: 3',
        '  default_tags:',
        '    Namespace: "{{ .locals.namespace }}"',
        '    ManagedBy: Atmos',
        '  availability_zones: [us-east-1a, us-east-1b]',
        'components:',
        '  terraform:',
        '    vpc:',
        '      vars:',
        '        tags: "{{ .locals.default_tags }}"',
        '        azs: "{{ .locals.availability_zones }}"',
        '        replicas: "{{ .locals.replicas }}"',
        '        upper: "{{ .locals.upper_name }}"',
        '',
      ].join('\n'),
    }, 'vpc', STACK);
    expect(out.vars).toMatchObject({ tags: { Namespace: 'acme', ManagedBy: 'Atmos' }, azs: ['us-east-1a', 'us-east-1b'], replicas: 3, upper: 'ACME' });
  });

  it('!env in a local resolves first, then templates use it', () => {
    const files = {
      [DEV]: `${devVars}locals:\n  pr_number: !env PR_NUMBER\n  deploy_target: '{{ if .locals.pr_number }}preview-{{ .locals.pr_number }}{{ else }}stable{{ end }}'\n` +
        'components: {terraform: {app: {vars: {deploy_target: "{{ .locals.deploy_target }}"}}}}\n',
    };
    expect(describeFixture(files, 'app', STACK, { env: { PR_NUMBER: '42' } }).vars).toMatchObject({ deploy_target: 'preview-42' });
    expect(describeFixture(files, 'app', STACK, { env: {} }).vars).toMatchObject({ deploy_target: 'stable' });
  });

  it('a run-time function in a local travels as a whole value (evaluated at run time), and cannot be part of a longer template', () => {
    const out = describeFixture({
      [DEV]: `${devVars}locals:\n  vpc_id: !terraform.state vpc .vpc_id\ncomponents:\n  terraform:\n    vpc: {}\n    eks:\n      vars:\n        vpc_id: "{{ .locals.vpc_id }}"\n`,
    }, 'eks', STACK);
    expect(out.vars).toMatchObject({ vpc_id: '!terraform.state vpc .vpc_id' });
    // ... and so it is a dependency in the graph, as if written in the component.
    const root = writeWorkspace({
      'components/terraform/vpc/main.tf': 'output "vpc_id" { value = "x" }\n',
      'components/terraform/eks/main.tf': 'variable "vpc_id" {}\n',
      [DEV]: `${devVars}locals:\n  vpc_id: !terraform.state vpc .vpc_id\ncomponents:\n  terraform:\n    vpc: {}\n    eks:\n      vars:\n        vpc_id: "{{ .locals.vpc_id }}"\n`,
    });
    expect(graphModel(root, undefined).edges).toEqual([expect.objectContaining({ source: `eks-${STACK}`, target: `vpc-${STACK}` })]);
    const error = userError(() => resolveFixture({
      [DEV]: `${devVars}locals:\n  vpc_id: !terraform.state vpc .vpc_id\n  cluster: "eks-{{ .locals.vpc_id }}"\ncomponents: {terraform: {vpc: {}}}\n`,
    }));
    expect(error.message).toBe('"eks-{{ .locals.vpc_id }}" uses locals.vpc_id, which is `!terraform.state vpc .vpc_id`: a function evaluated at run time');
    expect(error.location?.line).toBe(6);
  });

  it('a value that needs the component context renders with the merged sections later', () => {
    const out = describeFixture({
      [DEV]: `${devVars}locals:\n  suffix: svc\ncomponents:\n  terraform:\n    app:\n      vars:\n        name: "{{ .atmos_component }}-{{ .locals.suffix }}"\n        plain: "{{ .locals.suffix }}"\n`,
    }, 'app', STACK);
    // `.atmos_component` is not in the file's context: the value is kept whole for the component templates.
    expect(out.vars).toMatchObject({ name: 'app-<no value>', plain: 'svc' });
  });

  it('component-level locals, inherited from base components, are the component templates\' .locals', () => {
    const out = describeFixture({
      [DEV]: [
        devVars.trimEnd(),
        'components:',
        '  terraform:',
        '    vpc/base:',
        '      metadata: {type: abstract, component: vpc}',
        '      locals: {vpc_type: standard, enable_nat: false, region: us-east-1}',
        '    vpc/production:',
        '      metadata: {inherits: [vpc/base], component: vpc}',
        '      locals: {vpc_type: production, enable_nat: true}',
        '      vars:',
        '        name: "{{ .locals.vpc_type }}-vpc"',
        '        nat_enabled: "{{ .locals.enable_nat }}"',
        '        region: "{{ .locals.region }}"',
        '',
      ].join('\n'),
    }, 'vpc/production', STACK);
    expect(out.vars).toMatchObject({ name: 'production-vpc', nat_enabled: 'true', region: 'us-east-1' });
    expect(out.locals).toEqual({ vpc_type: 'production', enable_nat: true, region: 'us-east-1' });
  });

  it('a cycle is an error naming the chain and the file', () => {
    const error = userError(() => resolveFixture({ [DEV]: `${devVars}locals:\n  a: "{{ .locals.b }}"\n  b: "{{ .locals.c }}"\n  c: "{{ .locals.a }}"\n  d: x\ncomponents: {terraform: {vpc: {}}}\n` }));
    expect(error).toBeInstanceOf(AtmosUserError);
    expect(error.code).toBe('LOCALS_CYCLE');
    expect(error.message).toBe('locals: dependency cycle: a -> b -> c -> a');
    expect(error.location?.file).toMatch(/us-east-1\.yaml$/);
    expect(userError(() => resolveFixture({ [DEV]: `${devVars}locals:\n  a: "{{ .locals.a }}-x"\ncomponents: {terraform: {vpc: {}}}\n` })).message).toBe('locals: dependency cycle: a -> a');
  });

  it('a reference to a local that does not exist, and locals that are not a map, are errors', () => {
    const missing = userError(() => resolveFixture({ [DEV]: `${devVars}locals:\n  a: "{{ .locals.nope }}"\ncomponents: {terraform: {vpc: {}}}\n` }));
    expect(missing.code).toBe('TEMPLATE_ERROR');
    expect(missing.message).toMatch(/^locals\.a: .*nope/);
    expect(userError(() => resolveFixture({ [DEV]: `${devVars}locals: [a, b]\ncomponents: {terraform: {vpc: {}}}\n` })).message).toBe('locals must be a map of names to values');
  });

  it('in a .tmpl import with context, locals join the context', () => {
    const out = describeFixture({
      'stacks/catalog/queue.yaml.tmpl': 'locals:\n  full: "{{ .locals.kind }}-v2"\n  kind: queue\ncomponents:\n  terraform:\n    "queue/{{ .name }}":\n      metadata: {component: queue}\n      vars: {name: "{{ .name }}-{{ .locals.full }}"}\n',
      [DEV]: `import:\n  - path: catalog/queue.yaml.tmpl\n    context: {name: orders}\n${devVars}`,
    }, 'queue/orders', STACK);
    expect(out.vars).toMatchObject({ name: 'orders-queue-v2' });
  });
});
