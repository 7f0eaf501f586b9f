import { ExpressionError } from './errors';
import { callFunction, checkCall, describeArity, FUNCTIONS, functionNames } from './functions';

const env: Record<string, string> = { TEAM: 'platform', EMPTY: '' };
const ctx = { processEnv: (name: string) => env[name] };
const call = (name: string, ...args: unknown[]) => callFunction(name, args, ctx);

function failure(name: string, ...args: unknown[]): ExpressionError {
  try {
    call(name, ...args);
  } catch (error) {
    return error as ExpressionError;
  }
  throw new Error(`${name} did not fail`);
}

describe('function library', () => {
  it('has the documented functions', () => {
    expect(functionNames()).toEqual([
      'abs', 'ceil', 'cidrhost', 'cidrnetmask', 'cidrsubnet', 'cidrsubnets', 'coalesce', 'concat', 'deep_merge', 'env', 'floor',
      'format', 'join', 'jsondecode', 'jsonencode', 'length', 'lookup', 'lower', 'max', 'merge', 'min', 'output', 'replace',
      'split', 'tonumber', 'tostring', 'upper',
    ]);
    expect(FUNCTIONS.get('constructor')).toBeUndefined();
  });

  it('describes arities', () => {
    expect(describeArity(FUNCTIONS.get('cidrsubnet')!)).toBe('3 arguments (prefix, newbits, netnum)');
    expect(describeArity(FUNCTIONS.get('lookup')!)).toBe('2 or 3 arguments (map, key, [default])');
    expect(describeArity(FUNCTIONS.get('merge')!)).toBe('any number of arguments (maps...)');
    expect(describeArity(FUNCTIONS.get('format')!)).toBe('at least 1 argument (format, args...)');
    expect(describeArity(FUNCTIONS.get('upper')!)).toBe('1 argument (string)');
  });

  it('checks names and arity', () => {
    expect(() => checkCall('nope', 1)).toThrow('unknown function "nope"');
    expect(() => checkCall('cidrhost', 3)).toThrow('function "cidrhost" expects 2 arguments (prefix, hostnum), got 3');
    expect(() => checkCall('env', 0)).toThrow('function "env" expects 1 or 2 arguments (name, [default]), got 0');
    expect(checkCall('concat', 0)).toBe(FUNCTIONS.get('concat'));
    expect(() => callFunction('lookup', [{}], ctx)).toThrow('expects 2 or 3 arguments');
  });

  it('cidr functions (with Terraform conversions and messages)', () => {
    expect(call('cidrsubnet', '10.0.0.0/16', 8, 2)).toBe('10.0.2.0/24');
    expect(call('cidrsubnet', '10.0.0.0/16', '8', '2')).toBe('10.0.2.0/24');
    expect(call('cidrhost', '10.0.0.0/24', -1)).toBe('10.0.0.255');
    expect(call('cidrnetmask', '10.0.0.0/12')).toBe('255.240.0.0');
    expect(call('cidrsubnets', '10.1.0.0/16', 4, 4, 8, 4)).toEqual(['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']);
    expect(failure('cidrsubnet', '10.0.0.0/30', 8, 2).message).toBe(
      'Call to function "cidrsubnet" failed: insufficient address space to extend prefix of 30 by 8',
    );
    expect(failure('cidrsubnet', 10, 8, 2).message).toContain('invalid CIDR address: 10');
    expect(failure('cidrsubnet', null, 8, 2).message).toContain('prefix must not be null');
    expect(failure('cidrhost', '10.0.0.0/24', [1]).message).toContain('hostnum: a number is required, got a list');
    expect(failure('cidrnetmask', '::/0').message).toContain('IPv6 addresses cannot have a netmask');
  });

  it('deep_merge merges maps recursively, replaces lists, later wins', () => {
    const a = { tags: { team: 'a', env: 'dev' }, list: [1, 2], n: 1, nested: { x: { y: 1 } } };
    const b = { tags: { team: 'b' }, list: [3], nested: { x: { z: 2 } }, n: null };
    expect(call('deep_merge', a, b)).toEqual({ tags: { team: 'b', env: 'dev' }, list: [3], n: null, nested: { x: { y: 1, z: 2 } } });
    expect(a.tags).toEqual({ team: 'a', env: 'dev' }); // inputs untouched
    expect(call('deep_merge', null, { a: 1 }, null)).toEqual({ a: 1 });
    expect(call('deep_merge')).toEqual({});
    expect(call('deep_merge', { a: { b: 1 } }, { a: 'x' })).toEqual({ a: 'x' });
    expect(call('deep_merge', { a: 'x' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    expect(failure('deep_merge', {}, [1]).message).toContain('argument 2 must be a map, got a list');
  });

  it('merge is shallow', () => {
    expect(call('merge', { a: 1, b: { x: 1 } }, { b: { y: 2 } })).toEqual({ a: 1, b: { y: 2 } });
    expect(call('merge', null, { a: 1 })).toEqual({ a: 1 });
    expect(failure('merge', 'x').message).toContain('argument 1 must be a map, got a string');
    const merged = call('merge', JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('concat, coalesce, lookup', () => {
    expect(call('concat', [1], [], ['a'])).toEqual([1, 'a']);
    expect(failure('concat', [1], 'a').message).toContain('argument 2 must be a list, got a string');
    expect(call('coalesce', null, '', 'b')).toBe('b');
    expect(call('coalesce', null, 0, 1)).toBe(0);
    expect(failure('coalesce', '', null).message).toContain('no non-null, non-empty-string arguments');
    expect(call('lookup', { a: 1 }, 'a')).toBe(1);
    expect(call('lookup', { a: 1 }, 'b', 'x')).toBe('x');
    expect(call('lookup', { a: 1 }, 'constructor', 'x')).toBe('x');
    expect(failure('lookup', { a: 1 }, 'b').message).toContain('the given map has no key "b"');
    expect(failure('lookup', [1], 'b').message).toContain('map must be a map, got a list');
  });

  it('string functions (checked against terraform console)', () => {
    expect(call('join', ',', ['a', 1, true])).toBe('a,1,true');
    expect(call('join', '-', ['a'], ['b', 'c'])).toBe('a-b-c');
    expect(failure('join', ',', ['a', null]).message).toContain('element 1 is null');
    expect(failure('join', ',').message).toContain('at least one list');
    expect(call('split', ',', 'a,,b')).toEqual(['a', '', 'b']);
    expect(call('split', ',', '')).toEqual(['']);
    expect(call('split', '', 'abc')).toEqual(['a', 'b', 'c']);
    expect(call('upper', 'straße')).toBe('STRAßE');
    expect(call('lower', 'ÀB')).toBe('àb');
    expect(call('replace', 'a.b.c', '.', '/')).toBe('a/b/c');
    expect(call('replace', 'abc', '', '-')).toBe('-a-b-c-');
    expect(call('replace', 'v1.2.3', '/v(\\d+)\\.(\\d+)/', '$2-${1}')).toBe('2-1.3');
    expect(failure('replace', 'a', '/(/', 'b').message).toContain('invalid regular expression');
    expect(call('format', '%s-%03d', 'web', 7)).toBe('web-007');
    expect(failure('format', '%d', 'x').message).toBe('Call to function "format" failed: unsupported value for "%d" at 0: a number is required');
  });

  it('number functions', () => {
    expect(call('max', 1, '5', 3)).toBe(5);
    expect(call('min', -1.5, 2)).toBe(-1.5);
    expect(failure('min').message).toContain('must pass at least one number');
    expect(failure('max', 1, 'x').message).toContain('argument 2: cannot convert "x" to a number');
    expect(call('abs', -3)).toBe(3);
    expect(call('ceil', 1.2)).toBe(2);
    expect(call('floor', -1.5)).toBe(-2);
    expect(failure('abs', true).message).toContain('number must be a number, got a bool');
  });

  it('length, conversions and JSON', () => {
    expect(call('length', 'héllo')).toBe(5);
    expect(call('length', [1, 2])).toBe(2);
    expect(call('length', { a: 1, b: 2 })).toBe(2);
    expect(failure('length', null).message).toContain('got a null');
    expect(call('tostring', 1e21)).toBe('1000000000000000000000');
    expect(call('tostring', true)).toBe('true');
    expect(call('tostring', null)).toBeNull();
    expect(failure('tostring', [1]).message).toContain('cannot convert a list to a string');
    expect(call('tonumber', '1.5e3')).toBe(1500);
    expect(call('tonumber', 7)).toBe(7);
    expect(call('tonumber', null)).toBeNull();
    expect(failure('tonumber', '0x10').message).toContain('cannot convert "0x10" to a number');
    expect(failure('tonumber', false).message).toContain('cannot convert a bool to a number');
    expect(call('jsonencode', { b: [1, 'x'], a: '<x>' })).toBe('{"a":"\\u003cx\\u003e","b":[1,"x"]}');
    expect(call('jsondecode', '[1,{"a":null}]')).toEqual([1, { a: null }]);
    expect(failure('jsondecode', '{').message).toContain('invalid JSON');
  });

  it('env reads the process environment', () => {
    expect(call('env', 'TEAM')).toBe('platform');
    expect(call('env', 'EMPTY', 'x')).toBe('');
    expect(call('env', 'MISSING', 'default')).toBe('default');
    expect(call('env', 'MISSING')).toBeNull();
  });
});
