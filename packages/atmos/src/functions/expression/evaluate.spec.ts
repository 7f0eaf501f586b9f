import { AtmosUserError } from '../../errors/user-error';
import { evaluateExpression, evaluateString, evaluateValue, hasExpression, needsEvaluation, type ExpressionContext } from './evaluate';
import { userError } from '../../testing/user-errors';

interface TestContext extends ExpressionContext {
  outputCalls: Array<[string, string | undefined]>;
  ssmCalls: string[];
}

function context(sections: Partial<Pick<ExpressionContext, 'vars' | 'settings' | 'env'>> = {}): TestContext {
  const outputs: Record<string, Record<string, Record<string, unknown>>> = {
    '': {
      vpc: { vpc_id: 'vpc-123', private_subnet_ids: ['subnet-a', 'subnet-b'], cidr: '10.0.0.0/16', tags: { Name: 'main' }, count: 2 },
    },
    'shared-use1': { dns: { zone_id: 'Z123' } },
  };
  const ctx: TestContext = {
    vars: { stage: 'dev', vpc_cidr: '10.0.0.0/16', extra_tags: { owner: 'me' }, sizes: [3, 9, 4], shared_stack: 'shared-use1', n: 5, ...sections.vars },
    settings: { default_tags: { team: 'platform', owner: 'nobody' }, ...sections.settings },
    env: { AWS_REGION: 'us-east-1', ...sections.env },
    outputCalls: [],
    ssmCalls: [],
    output(component, stack) {
      ctx.outputCalls.push([component, stack]);
      const found = outputs[stack ?? '']?.[component];
      if (found === undefined) {
        throw new AtmosUserError('COMPONENT_NOT_FOUND', `component "${component}" not found in stack ${stack ?? '(same)'}`, undefined, 'check the name');
      }
      return found;
    },
    processEnv: (name) => ({ TEAM: 'core', EMPTY: '' })[name],
    ssm(path) {
      ctx.ssmCalls.push(path);
      return `secret:${path}`;
    },
  };
  return ctx;
}

