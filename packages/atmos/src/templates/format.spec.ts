import { formatExp, formatFixed, formatGeneral } from './float-format';
import { formatNumber, formatValue, quote, quoteRune, sprint, sprintf, sprintln } from './format';

describe('formatNumber (%v of int and float64)', () => {
  it.each([
    [0, '0'],
    [42, '42'],
    [-7, '-7'],
    [2 ** 53, '9007199254740992'],
    [1.5, '1.5'],
    [-2.5, '-2.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [123456.7, '123456.7'],
    [1234567.8, '1.2345678e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-10, '1.5e-10'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ])('%s', (n, expected) => {
    expect(formatNumber(n)).toBe(expected);
  });
});

describe('exact float rounding (Go rounds ties to even on the exact binary value)', () => {
  it.each([
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [0.5, 0, '0'],
    [1.5, 0, '2'],
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [1.005, 2, '1.00'],
    [2.675, 2, '2.67'],
    [0.05, 1, '0.1'],
    [123.456, 6, '123.456000'],
    [0, 3, '0.000'],
    [1e22, 1, '10000000000000000000000.0'],
  ])('%s with %d decimals', (x, prec, expected) => {
    expect(formatFixed(x, prec)).toBe(expected);
  });

  it.each([
    [1234.5678, 6, '1.234568e+03'],
    [0, 6, '0.000000e+00'],
    [9.9995, 3, '9.999e+00'],
    [9.9996, 3, '1.000e+01'],
    [1e-7, 2, '1.00e-07'],
    [1e100, 1, '1.0e+100'],
  ])('%s in %%.%de', (x, prec, expected) => {
    expect(formatExp(x, prec)).toBe(expected);
  });

  it.each([
    [1234.5678, 3, '1.23e+03'],
    [1234.5678, -1, '1234.5678'],
    [100, 3, '100'],
    [1, 3, '1'],
    [0.00001234, -1, '1.234e-05'],
    [0.0001234, 2, '0.00012'],
    [123456, 6, '123456'],
    [1234567, 6, '1.23457e+06'],
  ])('%s in %%g with precision %d', (x, prec, expected) => {
    expect(formatGeneral(x, prec)).toBe(expected);
  });
});

describe('formatValue (%v)', () => {
  it.each([
    ['string', 'a b', 'a b'],
    ['nil', null, '<nil>'],
    ['undefined', undefined, '<nil>'],
    ['bool', true, 'true'],
    ['slice', [1, 'a', [2.5]], '[1 a [2.5]]'],
    ['map with sorted keys', { b: 1, a: [1, 2], c: { z: null } }, 'map[a:[1 2] b:1 c:map[z:<nil>]]'],
    ['Map', new Map<unknown, unknown>([[2, 'b'], [1, 'a']]), 'map[1:a 2:b]'],
    ['object with toString', { toString: () => 'custom' }, 'map[toString:func]'],
    ['class with toString', new (class { toString() { return 'S'; } })(), 'S'],
  ])('%s', (_name, value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });
});

describe('sprint and sprintln', () => {
  it('adds spaces only between two non-string operands (fmt.Sprint)', () => {
    expect(sprint([1, 2])).toBe('1 2');
    expect(sprint(['a', 1])).toBe('a1');
    expect(sprint([1, 'a'])).toBe('1a');
    expect(sprint([1, 2, 'a', 3, 4])).toBe('1 2a3 4');
    expect(sprint(['a', 'b'])).toBe('ab');
    expect(sprint([null, [1, null]])).toBe('<nil> [1 <nil>]');
  });

  it('always separates with spaces and ends with a newline (fmt.Sprintln)', () => {
    expect(sprintln(['a', 'b', 1])).toBe('a b 1\n');
    expect(sprintln([])).toBe('\n');
  });
});

describe('quote', () => {
  it.each([
    ['abc', '"abc"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['tab\tnl\ncr\r', '"tab\\tnl\\ncr\\r"'],
    ['\x00\x07\x7f', '"\\x00\\a\\x7f"'],
    ['é😀', '"é😀"'],
    ['\u00a0', '"\\u00a0"'],
    ['\u200b', '"\\u200b"'],
  ])('%j', (s, expected) => {
    expect(quote(s)).toBe(expected);
  });

  it('quotes runes', () => {
    expect(quoteRune(65)).toBe("'A'");
    expect(quoteRune(39)).toBe("'\\''");
    expect(quoteRune(10)).toBe("'\\n'");
  });
});

describe('sprintf', () => {
  it.each([
    ['%s', ['x'], 'x'],
    ['%v', [[1, 'a']], '[1 a]'],
    ['%d', [42], '42'],
    ['%5d|%-5d|%05d', [42, 42, 42], '   42|42   |00042'],
    ['%05d', [-42], '-0042'],
    ['%+d % d', [5, 5], '+5  5'],
    ['%.3d', [7], '007'],
    ['%x %X %o %b', [255, 255, 8, 5], 'ff FF 10 101'],
    ['%#x %#o %O', [255, 8, 8], '0xff 010 0o10'],
    ['%x', [-255], '-ff'],
    ['%c %q %U', [65, 65, 0x1f600], "A 'A' U+1F600"],
    ['%t %v', [true, false], 'true false'],
    ['%f', [3.14159], '3.141590'],
    ['%.2f', [3.14159], '3.14'],
    ['%8.3f|%-8.3f|', [3.14159, 3.14159], '   3.142|3.142   |'],
    ['%08.3f', [-3.14159], '-003.142'],
    ['%6.2f%%', [12.3456], ' 12.35%'],
    ['%.0f %.0f', [2.5, 3.5], '2 4'],
    ['%.1f', [2], '2.0'],
    ['%e', [1234.5678], '1.234568e+03'],
    ['%+.2e', [12345.678], '+1.23e+04'],
    ['%E', [0.000123], '1.230000E-04'],
    ['%g %g', [1234.5678, 0.00001234], '1234.5678 1.234e-05'],
    ['%.3g', [1234.5678], '1.23e+03'],
    ['%v', [1e6 + 0.5], '1.0000005e+06'],
    ['%f %v', [Infinity, -Infinity], '+Inf -Inf'],
    ['%5.1f|', [NaN], '  NaN|'],
    ['%s|%5s|%-5s|%.2s', ['ab', 'ab', 'ab', 'abc'], 'ab|   ab|ab   |ab'],
    ['%10.4v|', ['abcdefgh'], '      abcd|'],
    ['%q', ['hi "x"'], '"hi \\"x\\""'],
    ['%#q', ['hi'], '`hi`'],
    ['%x %X', ['hi', 'hi'], '6869 6869'],
    ['% x', ['hi'], '68 69'],
    ['%s', [['a', 'b']], '[a b]'],
    ['%q', [['a', 'b']], '["a" "b"]'],
    ['%d', [[1, 2]], '[1 2]'],
    ['%5v', [[1, 2]], '[    1     2]'],
    ['%v', [{ b: 2, a: 1 }], 'map[a:1 b:2]'],
    ['%s', [{ a: 1 }], 'map[a:%!s(int=1)]'],
    ['%T %T %T %T %T %T %T', ['a', 1, 1.5, true, [], {}, null], 'string int float64 bool []interface {} map[string]interface {} <nil>'],
    ['%%', [], '%'],
    ['100%% %s', ['done'], '100% done'],
    ['%[2]s %[1]s', ['a', 'b'], 'b a'],
    ['%[1]d %[1]x', [255], '255 ff'],
    ['%*d|%-*d|', [5, 42, 4, 7], '   42|7   |'],
    ['%.*f', [2, 3.14159], '3.14'],
  ])('%j', (format, args, expected) => {
    expect(sprintf(format, args)).toBe(expected);
  });

  it.each([
    ['%d', ['x'], '%!d(string=x)'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['%s', [5], '%!s(int=5)'],
    ['%t', ['x'], '%!t(string=x)'],
    ['%d', [true], '%!d(bool=true)'],
    ['%s', [null], '%!s(<nil>)'],
    ['%v', [null], '<nil>'],
    ['%z', [1], '%!z(int=1)'],
    ['%d %d', [1], '1 %!d(MISSING)'],
    ['a', [1, 'b'], 'a%!(EXTRA int=1, string=b)'],
    ['%', [], '%!(NOVERB)'],
    ['%[3]d', [1], '%!d(BADINDEX)'],
    ['%*d', ['x', 1], '%!(BADWIDTH)1'],
  ])('bad input %j', (format, args, expected) => {
    expect(sprintf(format, args)).toBe(expected);
  });
});
