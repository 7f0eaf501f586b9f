import { AtmosUserError } from '../errors/user-error';
import { parseManifest } from './parse';
import { YamlFunction, locationOf } from './values';

const file = '/repo/stacks/x.yaml';
const parse = (text: string) => parseManifest(text, { file });

function errorOf(fn: () => unknown): AtmosUserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AtmosUserError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseManifest', () => {
  it('keeps YAML function tags as functions with their position', () => {
    const value = parse('vars:\n  region: !env AWS_REGION us-east-1\n  vpc: !terraform.output vpc .vpc_id\n');
    const region = (value.vars as Record<string, unknown>).region as YamlFunction;
    expect(region).toBeInstanceOf(YamlFunction);
    expect(region.tag).toBe('!env');
    expect(region.args).toBe('AWS_REGION us-east-1');
    expect(region.location).toEqual({ file, line: 2, column: 11 });
    expect(String((value.vars as Record<string, unknown>).vpc)).toBe('!terraform.output vpc .vpc_id');
  });

  it('supports anchors, aliases and merge keys', () => {
    const value = parse('base: &b {a: 1, b: 2}\nother:\n  <<: *b\n  b: 3\nref: *b\n');
    expect(value.other).toEqual({ a: 1, b: 3 });
    expect(value.ref).toEqual({ a: 1, b: 2 });
  });

  it('reads YAML 1.2 scalars like Go yaml.v3 (yes/on stay strings)', () => {
    expect(parse('a: yes\nb: on\nc: true\ne: 1.50\nf: null\ng: ~\n')).toEqual({ a: 'yes', b: 'on', c: true, e: 1.5, f: null, g: null });
  });

  it('records map positions', () => {
    const value = parse('components:\n  terraform:\n    vpc:\n      vars: {}\n');
    const vpc = ((value.components as Record<string, unknown>).terraform as Record<string, unknown>).vpc;
    expect(locationOf(vpc)).toMatchObject({ file, line: 4 });
  });

  it('treats an empty file as an empty manifest', () => {
    expect(parse('')).toEqual({});
    expect(parse('# only a comment\n')).toEqual({});
  });

  it('reports syntax errors with file, line and column', () => {
    const error = errorOf(() => parse('vars:\n  a: 1\n   b: [\n'));
    expect(error.code).toBe('YAML_SYNTAX');
    expect(error.location?.file).toBe(file);
    expect(error.location?.line).toBeGreaterThanOrEqual(2);
    expect(error.format()).toMatch(/^\/repo\/stacks\/x\.yaml:\d+:\d+: invalid YAML/);
  });

  it('rejects duplicate keys like yaml.v3', () => {
    expect(errorOf(() => parse('a: 1\na: 2\n')).code).toBe('YAML_SYNTAX');
  });

  it('stops alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const error = errorOf(() => parse(lines.join('\n')));
    expect(error.code).toBe('YAML_ALIAS_LIMIT');
  });

  it('requires a map at the top level', () => {
    expect(errorOf(() => parse('- a\n- b\n')).code).toBe('INVALID_MANIFEST');
  });
});