describe('evaluateString', () => {
  const ctx = context();

  it('keeps the type of a whole expression', () => {
    expect(evaluateString('${{ output.vpc.private_subnet_ids }}', ctx)).toEqual(['subnet-a', 'subnet-b']);
    expect(evaluateString('${{ output.vpc.tags }}', ctx)).toEqual({ Name: 'main' });
    expect(evaluateString('${{ output.vpc.count }}', ctx)).toBe(2);
    expect(evaluateString('${{ true }}', ctx)).toBe(true);
    expect(evaluateString('${{ null }}', ctx)).toBeNull();
    expect(evaluateString('${{ [1, "a", {b = 2}] }}', ctx)).toEqual([1, 'a', { b: 2 }]);
    expect(evaluateString('${{ { "a": 1, b = [] } }}', ctx)).toEqual({ a: 1, b: [] });
  });

  it('interpolates inside longer strings', () => {
    expect(evaluateString('eks-${{ vars.stage }}-${{ env:TEAM }}', ctx)).toBe('eks-dev-core');
    expect(evaluateString('n=${{ vars.n }} ok=${{ true }} big=${{ 1e21 }} f=${{ 0.5 }}', ctx)).toBe('n=5 ok=true big=1000000000000000000000 f=0.5');
    expect(evaluateString(' ${{ vars.stage }}', ctx)).toBe(' dev');
    expect(evaluateString('${{ vars.n }}${{ vars.n }}', ctx)).toBe('55');
  });

  it('refuses to interpolate lists, maps and null', () => {
    const list = userError(() => evaluateString('ids: ${{ output.vpc.private_subnet_ids }}', ctx));
    expect(list.message).toBe('in ${{ output.vpc.private_subnet_ids }}: cannot insert a list into a string');
    expect(list.hint).toContain('jsonencode');
    expect(userError(() => evaluateString('x${{ vars.extra_tags }}', ctx)).message).toContain('cannot insert a map into a string');
    const nul = userError(() => evaluateString('team-${{ env:NOPE }}', ctx));
    expect(nul.message).toContain('cannot insert null into a string');
    expect(nul.hint).toContain('env("NAME", "default")');
  });

  it('renders the $${{ escape literally', () => {
    expect(evaluateString('$${{ not evaluated }}', ctx)).toBe('${{ not evaluated }}');
    expect(evaluateString('$${{ x }} and ${{ vars.stage }}', ctx)).toBe('${{ x }} and dev');
    expect(evaluateString('$${{ unterminated', ctx)).toBe('${{ unterminated');
  });

  it("leaves Terraform's own syntax alone", () => {
    expect(evaluateString('${var.x} %{ if true }y%{ endif } {{ .stack }}', ctx)).toBe('${var.x} %{ if true }y%{ endif } {{ .stack }}');
    expect(evaluateString('arn:${data.x}:${{ vars.stage }}', ctx)).toBe('arn:${data.x}:dev');
  });

  it('reads outputs of the same and of other stacks', () => {
    const c = context();
    expect(evaluateString('${{ output.vpc.vpc_id }}', c)).toBe('vpc-123');
    expect(evaluateString('${{ output("dns", "shared-use1").zone_id }}', c)).toBe('Z123');
    expect(evaluateString('${{ output("dns", vars.shared_stack).zone_id }}', c)).toBe('Z123');
    expect(evaluateString('${{ output("vpc", null).vpc_id }}', c)).toBe('vpc-123');
    expect(evaluateString('${{ output("vpc").private_subnet_ids[1] }}', c)).toBe('subnet-b');
    expect(evaluateString('${{ output["vpc"]["tags"].Name }}', c)).toBe('main');
    expect(evaluateString('${{ output.vpc.private_subnet_ids.0 }}', c)).toBe('subnet-a');
    expect(evaluateString('${{ output.vpc.private_subnet_ids["1"] }}', c)).toBe('subnet-b');
    expect(evaluateString('${{ output.vpc }}', c)).toMatchObject({ vpc_id: 'vpc-123' });
    expect(c.outputCalls).toEqual([
      ['vpc', undefined],
      ['dns', 'shared-use1'],
      ['dns', 'shared-use1'],
      ['vpc', undefined],
      ['vpc', undefined],
      ['vpc', undefined],
      ['vpc', undefined],
      ['vpc', undefined],
      ['vpc', undefined],
    ]);
  });

  it('explains missing outputs and bad stacks', () => {
    const missing = userError(() => evaluateString('${{ output.vpc.vpc_idd }}', ctx));
    expect(missing.message).toBe('in ${{ output.vpc.vpc_idd }}: output.vpc has no output "vpc_idd"');
    expect(missing.hint).toContain('vpc_id, private_subnet_ids');
    const notFound = userError(() => evaluateString('${{ output("nope", "x").id }}', ctx));
    expect(notFound.code).toBe('COMPONENT_NOT_FOUND');
    expect(notFound.message).toBe('in ${{ output("nope", "x").id }}: component "nope" not found in stack x');
    expect(notFound.hint).toBe('check the name');
    expect(userError(() => evaluateString('${{ output("dns", vars.sizes).zone_id }}', ctx)).message).toContain(
      'the stack in output("dns", ...) must be a stack name, got a list',
    );
    expect(userError(() => evaluateString('${{ output("dns", "").zone_id }}', ctx)).message).toContain('got an empty string');
  });

  it('reads vars, settings and the env section', () => {
    expect(evaluateString('${{ vars.stage }}', ctx)).toBe('dev');
    expect(evaluateString('${{ settings.default_tags.team }}', ctx)).toBe('platform');
    expect(evaluateString('${{ env.AWS_REGION }}', ctx)).toBe('us-east-1');
    expect(evaluateString('${{ vars.sizes[2] }}', ctx)).toBe(4);
    expect(evaluateString('${{ settings.by_stage[vars.stage].size }}', context({ settings: { by_stage: { dev: { size: 's' } } } }))).toBe('s');
    expect(evaluateString('${{ vars.sizes[vars.sizes[1]] }}', context({ vars: { sizes: [0, 1] } }))).toBe(1);
  });

  it('reads the process environment and SSM', () => {
    const c = context();
    expect(evaluateString('${{ env:TEAM }}', c)).toBe('core');
    expect(evaluateString('${{ env:NOPE }}', c)).toBeNull();
    expect(evaluateString('${{ env("NOPE", "fallback") }}', c)).toBe('fallback');
    expect(evaluateString('${{ env("EMPTY", "fallback") }}', c)).toBe('');
    expect(evaluateString('${{ ssm:/platform/dev/rds/password }}', c)).toBe('secret:/platform/dev/rds/password');
    expect(c.ssmCalls).toEqual(['/platform/dev/rds/password']);
  });

  it('calls functions', () => {
    expect(evaluateString('${{ cidrsubnet(vars.vpc_cidr, 4, 2) }}', ctx)).toBe('10.0.32.0/20');
    expect(evaluateString('${{ cidrhost(output.vpc.cidr, -1) }}', ctx)).toBe('10.0.255.255');
    expect(evaluateString('${{ deep_merge(settings.default_tags, vars.extra_tags) }}', ctx)).toEqual({ team: 'platform', owner: 'me' });
    expect(evaluateString('${{ max(vars.sizes...) }}', ctx)).toBe(9);
    expect(evaluateString('${{ cidrsubnets(vars.vpc_cidr, [4, 4]...) }}', ctx)).toEqual(['10.0.0.0/20', '10.0.16.0/20']);
    expect(evaluateString('${{ format("%s-%s", vars.stage, upper(env("TEAM"))) }}', ctx)).toBe('dev-CORE');
    expect(evaluateString('${{ -vars.n }}', ctx)).toBe(-5);
    expect(evaluateString('${{ lookup({ (vars.stage) = 1 }, "dev") }}', ctx)).toBe(1);
    expect(evaluateString('${{ jsondecode("{\\"a\\": [1]}").a[0] }}', ctx)).toBe(1);
    expect(evaluateString('${{ join(",", output.vpc.private_subnet_ids) }}', ctx)).toBe('subnet-a,subnet-b');
  });

  it('reports function errors with the function, arity and expression', () => {
    const arity = userError(() => evaluateString('${{ cidrsubnet(vars.vpc_cidr, 4) }}', ctx, { file: '/repo/stacks/dev.yaml', line: 12, column: 5 }));
    expect(arity.code).toBe('FUNCTION_ERROR');
    expect(arity.message).toBe('in ${{ cidrsubnet(vars.vpc_cidr, 4) }}: function "cidrsubnet" expects 3 arguments (prefix, newbits, netnum), got 2');
    expect(arity.location).toEqual({ file: '/repo/stacks/dev.yaml', line: 12, column: 5 });
    expect(arity.format('/repo')).toContain('stacks/dev.yaml:12:5: in ${{ cidrsubnet');

    const unknown = userError(() => evaluateString('${{ cidrsubnett(1, 2, 3) }}', ctx));
    expect(unknown.message).toContain('unknown function "cidrsubnett"');
    expect(unknown.hint).toContain('did you mean cidrsubnet(...)?');

    const failed = userError(() => evaluateString('${{ cidrsubnet("10.0.0.0/30", 8, 2) }}', ctx));
    expect(failed.message).toContain('Call to function "cidrsubnet" failed: insufficient address space to extend prefix of 30 by 8');

    expect(userError(() => evaluateString('${{ max(vars.n...) }}', ctx)).message).toContain('the argument before "..." must be a list, got a number');
    expect(userError(() => evaluateString('${{ upper(vars.sizes...) }}', ctx)).message).toContain('function "upper" expects 1 argument (string), got 3');
    expect(userError(() => evaluateString('${{ -vars.stage }}', ctx)).message).toContain('the operand of "-": cannot convert "dev" to a number');
  });

  it('reports syntax errors', () => {
    expect(userError(() => evaluateString('${{ vars.a vars.b }}', ctx)).message).toBe('in ${{ vars.a vars.b }}: unexpected "vars" after the expression');
    expect(userError(() => evaluateString('x ${{ vars.a', ctx)).message).toBe('unterminated expression: "${{" at offset 2 has no closing "}}"');
    expect(userError(() => evaluateString('${{ }}', ctx)).message).toContain('empty expression');
  });

  it('reports bad references', () => {
    expect(userError(() => evaluateString('${{ vars.nope }}', ctx)).message).toContain('vars has no key "nope"');
    expect(userError(() => evaluateString('${{ vars.nope }}', ctx)).hint).toContain('available: stage, vpc_cidr');
    expect(userError(() => evaluateString('${{ vars.sizes[3] }}', ctx)).message).toContain('index 3 is out of range for vars.sizes (length 3)');
    expect(userError(() => evaluateString('${{ vars.sizes[-1] }}', ctx)).message).toContain('index -1 is out of range');
    expect(userError(() => evaluateString('${{ vars.sizes.first }}', ctx)).message).toContain('vars.sizes is a list; cannot read "first" of it');
    expect(userError(() => evaluateString('${{ vars.stage.x }}', ctx)).message).toContain('cannot read "x": vars.stage is a string');
    expect(userError(() => evaluateString('${{ vars.constructor }}', ctx)).message).toContain('vars has no key "constructor"');
    expect(userError(() => evaluateString('${{ vars[vars.sizes] }}', ctx)).message).toContain('a key of vars must be a string, got a list');
    expect(userError(() => evaluateString('${{ { a = 1, a = 2 } }}', ctx)).message).toContain('duplicate map key "a"');
    const c = context({ vars: { nothing: null } });
    expect(userError(() => evaluateString('${{ vars.nothing.x }}', c)).message).toContain('cannot read "x": vars.nothing is null');
  });

  it('lets non-user errors through unchanged', () => {
    const c = context();
    c.ssm = () => {
      throw new TypeError('bug');
    };
    expect(() => evaluateString('${{ ssm:/x }}', c)).toThrow(TypeError);
  });
});

