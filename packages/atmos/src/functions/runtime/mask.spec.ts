/**
 * Secret masking: SecretMasker itself, and terraform/process.ts's line-wise masking of a live
 * process's output (a small node script stands in for the terraform binary, writing secrets split
 * across writes and across lines).
 */
import { runTerraform } from '../../terraform/process';
import { SecretMasker } from './mask';

describe('SecretMasker', () => {
  it('replaces every occurrence with ***', () => {
    const masker = new SecretMasker(['hunter2', 's3cr3t']);
    expect(masker.mask('pw=hunter2 again hunter2, other=s3cr3t')).toBe('pw=*** again ***, other=***');
    expect(masker.mask('nothing here')).toBe('nothing here');
  });

  it('masks the longest secret whole when one contains another', () => {
    const masker = new SecretMasker(['abc', 'abcdef']);
    expect(masker.mask('x abcdef y abc')).toBe('x *** y ***');
  });

  it('escapes regular-expression characters in secrets', () => {
    const masker = new SecretMasker(['a.b*c(d)[e]$^|+?{1}\\']);
    expect(masker.mask('value: a.b*c(d)[e]$^|+?{1}\\ end')).toBe('value: *** end');
    expect(masker.mask('axb*c(d)[e]')).toBe('axb*c(d)[e]');
  });

  it('ignores secrets shorter than 3 characters (they would mask everything) and duplicates', () => {
    const masker = new SecretMasker(['', 'a', 'ab', 'abc', 'abc']);
    expect(masker.mask('a ab abc')).toBe('a ab ***');
    expect(new SecretMasker([]).mask('anything')).toBe('anything');
  });

  it('masks multi-line secrets', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQ\n-----END KEY-----';
    expect(new SecretMasker([key]).mask(`key:\n${key}\ndone`)).toBe('key:\n***\ndone');
  });

  it('maskValue masks strings inside nested values and keeps other types', () => {
    const masker = new SecretMasker(['pw-123']);
    expect(masker.maskValue({ vars: { password: 'pw-123', url: 'postgres://u:pw-123@h', port: 5432, list: ['pw-123', true, null] } })).toEqual({
      vars: { password: '***', url: 'postgres://u:***@h', port: 5432, list: ['***', true, null] },
    });
    const value = { a: 1 };
    expect(new SecretMasker([]).maskValue(value)).toBe(value);
  });

  // BUG (mask.ts SecretMasker.maskValue): only strings are masked, so a sensitive number (a PIN, a
  // port collected as the secret "424242" by outputs.ts collectSecrets) is shown by `atmos-nx describe
  // component`. Fix: in maskValue, mask a number/boolean whose String() is a secret (return "***").
  it('maskValue masks numbers that are secrets', () => {
    const masker = new SecretMasker(['424242']);
    expect(masker.maskValue({ pin: 424242, other: 7 })).toEqual({ pin: '***', other: 7 });
  });

  // BUG (mask.ts SecretMasker): terraform prints strings JSON-escaped in `output -json` and in
  // `-json` plan/apply logs (Go's encoder also turns <, >, & into \u003c, \u003e, \u0026), so a
  // secret holding a quote, backslash or one of those characters is printed in a form the masker
  // does not know. Fix: for each secret also register JSON.stringify(secret).slice(1, -1) and its
  // HTML-escaped variant.
  it('masks the JSON-escaped form terraform prints', () => {
    const secret = 'p"w\\<x>&y';
    const masker = new SecretMasker([secret]);
    const goJson = JSON.stringify({ db_password: { sensitive: true, value: secret } }).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
    expect(masker.mask(goJson)).not.toContain('p\\"w');
    expect(masker.mask(JSON.stringify(secret))).toBe('"***"');
  });
});

