import { ExpressionError } from './errors';
import { format } from './format';

/** Expected values were produced by `terraform console` (v1.11.4). */
describe('format (Terraform semantics)', () => {
  it.each([
    ['%v|%v|%v|%v', [1234567, 0.1, 1e21, true], '1.234567e+06|0.1|1e+21|true'],
    ['%g|%g|%g', [1234567, 0.1, 1e21], '1.234567e+06|0.1|1e+21'],
    ['%.2f|%5d|%-5d|%05d|%+d|%x|%X|%o|%b', [3.14159, 42, 42, 42, 42, 255, 255, 8, 5], '3.14|   42|42   |00042|+42|ff|FF|10|101'],
    ['%q|%s|%#v|%v', ['a"b', 12, { a: [1, 2] }, [1, 'x']], '"a\\"b"|12|{"a":[1,2]}|[1,"x"]'],
    ['%e|%E|%t', [1234.5, 0.000012, false], '1.234500e+03|1.200000E-05|false'],
    ['%[2]s %[1]s', ['a', 'b'], 'b a'],
    ['%10.3s|%-6s|', ['abcdef', 'ab'], '       abc|ab    |'],
    ['%s', [1.5], '1.5'],
    ['%d', ['12'], '12'],
    ['%f|%.0f|%5.1f|%g', [2, 2.5, 3.14159, 100000000], '2.000000|2|  3.1|1e+08'],
    ['%v|%s', [1e-7, 1.25e-5], '1e-07|0.0000125'],
    ['%d|%x', [-42, -255], '-42|-ff'],
    ['% d|%+.1e', [5, 12345], ' 5|+1.2e+04'],
    ['%5.2f%%', [3.14159], ' 3.14%'],
    ['%5t|%-7v|%07.2f', [true, 'x', -3.14159], 'true|x      |-003.14'],
    ['%.0f|%.2f|%.1f|%.3e', [2.5, 0.125, 0.25, 1234.5], '2|0.12|0.2|1.234e+03'],
    ['%8.3f|%-8.2f|%+.1f|% .1f', [3.14159, 2.5, 2, 2], '   3.142|2.50    |+2.0| 2.0'],
    ['%g|%g|%g|%g|%.3g|%.10g', [0.0001, 0.00001, 123456, 1234567, 3.14159, 1.5], '0.0001|1e-05|123456|1.234567e+06|3.14|1.5'],
    ['%#x|%#o|%#b|%.5d|%8.3d|%-6d|', [255, 8, 5, 42, 7, -3], '0xff|010|0b101|00042|     007|-3    |'],
    ['%s|%s|%v|%v', [1e21, -0.5, -0.5, 100], '1000000000000000000000|-0.5|-0.5|100'],
    ['%5s|%-5s|%.2s|%05d', ['ab', 'ab', 'abcdef', -42], '   ab|ab   |ab|-0042'],
    ['%q|%q', ['tab\there', 12], '"tab\\there"|"12"'],
    ['%v|%#v', [{ b: 1, a: 'x' }, '<&>'], '{"a":"x","b":1}|"\\u003c\\u0026\\u003e"'],
    ['%e|%G|%E', [0, 1e-10, 123456789], '0.000000e+00|1E-10|1.234568E+08'],
    ['%d', [1e21], '1000000000000000000000'],
    ['%x|%X', [3735928559, 3735928559], 'deadbeef|DEADBEEF'],
    ['%.0e|%.1g', [15, 0.05], '2e+01|0.05'],
    ['%t', ['true'], 'true'],
    ['%s', [true], 'true'],
    ['%#v', ['a'], '"a"'],
    ['100%% sure', [], '100% sure'],
    ['%v', [null], 'null'],
  ])('format(%j, ...%j)', (spec, args, expected) => {
    expect(format(spec, args)).toBe(expected);
  });

  it.each([
    ['%d', [1.5], 'unsupported value for "%d" at 0: an integer is required'],
    ['%s', [], 'not enough arguments for "%s" at 0: need index 1 but have 0 total'],
    ['%s', ['a', 'b'], 'too many arguments; only 1 used by format string'],
    ['%v %s', ['a', [1]], 'unsupported value for "%s" at 3: string required, got a list'],
    ['%z', [1], `unsupported format verb 'z' in "%z" at offset 0`],
    ['%x', ['hello'], 'unsupported value for "%x" at 0: a number is required'],
    ['%t', [1], 'unsupported value for "%t" at 0: bool is required'],
    ['%s', [null], 'unsupported value for "%s" at 0: null value cannot be formatted'],
    ['%[3]s', ['a'], 'not enough arguments for "%[3]s" at 0: need index 3 but have 1 total'],
    ['abc %', [], 'invalid format verb at end of string: "%"'],
  ])('format(%j, ...%j) fails', (spec, args, message) => {
    expect(() => format(spec, args)).toThrow(ExpressionError);
    expect(() => format(spec, args)).toThrow(message);
  });
});