describe('references to sections that hold expressions', () => {
  it('evaluates them on demand, once', () => {
    const ctx = context({
      vars: {
        name: 'eks-${{ vars.stage }}',
        full: '${{ vars.name }}-cluster',
        password: '${{ ssm:/db/password }}',
        tags: { Name: '${{ vars.name }}', Literal: '$${{ raw }}' },
        merged: '${{ deep_merge(settings.default_tags, vars.extra_tags) }}',
      },
    });
    expect(evaluateString('${{ vars.full }}', ctx)).toBe('eks-dev-cluster');
    expect(evaluateString('${{ vars.tags }}', ctx)).toEqual({ Name: 'eks-dev', Literal: '${{ raw }}' });
    expect(evaluateString('${{ vars.merged.owner }}', ctx)).toBe('me');
    expect(evaluateString('${{ vars.password }}/${{ vars.password }}', ctx)).toBe('secret:/db/password/secret:/db/password');
    expect(ctx.ssmCalls).toEqual(['/db/password']);
  });

  it('reports cycles', () => {
    const ctx = context({ vars: { a: '${{ vars.b }}', b: 'x-${{ vars.c }}', c: '${{ vars.a }}' } });
    const error = userError(() => evaluateValue(ctx.vars, ctx, undefined, ['vars']));
    expect(error.message).toContain('circular reference: vars.a → vars.b → vars.c → vars.a');
    const self = context({ vars: { a: '${{ vars.a }}' } });
    expect(userError(() => evaluateString('${{ vars.a }}', self)).message).toContain('circular reference: vars.a → vars.a');
  });

  it('names the inner value when a referenced expression fails', () => {
    const ctx = context({ vars: { bad: '${{ cidrhost(vars.vpc_cidr) }}', user: '${{ vars.bad }}' } });
    const error = userError(() => evaluateValue({ user: ctx.vars.user }, ctx, (path) => ({ file: '/s.yaml', line: path.length }), ['vars']));
    expect(error.message).toBe('vars.bad: in ${{ cidrhost(vars.vpc_cidr) }}: function "cidrhost" expects 2 arguments (prefix, hostnum), got 1');
    expect(error.location).toEqual({ file: '/s.yaml', line: 2 });
  });
});

