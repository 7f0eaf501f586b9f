import { QueryError, applyQuery } from './query';

describe('applyQuery (yq subset)', () => {
  const value = { vpc_id: 'vpc-1', subnets: ['a', 'b'], nested: { 'with-dash': { x: 1 } }, empty: null };
  it('reads paths and indexes', () => {
    expect(applyQuery(value, '.vpc_id')).toBe('vpc-1');
    expect(applyQuery(value, '.subnets[1]')).toBe('b');
    expect(applyQuery(value, '.subnets[-1]')).toBe('b');
    expect(applyQuery(value, '.nested["with-dash"].x')).toBe(1);
    expect(applyQuery(value, '.')).toBe(value);
  });
  it('uses // defaults for missing or null values', () => {
    expect(applyQuery(value, '.missing // "none"')).toBe('none');
    expect(applyQuery(value, '.empty // 3')).toBe(3);
    expect(applyQuery(value, '.vpc_id // "none"')).toBe('vpc-1');
    expect(applyQuery(value, '.missing // ["a"]')).toEqual(['a']);
  });
  it('rejects what it cannot read', () => {
    expect(() => applyQuery(value, 'vpc_id')).toThrow(QueryError);
    expect(() => applyQuery(value, '.a b')).toThrow(QueryError);
  });
});
