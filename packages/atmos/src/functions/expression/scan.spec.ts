import { AtmosUserError } from '../../errors/user-error';
import { scanReferences } from './scan';

describe('scanReferences', () => {
  it('finds every kind of reference in nested values, without evaluating', () => {
    const value = {
      vpc_id: '${{ output.vpc.vpc_id }}',
      shared_zone: '${{ output("dns", "shared-use1").zone_id }}',
      private_subnets: ['${{ output.vpc.private_subnet_ids[0] }}'],
      cluster_name: 'eks-${{ vars.stage }}-${{ env:TEAM }}',
      db_password: '${{ ssm:/platform/dev/rds/password }}',
      pods_cidr: '${{ cidrsubnet(vars.vpc_cidr, 4, 2) }}',
      tags: { all: '${{ deep_merge(settings.default_tags, vars.extra_tags) }}' },
      x: '${{ env("X", "default") }}',
      region: '${{ env.AWS_REGION }}',
      literal: '$${{ output.not.a_reference }}',
      tf: '${var.not_ours}',
      n: 5,
    };
    expect(scanReferences(value)).toEqual([
      { kind: 'output', component: 'vpc', path: ['vpc_id'] },
      { kind: 'output', component: 'dns', stack: 'shared-use1', path: ['zone_id'] },
      { kind: 'output', component: 'vpc', path: ['private_subnet_ids', 0] },
      { kind: 'var', path: ['stage'] },
      { kind: 'env', name: 'TEAM' },
      { kind: 'ssm', path: '/platform/dev/rds/password' },
      { kind: 'var', path: ['vpc_cidr'] },
      { kind: 'setting', path: ['default_tags'] },
      { kind: 'var', path: ['extra_tags'] },
      { kind: 'env', name: 'X' },
      { kind: 'env_section', path: ['AWS_REGION'] },
    ]);
  });

  it('reports a non-literal stack as dynamic, and the references inside it', () => {
    expect(scanReferences('${{ output("dns", vars.shared_stack).zone_id }}')).toEqual([
      { kind: 'output', component: 'dns', stack: undefined, dynamic: true, path: ['zone_id'] },
      { kind: 'var', path: ['shared_stack'] },
    ]);
    expect(scanReferences('${{ output("dns", format("%s-use1", vars.tenant)) }}')).toEqual([
      { kind: 'output', component: 'dns', stack: undefined, dynamic: true, path: [] },
      { kind: 'var', path: ['tenant'] },
    ]);
    expect(scanReferences('${{ output("dns", null).id }}')).toEqual([{ kind: 'output', component: 'dns', path: ['id'] }]);
    expect(scanReferences('${{ output["vpc/flow-logs"] }}')).toEqual([{ kind: 'output', component: 'vpc/flow-logs', path: [] }]);
  });

  it('stops paths at dynamic indexes and scans the index', () => {
    expect(scanReferences('${{ output.vpc.subnets[vars.i].id }}')).toEqual([
      { kind: 'output', component: 'vpc', path: ['subnets'] },
      { kind: 'var', path: ['i'] },
    ]);
    expect(scanReferences('${{ settings.x["a b"][2].c }}')).toEqual([{ kind: 'setting', path: ['x', 'a b', 2, 'c'] }]);
  });

  it('looks inside lists, maps, calls, negation and expansion', () => {
    expect(
      scanReferences('${{ { (vars.k) = [settings.a, -vars.n], b = max(vars.list...), c = lookup(output.x, env.K) } }}'),
    ).toEqual([
      { kind: 'var', path: ['k'] },
      { kind: 'setting', path: ['a'] },
      { kind: 'var', path: ['n'] },
      { kind: 'var', path: ['list'] },
      { kind: 'output', component: 'x', path: [] },
      { kind: 'env_section', path: ['K'] },
    ]);
    expect(scanReferences('${{ jsondecode(vars.j).a }}')).toEqual([{ kind: 'var', path: ['j'] }]);
  });

  it('does not report a dynamic env() name, but scans it', () => {
    expect(scanReferences('${{ env(vars.name) }}')).toEqual([{ kind: 'var', path: ['name'] }]);
  });

  it('reports each reference once', () => {
    expect(scanReferences(['${{ vars.a }}', '${{ vars.a }}-${{ vars.a }}', { k: '${{ output.vpc.id }}' }, '${{ output.vpc.id }}'])).toEqual([
      { kind: 'var', path: ['a'] },
      { kind: 'output', component: 'vpc', path: ['id'] },
    ]);
  });

  it('returns nothing for values without expressions', () => {
    expect(scanReferences({ a: 1, b: [true, null, 'x ${y}'], c: '$${{ z }}' })).toEqual([]);
    expect(scanReferences(undefined)).toEqual([]);
  });

  it('throws user errors for syntax errors, with the path and location', () => {
    let error: unknown;
    try {
      scanReferences({ vars: { a: ['${{ output(vars.c).x }}'] } }, { file: '/repo/stacks/dev.yaml', line: 3 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtmosUserError);
    expect((error as AtmosUserError).code).toBe('FUNCTION_ERROR');
    expect((error as AtmosUserError).message).toBe(
      'vars.a[0]: in ${{ output(vars.c).x }}: the component in output(...) must be a quoted string',
    );
    expect((error as AtmosUserError).location).toEqual({ file: '/repo/stacks/dev.yaml', line: 3 });
    expect(() => scanReferences('${{ nope() }}')).toThrow('unknown function "nope"');
    expect(() => scanReferences('${{ vars.a ')).toThrow('unterminated expression');
  });
});