describe('evaluateValue', () => {
  it('walks maps and lists, returns a new value and leaves the input alone', () => {
    const ctx = context();
    const input = {
      vpc_id: '${{ output.vpc.vpc_id }}',
      shared_zone: '${{ output("dns", "shared-use1").zone_id }}',
      private_subnets: '${{ output.vpc.private_subnet_ids }}',
      cluster_name: 'eks-${{ vars.stage }}-${{ env:TEAM }}',
      db_password: '${{ ssm:/platform/dev/rds/password }}',
      pods_cidr: '${{ cidrsubnet(vars.vpc_cidr, 4, 2) }}',
      tags: '${{ deep_merge(settings.default_tags, vars.extra_tags) }}',
      x: '${{ env("X", "default") }}',
      literal: '$${{ not evaluated }}',
      '${{ keys }}': ['a', '${{ vars.n }}', 3, true, null, { deep: ['${{ vars.stage }}'] }],
    };
    const copy = JSON.parse(JSON.stringify(input));
    const result = evaluateValue(input, ctx);
    expect(result).toEqual({
      vpc_id: 'vpc-123',
      shared_zone: 'Z123',
      private_subnets: ['subnet-a', 'subnet-b'],
      cluster_name: 'eks-dev-core',
      db_password: 'secret:/platform/dev/rds/password',
      pods_cidr: '10.0.32.0/20',
      tags: { team: 'platform', owner: 'me' },
      x: 'default',
      literal: '${{ not evaluated }}',
      '${{ keys }}': ['a', 5, 3, true, null, { deep: ['dev'] }],
    });
    expect(input).toEqual(copy);
    expect(result).not.toBe(input);
  });

  it('names the value path and asks the source for its location', () => {
    const ctx = context();
    const seen: unknown[] = [];
    const error = userError(() =>
      evaluateValue({ a: [{ b: '${{ vars.missing }}' }] }, ctx, (path) => {
        seen.push(path);
        return { file: '/repo/stacks/dev.yaml', line: 7 };
      }, ['vars']),
    );
    expect(error.message).toBe('vars.a[0].b: in ${{ vars.missing }}: vars has no key "missing"');
    expect(error.location).toEqual({ file: '/repo/stacks/dev.yaml', line: 7 });
    expect(seen).toEqual([['vars', 'a', 0, 'b']]);
  });

  it('passes scalars and non-plain objects through', () => {
    const ctx = context();
    const date = new Date(0);
    expect(evaluateValue(5, ctx)).toBe(5);
    expect(evaluateValue(null, ctx)).toBeNull();
    expect(evaluateValue(date, ctx)).toBe(date);
    expect(evaluateValue('plain', ctx)).toBe('plain');
  });
});

describe('evaluateExpression', () => {
  it('evaluates a bare expression source', () => {
    expect(evaluateExpression('cidrsubnet(vars.vpc_cidr, 8, 1)', context())).toBe('10.0.1.0/24');
    expect(userError(() => evaluateExpression('vars.nope', context())).message).toBe('in ${{ vars.nope }}: vars has no key "nope"');
  });
});

describe('hasExpression / needsEvaluation', () => {
  it('finds expressions anywhere in a value', () => {
    expect(hasExpression('${{ vars.x }}')).toBe(true);
    expect(hasExpression({ a: [1, { b: 'x ${{ y }}' }] })).toBe(true);
    expect(hasExpression({ a: ['${var.x}', 1, null] })).toBe(false);
    expect(hasExpression('$${{ escaped }}')).toBe(false);
    expect(needsEvaluation('$${{ escaped }}')).toBe(true);
    expect(needsEvaluation({ a: ['plain'] })).toBe(false);
    expect(needsEvaluation([{ a: '${{ x }}' }])).toBe(true);
  });
});
