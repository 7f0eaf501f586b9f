/**
 * gomplate's namespaces as Atmos stack templates see them. Expected values follow gomplate's
 * function reference (docs.gomplate.ca/functions/<namespace>) — the argument order (the value
 * worked on comes last), the conversions (`interface{}` arguments), the outputs' Go formatting.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { renderTemplate } from '../index';
import { namespaceMethods } from './gomplate';

const render = (source: string, data: unknown = {}, options: Parameters<typeof renderTemplate>[2] = {}) => renderTemplate(source, data, options);

describe('gomplate namespaces', () => {
  it.each([
    // docs.gomplate.ca/functions/strings
    ['{{ strings.Title .s }}', { s: 'hello world' }, 'Hello World'],
    ['{{ strings.Quote "a\\"b" }}', {}, '"a\\"b"'],
    ['{{ strings.Squote "it\'s" }}', {}, "'it''s'"],
    ['{{ strings.ToUpper "ab" }} {{ strings.ToLower "AB" }}', {}, 'AB ab'],
    ['{{ "hello" | strings.TrimPrefix "he" }}', {}, 'llo'],
    ['{{ strings.Trim "-" "--x--" }} {{ strings.TrimLeft "-" "--x--" }} {{ strings.TrimRight "-" "--x--" }}', {}, 'x x-- --x'],
    ['{{ strings.Repeat "3" "ab" }}', {}, 'ababab'],
    ['{{ strings.Split "," "a,b,c" }}', {}, '[a b c]'],
    ['{{ strings.SplitN "," 2 "a,b,c" }}', {}, '[a b,c]'],
    ['{{ strings.ReplaceAll "." "-" "a.b.c" }}', {}, 'a-b-c'],
    ['{{ strings.Contains "ell" "hello" }} {{ strings.HasPrefix "he" "hello" }} {{ strings.HasSuffix "lo" "hello" }}', {}, 'true true true'],
    ['{{ strings.Trunc 3 "hello" }}', {}, 'hel'],
    ['{{ strings.Indent 2 "a\\nb" }}', {}, '  a\n  b'],
    ['{{ strings.Slug "Hello, World!" }}', {}, 'hello-world'],
    ['{{ strings.KebabCase "fooBar baz" }} {{ strings.SnakeCase "FooBar" }} {{ strings.CamelCase "foo_bar" }}', {}, 'foo-bar-baz foo_bar fooBar'],
    ['{{ strings.ShellQuote "it\'s" }}', {}, `'it'"'"'s'`],
    ['{{ strings.TrimSpace "  x " }} {{ strings.RuneCount "héllo" }}', {}, 'x 5'],
    // docs.gomplate.ca/functions/conv
    ['{{ conv.ToInt "42" }} {{ conv.ToFloat64 "1.5" }} {{ conv.ToString 7 }}', {}, '42 1.5 7'],
    ['{{ conv.ToBool "yes" }} {{ conv.ToBool "0" }} {{ conv.Bool "true" }}', {}, 'true false true'],
    ['{{ conv.Default "x" "" }} {{ conv.Default "x" "y" }}', {}, 'x y'],
    ['{{ conv.Join .l "-" }}', { l: ['a', 'b'] }, 'a-b'],
    // docs.gomplate.ca/functions/coll
    ['{{ coll.Has .m "a" }} {{ coll.Has .l "z" }}', { m: { a: 1 }, l: ['a'] }, 'true false'],
    ['{{ coll.Keys .m }} {{ coll.Values .m }}', { m: { b: 2, a: 1 } }, '[a b] [1 2]'],
    ['{{ coll.Slice 1 2 3 | coll.Reverse }} {{ coll.Uniq (coll.Slice 1 1 2) }}', {}, '[3 2 1] [1 2]'],
    ['{{ coll.Append 3 (coll.Slice 1 2) }} {{ coll.Prepend 0 (coll.Slice 1) }}', {}, '[1 2 3] [0 1]'],
    ['{{ (coll.Merge .a .b).x }} {{ (coll.Merge .a .b).y }}', { a: { x: 1 }, b: { x: 2, y: 3 } }, '1 3'],
    ['{{ coll.Sort (coll.Slice "b" "a") }} {{ coll.Flatten (coll.Slice (coll.Slice 1 2) 3) }}', {}, '[a b] [1 2 3]'],
    ['{{ coll.Pick "a" .m }} {{ coll.Omit "a" .m }}', { m: { a: 1, b: 2 } }, 'map[a:1] map[b:2]'],
    // docs.gomplate.ca/functions/math
    ['{{ math.Add 1 2 3 }} {{ math.Sub 5 2 }} {{ math.Mul 2 3 }} {{ math.Div 7 2 }}', {}, '6 3 6 3.5'],
    ['{{ math.Max 1 5 3 }} {{ math.Min 4 2 }} {{ math.Pow 2 10 }} {{ math.Rem 7 3 }}', {}, '5 2 1024 1'],
    ['{{ math.Seq 3 }} {{ math.Seq 2 6 2 }} {{ math.Round 2.5 }} {{ math.IsInt "3" }}', {}, '[1 2 3] [2 4 6] 3 true'],
    // docs.gomplate.ca/functions/regexp
    ['{{ regexp.Replace "a(x*)b" "T${1}W" "-ab-axxb-" }}', {}, '-TW-TxxW-'],
    ['{{ regexp.Match "^a" "abc" }} {{ regexp.Find "[0-9]+" "ab12cd" }} {{ regexp.FindAll "a." "abacad" }}', {}, 'true 12 [ab ac ad]'],
    ['{{ regexp.Split "[,;]" "a,b;c" }} {{ regexp.QuoteMeta "a.b" }}', {}, '[a b c] a\\.b'],
    // docs.gomplate.ca/functions/crypto, base64
    ['{{ crypto.SHA1 "x" }}', {}, '11f6ad8ec52a2984abaafd7c3b516503785c2072'],
    ['{{ crypto.SHA256 "x" }}', {}, '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'],
    ['{{ base64.Encode "hi" }} {{ base64.Decode "aGk=" }}', {}, 'aGk= hi'],
    // docs.gomplate.ca/functions/path, filepath
    ['{{ path.Base "a/b/c.txt" }} {{ path.Dir "a/b/c.txt" }} {{ path.Ext "c.tar.gz" }} {{ path.Join "a" "b" }}', {}, 'c.txt a/b .gz a/b'],
    ['{{ filepath.Clean "a//b/../c/" }} {{ filepath.Rel "/a" "/a/b/c" }} {{ path.Match "*.tf" "main.tf" }}', {}, 'a/c b/c true'],
    // docs.gomplate.ca/functions/test
    ['{{ test.Ternary "y" "n" true }} {{ test.Kind 1 }} {{ test.IsKind "string" "x" }}', {}, 'y int true'],
    // docs.gomplate.ca/functions/data (without datasources)
    ['{{ (data.JSON "{\\"a\\":1}").a }} {{ data.ToJSON .m }}', { m: { b: true } }, '1 {"b":true}'],
  ])('%s', (source, data, expected) => {
    expect(render(source, data)).toBe(expected);
  });

  it('sprig functions of the same name keep winning (Atmos assigns Sprig over gomplate)', () => {
    expect(render('{{ env "GOMPLATE_SPEC_X" }}', {}, { env: { GOMPLATE_SPEC_X: 'sprig-env' } })).toBe('sprig-env');
    expect(render('{{ has 1 (list 1 2) }}')).toBe('true');
  });

  it('a wrong argument count names the namespace and method', () => {
    expect(() => render('{{ strings.Title "a" "b" }}')).toThrow(/wrong number of args for strings\.Title: want 1 got 2/);
  });

  it('network namespaces are an error naming the function', () => {
    for (const name of ['aws', 'net', 'http', 'datasource', 'ds', 'include']) {
      expect(() => render(`{{ ${name}.Anything }}`)).toThrow(new RegExp(`"${name}" functions are not available.*without network access`));
    }
  });

  it('time, uuid and random report that they change on every run', () => {
    const volatile: string[] = [];
    const out = render('{{ (time.Now).Format "2006" }}|{{ uuid.V4 }}|{{ random.AlphaNum 8 }}', {}, { onVolatile: (n) => volatile.push(n) });
    const [year, uuid, random] = out.split('|');
    expect(Number(year)).toBeGreaterThanOrEqual(2024);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(random).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(volatile).toEqual(['time', 'uuid', 'random']);
  });

  it('lists the documented methods of each pure namespace', () => {
    expect(namespaceMethods('strings')).toEqual(expect.arrayContaining(['Title', 'Quote', 'Squote', 'Split', 'ReplaceAll', 'Trim', 'TrimSpace', 'ToUpper', 'Slug']));
    expect(namespaceMethods('conv')).toEqual(expect.arrayContaining(['ToInt', 'ToString', 'ToBool', 'Default', 'Join']));
    expect(namespaceMethods('coll')).toEqual(expect.arrayContaining(['Dict', 'Slice', 'Has', 'Keys', 'Values', 'Merge', 'Sort']));
  });

  describe('file (read only, inside the repository)', () => {
    let repo: string;
    let outside: string;
    beforeEach(() => {
      repo = mkdtempSync(join(tmpdir(), 'gomplate-repo-'));
      outside = mkdtempSync(join(tmpdir(), 'gomplate-outside-'));
      writeFileSync(join(repo, 'tags.txt'), 'team-a');
      writeFileSync(join(outside, 'secret.txt'), 'secret');
      symlinkSync(join(outside, 'secret.txt'), join(repo, 'link.txt'));
    });
    afterEach(() => {
      rmSync(repo, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });

    it('reads a file inside the repository and reports the read', () => {
      const read: string[] = [];
      expect(render('{{ file.Read "tags.txt" }} {{ file.Exists "nope" }}', {}, { repoRoot: repo, onRead: (f) => read.push(f) })).toBe('team-a false');
      expect(read).toHaveLength(1);
    });

    it('refuses paths and symlinks that lead outside the repository, and writes', () => {
      // A sibling of the repository named after it, so it cannot exist (a fixed name like ../x can, in a shared /tmp).
      const missingSibling = `../${basename(repo)}-absent`;
      expect(() => render(`{{ file.Read "${missingSibling}" }}`, {}, { repoRoot: repo })).toThrow(/./);
      expect(() => render(`{{ file.Read "${missingSibling}" }}`, {}, { repoRoot: repo })).not.toThrow(/outside/); // does not exist: reported as missing
      expect(() => render(`{{ file.Read "${join(outside, 'secret.txt')}" }}`, {}, { repoRoot: repo })).toThrow(/resolves outside the repository/);
      expect(() => render('{{ file.Read "link.txt" }}', {}, { repoRoot: repo })).toThrow(/resolves outside the repository/);
      expect(() => render('{{ file.Read "/etc/passwd" }}', {}, { repoRoot: repo })).toThrow(/resolves outside the repository/);
      expect(() => render('{{ file.Write "x" "y" }}', {}, { repoRoot: repo })).toThrow(/never writes files/);
    });
  });
});
