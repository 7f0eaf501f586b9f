import { formatTerraformType, parseTerraformType, typeMismatches } from './terraform-types';

const never = () => false;
const check = (type: string, value: unknown) => typeMismatches(parseTerraformType(type), value, never);

describe('Terraform type constraints', () => {
  it('parses primitive, collection, tuple and object types, with optional attributes and their defaults', () => {
    expect(formatTerraformType(parseTerraformType('map(list(string))'))).toBe('map(list(string))');
    expect(formatTerraformType(parseTerraformType('tuple([string, number, bool])'))).toBe('tuple([string, number, bool])');
    const object = parseTerraformType('object({\n  name = string\n  port = optional(number, 80)\n  tags = optional(map(string), { a = "x,)" })\n  "quoted-key" = bool\n})');
    expect(object.kind).toBe('object');
    if (object.kind !== 'object') return;
    expect([...object.attributes].map(([k, v]) => [k, v.type.kind, v.optional])).toEqual([
      ['name', 'string', false], ['port', 'number', true], ['tags', 'map', true], ['quoted-key', 'bool', false],
    ]);
  });

  it('treats what it cannot parse (or no type at all) as any', () => {
    expect(parseTerraformType(undefined)).toEqual({ kind: 'any' });
    expect(parseTerraformType('list(string')).toEqual({ kind: 'any' });
    expect(parseTerraformType('something(else)')).toEqual({ kind: 'any' });
    expect(check('list(string', 42)).toEqual([]);
  });

  it('applies Terraform conversions: numbers and bools are strings, numeric strings numbers, "true" a bool', () => {
    expect(check('string', 5)).toEqual([]);
    expect(check('string', true)).toEqual([]);
    expect(check('number', '5.5')).toEqual([]);
    expect(check('bool', 'false')).toEqual([]);
    expect(check('number', 'five')).toEqual(['the value is the string "five", expected a number']);
    expect(check('number', '')).toEqual(['the value is the string "", expected a number']);
    expect(check('bool', 1)).toEqual(['the value is the number 1, expected a bool']);
    expect(check('string', ['a'])).toEqual(['the value is a list, expected a string']);
    expect(check('any', { a: [1] })).toEqual([]);
    expect(check('string', null)).toEqual([]);
  });

  it('checks collections element by element and objects attribute by attribute', () => {
    expect(check('list(number)', [1, 'x', 3])).toEqual(['[1] is the string "x", expected a number']);
    expect(check('set(string)', 'a')).toEqual(['the value is the string "a", expected a set(string)']);
    expect(check('map(bool)', { on: true, off: 'nope' })).toEqual(['["off"] is the string "nope", expected a bool']);
    expect(check('tuple([string, number])', ['a'])).toEqual(['the value is a list, expected a tuple of 2 elements']);
    const type = 'map(object({ name = string, port = optional(number) }))';
    expect(check(type, { a: { name: 'x', extra: 1 }, b: { port: 'http' } })).toEqual([
      '["b"] lacks the required attribute "name"',
      '["b"].port is the string "http", expected a number',
    ]);
  });

  it('lets opaque values (known only at run time) fit any type', () => {
    const opaque = (v: unknown) => v === 'RUNTIME';
    expect(typeMismatches(parseTerraformType('list(number)'), ['RUNTIME', 2], opaque)).toEqual([]);
    expect(typeMismatches(parseTerraformType('number'), 'RUNTIME', opaque)).toEqual([]);
  });
});
