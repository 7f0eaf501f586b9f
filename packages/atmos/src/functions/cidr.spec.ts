import { AtmosUserError } from '../errors/user-error';
import { cidrhost, cidrnetmask, cidrsubnet, cidrsubnets, type NumberLike } from './cidr';
import table from './cidr-table.json';

type Row = { fn: string; args: unknown[]; expression: string; result?: unknown; error?: string };

const functions: Record<string, (...args: never[]) => unknown> = { cidrsubnet, cidrhost, cidrnetmask, cidrsubnets };

function call(row: Row): unknown {
  const fn = functions[row.fn] as (...args: unknown[]) => unknown;
  return fn(...row.args);
}

const rows = table.cases as Row[];

describe('CIDR functions against terraform console', () => {
  it('has a substantial table from a real terraform', () => {
    expect(table.terraformVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(rows.length).toBeGreaterThanOrEqual(80);
    expect(rows.filter((r) => r.error !== undefined).length).toBeGreaterThanOrEqual(20);
    expect(rows.some((r) => r.args[0] && String(r.args[0]).includes(':'))).toBe(true);
  });

  const ok = rows.filter((r) => r.error === undefined).map((r) => [r.expression, r] as const);
  const bad = rows.filter((r) => r.error !== undefined).map((r) => [r.expression, r] as const);

  it.each(ok)('%s', (_expr, row) => {
    expect(call(row)).toEqual(row.result);
  });

  it.each(bad)('%s throws like terraform', (_expr, row) => {
    let thrown: unknown;
    try {
      call(row);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AtmosUserError);
    expect((thrown as AtmosUserError).code).toBe('FUNCTION_ERROR');
    expect((thrown as AtmosUserError).message).toBe(row.error);
  });
});

describe('CIDR functions: TypeScript API', () => {
  it('accepts bigint numbers for IPv6', () => {
    expect(cidrsubnet('2001:db8::/32', 96, (1n << 96n) - 1n)).toBe('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128');
    expect(cidrhost('2001:db8::/64', -1n)).toBe('2001:db8::ffff:ffff:ffff:ffff');
  });

  it('accepts numeric strings like Terraform and rejects others', () => {
    expect(cidrsubnet('10.0.0.0/16', '8', '1e0')).toBe('10.0.1.0/24');
    expect(() => cidrhost('10.0.0.0/24', '')).toThrow('a number is required');
    expect(() => cidrhost('10.0.0.0/24', NaN)).toThrow('value must be a whole number');
    expect(() => cidrsubnet('10.0.0.0/24', Infinity as NumberLike, 0)).toThrow('between');
  });

  it('rejects a negative newbits that would make the prefix negative (Terraform returns "<nil>")', () => {
    expect(() => cidrsubnet('10.0.0.0/2', -5, 0)).toThrow(AtmosUserError);
  });

  it('masks host bits of the input and compresses IPv6 output', () => {
    expect(cidrsubnet('10.1.2.3/16', 8, 5)).toBe('10.1.5.0/24');
    expect(cidrsubnet('fd00:fd12:3456:7890::/56', 16, 162)).toBe('fd00:fd12:3456:7800:a200::/72');
  });

  it('counts hosts from the end for negative numbers', () => {
    expect(cidrhost('10.0.0.0/24', -1)).toBe('10.0.0.255');
    expect(() => cidrhost('10.0.0.0/24', 256)).toThrow('prefix of 24 does not accommodate a host numbered 256');
  });

  it('has no netmask for IPv6', () => {
    expect(() => cidrnetmask('2001:db8::/32')).toThrow('IPv6 addresses cannot have a netmask');
  });

  it('returns an empty list without newbits', () => {
    expect(cidrsubnets('10.0.0.0/8')).toEqual([]);
  });
});
