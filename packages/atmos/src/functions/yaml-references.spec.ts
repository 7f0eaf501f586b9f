/**
 * The walk that finds YAML functions under a section (the validation pass's check and the
 * graph's references share it): every function with its path, a shared map walked once.
 */
import { YamlFunction } from '../stacks/values';
import { collectYamlFunctionReferences, functionsWithin, type ComponentReference, type FunctionsWithin } from './yaml-references';

const state = (args: string) => new YamlFunction('!terraform.state', args);

describe('functionsWithin', () => {
  it('finds every function under maps and lists, with its path below the value', () => {
    const a = state('vpc vpc_id');
    const b = new YamlFunction('!env', 'HOME');
    const c = state('dns shared-use1 zone_id');
    const found = functionsWithin({ plain: 1, text: 'x', none: null, a, nested: { list: ['x', b, { deep: [c] }] } }, new WeakMap());
    expect(found).toEqual([['.a', a], ['.nested.list[1]', b], ['.nested.list[2].deep[0]', c]]);
  });

  it('a list at the top names its items by index', () => {
    const fn = state('vpc id');
    expect(functionsWithin(['x', [fn]], new WeakMap())).toEqual([['[1][0]', fn]]);
  });

  it('holds nothing for a value without functions, and walks a shared map once', () => {
    const cache: FunctionsWithin = new WeakMap();
    const shared = { cidr: '10.0.0.0/16', tags: { team: 'net' } };
    expect(functionsWithin({ one: shared, two: shared }, cache)).toEqual([]);
    expect(cache.get(shared)).toEqual([]);
    const fn = state('vpc vpc_id');
    const sharedWithFunction = { id: fn };
    expect(functionsWithin({ first: sharedWithFunction, second: { again: sharedWithFunction } }, cache)).toEqual([['.first.id', fn], ['.second.again.id', fn]]);
    // The shared map's own result is kept as it was found (the prefixes belong to its holders).
    expect(cache.get(sharedWithFunction)).toEqual([['.id', fn]]);
  });

  it('leaves other objects (dates, class instances) alone', () => {
    class Box { constructor(readonly fn: YamlFunction) {} }
    expect(functionsWithin({ when: new Date(0), box: new Box(state('vpc id')) }, new WeakMap())).toEqual([]);
  });
});

describe('collectYamlFunctionReferences', () => {
  it('names each reference by the section path and the function text', () => {
    const into: ComponentReference[] = [];
    collectYamlFunctionReferences({ vpc_id: state('vpc vpc_id'), subnets: [state('vpc shared-use1 private_subnet_ids')], home: new YamlFunction('!env', 'HOME') }, 'vars', into);
    expect(into).toEqual([
      { component: 'vpc', via: 'vars.vpc_id: !terraform.state vpc vpc_id', location: undefined },
      { component: 'vpc', stack: 'shared-use1', via: 'vars.subnets[0]: !terraform.state vpc shared-use1 private_subnet_ids', location: undefined },
    ]);
  });

  it('a function as the whole value, and a path-less walk', () => {
    const into: ComponentReference[] = [];
    collectYamlFunctionReferences(state('vpc vpc_id'), 'vars.vpc_id', into);
    collectYamlFunctionReferences({ zone: state('dns zone_id') }, '', into);
    expect(into.map((r) => r.via)).toEqual(['vars.vpc_id: !terraform.state vpc vpc_id', 'zone: !terraform.state dns zone_id']);
  });
});