describe('runTerraform masks the live output of the process', () => {
  const SECRET = 'pw-Very-Secret-42';
  const MULTILINE = 'line-one-of-key\nline-two-of-key';

  /** Runs `node -e script` as if it were terraform; collects what would reach the terminal. */
  async function run(script: string, secrets: string[], captureStdout = false) {
    const masker = new SecretMasker(secrets);
    const out: Array<{ at: number; text: string }> = [];
    const err: string[] = [];
    const result = await runTerraform({
      binary: process.execPath,
      args: ['-e', script],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH },
      stdout: (chunk) => out.push({ at: Date.now(), text: chunk.toString('utf8') }),
      stderr: (chunk) => err.push(chunk.toString('utf8')),
      captureStdout,
      mask: (text) => masker.mask(text),
    });
    return { result, stdout: out.map((c) => c.text).join(''), chunks: out, stderr: err.join('') };
  }

  /** A script that writes `parts` one by one, `delay` ms apart, to the given stream. */
  const writer = (parts: string[], stream = 'stdout', delay = 30) =>
    `{ const parts = ${JSON.stringify(parts)}; let i = 0;` +
    `const next = () => { if (i === parts.length) return; process.${stream}.write(parts[i++]); setTimeout(next, ${delay}); }; next(); }`;

  it('a secret split across writes is masked on stdout and stderr', async () => {
    const parts = ['Plan: password = "pw-Very', '-Secret', '-42"\n', 'tail pw-Very-Sec', 'ret-42'];
    const { stdout, stderr, result } = await run(`${writer(parts)}\n${writer(parts, 'stderr')}`, [SECRET]);
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe('Plan: password = "***"\ntail ***');
    expect(stderr).toBe('Plan: password = "***"\ntail ***');
    expect(stdout + stderr).not.toContain(SECRET);
    // terraform's own exit-failure tail keeps the raw text (not printed by runTerraform)
    expect(result.stderrTail).toContain(SECRET);
  });

  it('output stays live: complete lines are written before the process ends', async () => {
    const { chunks } = await run(writer(['first line\n', 'second line\n'], 'stdout', 400), [SECRET]);
    expect(chunks.map((c) => c.text)).toEqual(['first line\n', 'second line\n']);
    expect(chunks[1].at - chunks[0].at).toBeGreaterThanOrEqual(300);
  });

  it('without secrets nothing is buffered', async () => {
    const masker = new SecretMasker([]);
    const out: string[] = [];
    await runTerraform({ binary: process.execPath, args: ['-e', writer(['no newline', ' yet'])], cwd: process.cwd(), env: { PATH: process.env.PATH },
      stdout: (chunk) => out.push(chunk.toString('utf8')), stderr: () => undefined, mask: (text) => masker.mask(text) });
    expect(out.join('')).toBe('no newline yet');
  });

  it('captured stdout (output -json) is returned raw for the caller to mask', async () => {
    const { result, stdout } = await run(writer([`{"v":"${SECRET}"}\n`]), [SECRET], true);
    expect(stdout).toBe('');
    expect(result.stdout).toBe(`{"v":"${SECRET}"}\n`);
    expect(new SecretMasker([SECRET]).mask(result.stdout)).toBe('{"v":"***"}\n');
  });

  it('a multi-line secret written in one piece is masked', async () => {
    const { stdout } = await run(writer([`key = <<EOT\n${MULTILINE}\nEOT\n`]), [MULTILINE]);
    expect(stdout).toBe('key = <<EOT\n***\nEOT\n');
  });

  // BUG (terraform/process.ts lineWriter + mask.ts): output is masked line by line as soon as a
  // newline arrives, so a multi-line secret (a PEM key, a JSON document) whose lines arrive in
  // separate writes is never seen whole and is printed in clear. Fix: SecretMasker should also
  // register every line (>= 3 characters) of a multi-line secret, or lineWriter should hold back
  // complete lines while the pending text ends with a proper prefix of a multi-line secret.
  it('a multi-line secret split across writes is masked', async () => {
    const { stdout } = await run(writer(['key = <<EOT\nline-one-of-key\n', 'line-two-of-key\nEOT\n']), [MULTILINE]);
    expect(stdout).not.toContain('line-one-of-key');
    expect(stdout).not.toContain('line-two-of-key');
  });
});
