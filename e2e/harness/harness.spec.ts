/**
 * Proof that the shared e2e harness works: the REAL terraform against the S3 +
 * DynamoDB emulators (state in S3, locking through DynamoDB), the SSM
 * emulator through the real @aws-sdk/client-ssm, the workspace runner, and
 * that no emulator process survives.
 */
import { spawn, execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
  paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { Readable } from 'stream';
import {
  Emulators,
  FAKE_CREDENTIALS,
  awsEnv,
  backendTfJson,
  dynamoClient,
  s3BackendConfig,
  s3Client,
  ssmClient,
  startEmulators,
  toHclAttributes,
} from './emulators';
import { TerraformInfo, requireTerraform, runTerraform } from './terraform';
import { RunResult, Workspace, assertSuccess, createWorkspace, formatRunResult, runCommand } from './workspace';

jest.setTimeout(240_000);

const FIXTURE = path.join(__dirname, '__fixtures__', 'tiny-component');

/** True while the process exists and is not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** PIDs of every running harness emulator child, from `ps`. */
function emulatorPidsFromPs(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('emulator-child.ts'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe('e2e harness', () => {
  let tf: TerraformInfo;
  let emu: Emulators;
  let startedPids: number[] = [];

  beforeAll(async () => {
    tf = requireTerraform();
    emu = await startEmulators({ s3: true, dynamodb: true, ssm: true });
    startedPids = Object.values(emu.pids) as number[];
  });

  afterAll(async () => {
    await emu?.stop();
    // Every emulator we started is gone (checked through ps as well).
    const remaining = emulatorPidsFromPs().filter((p) => startedPids.includes(p));
    expect(remaining).toEqual([]);
    for (const pid of startedPids) expect(isAlive(pid)).toBe(false);
  });

  it('finds the real terraform and starts all emulators on loopback ephemeral ports', () => {
    expect(tf.path).toMatch(/terraform$/);
    expect(tf.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const kind of ['s3', 'dynamodb', 'ssm'] as const) {
      expect(emu.endpoints[kind]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emu.pids[kind]).toEqual(expect.any(Number));
      expect(emu.pids[kind]).not.toBe(process.pid);
    }
    expect(new Set(startedPids).size).toBe(3);
    const env = awsEnv(emu.endpoints);
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: emu.endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: emu.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SSM: emu.endpoints.ssm,
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });

  it('requireTerraform throws (never skips) with the reason when terraform is missing', () => {
    expect(() => requireTerraform({ defaultPath: '/nonexistent/terraform', pathEnv: '/nonexistent/bin' })).toThrow(
      /terraform is required .*\/nonexistent\/terraform does not exist .*no executable "terraform" is on PATH \(\/nonexistent\/bin\)/,
    );
    // …and falls back to PATH when the default location is missing.
    expect(requireTerraform({ defaultPath: '/nonexistent/terraform', pathEnv: path.dirname(tf.path) }).path).toBe(tf.path);
  });

  describe('terraform s3 backend with DynamoDB locking (real terraform)', () => {
    const bucket = 'tfstate-e2e';
    const table = 'tf-locks';
    const key = 'tiny/terraform.tfstate';
    const prefix = 'components';
    let ws: Workspace;
    let env: Record<string, string | undefined>;
    let s3: S3Client;

    beforeAll(async () => {
      await emu.createBucket(bucket);
      await emu.createLockTable(table);
      s3 = s3Client(emu.endpoints);
      env = awsEnv(emu.endpoints);
      ws = createWorkspace({ fixture: FIXTURE, git: true });
    });

    afterAll(() => {
      s3?.destroy();
      ws?.cleanup();
    });

    const tfRun = async (args: string[], okCodes = [0]): Promise<RunResult> =>
      assertSuccess(await runTerraform(args, { cwd: ws.root, env, timeoutMs: 120_000 }), okCodes);

    it('init + workspace new + apply stores state under <workspace_key_prefix>/<ws>/<key> and locks via DynamoDB', async () => {
      const backend = s3BackendConfig(emu.endpoints, { bucket, table, key, workspaceKeyPrefix: prefix });
      expect(backend.endpoints).toEqual({ s3: emu.endpoints.s3, dynamodb: emu.endpoints.dynamodb });
      ws.writeJson('backend.tf.json', backendTfJson(backend));
      ws.writeJson('dev.tfvars.json', { name: 'harness', stage: 'dev', hold_lock_seconds: 3 });

      const init = await tfRun(['init', '-input=false', '-no-color']);
      expect(init.stderr).not.toMatch(/Error|CLI configuration/);
      expect(init.stdout).toContain('Successfully configured the backend "s3"');
      expect(init.stdout).toContain('Terraform has been successfully initialized');

      const wsNew = await tfRun(['workspace', 'new', '-no-color', 'dev']);
      expect(wsNew.stdout).toContain('Created and switched to workspace "dev"');

      // Apply (holding the lock ~3 s in a local-exec provisioner) while polling the lock table.
      const ddb = dynamoClient(emu.endpoints);
      const statePath = `${prefix}/dev/${key}`;
      const lockId = `${bucket}/${statePath}`;
      const seenLocks: Array<Record<string, unknown>> = [];
      let applying = true;
      const poller = (async () => {
        while (applying) {
          const { Items = [] } = await ddb.send(new ScanCommand({ TableName: table }));
          for (const item of Items) {
            if (item.LockID?.S === lockId) seenLocks.push({ LockID: item.LockID.S, Info: item.Info?.S });
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const apply = await runTerraform(['apply', '-auto-approve', '-input=false', '-no-color', '-var-file=dev.tfvars.json'], {
        cwd: ws.root,
        env,
        timeoutMs: 120_000,
      }).finally(() => {
        applying = false;
      });
      await poller;
      assertSuccess(apply);
      expect(apply.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');

      // The lock item was held during the apply, with terraform's lock info…
      expect(seenLocks.length).toBeGreaterThan(0);
      const info = JSON.parse(String(seenLocks[0].Info)) as { Operation?: string; Path?: string };
      expect(info.Operation).toBe('OperationTypeApply');
      expect(info.Path).toBe(lockId);

      // …and released afterwards, leaving the state digest item.
      const { Items = [] } = await ddb.send(new ScanCommand({ TableName: table }));
      const ids = Items.map((i) => i.LockID?.S);
      expect(ids).not.toContain(lockId);
      const digestItem = Items.find((i) => i.LockID?.S === `${lockId}-md5`);
      expect(digestItem?.Digest?.S).toMatch(/^[0-9a-f]{32}$/);
      ddb.destroy();

      // State object at <workspace_key_prefix>/dev/<key>, matching the digest.
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect((listed.Contents ?? []).map((o) => o.Key)).toContain(statePath);
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: statePath }));
      const body = await obj.Body!.transformToString();
      expect(createHash('md5').update(body).digest('hex')).toBe(digestItem?.Digest?.S);
      const state = JSON.parse(body) as { outputs: Record<string, { value: unknown }>; resources: Array<{ type: string }> };
      expect(state.outputs.greeting.value).toBe('hello harness from dev');
      expect(state.resources.map((r) => r.type)).toEqual(['terraform_data']);

      // Nothing left to do.
      const plan = await tfRun(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-var-file=dev.tfvars.json']);
      expect(plan.exitCode).toBe(0);
      expect(plan.stdout).toContain('No changes.');

      // A changed input is a diff (exit code 2), proving plan really reads the remote state.
      ws.writeJson('dev.tfvars.json', { name: 'changed', stage: 'dev', hold_lock_seconds: 0 });
      const plan2 = await tfRun(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-var-file=dev.tfvars.json'], [2]);
      expect(plan2.exitCode).toBe(2);
    });

    it.each([
      ['with endpoints = { s3, dynamodb } in the HCL', true],
      ['with endpoints taken from awsEnv (AWS_ENDPOINT_URL_S3/_DYNAMODB) only', false],
    ])('partial config from a .tfbackend file, %s', async (_label, withEndpoints) => {
      const stateKey = `hcl-${withEndpoints ? 'cfg' : 'env'}/terraform.tfstate`;
      const ws2 = createWorkspace({ fixture: FIXTURE });
      try {
        const cfg: Partial<ReturnType<typeof s3BackendConfig>> = s3BackendConfig(emu.endpoints, { bucket, table, key: stateKey });
        if (withEndpoints) {
          expect(toHclAttributes(cfg)).toContain(`endpoints = {\n  s3 = "${emu.endpoints.s3}"\n  dynamodb = "${emu.endpoints.dynamodb}"\n}`);
        } else {
          delete cfg.endpoints;
        }
        ws2.writeFile('backend.tf', 'terraform {\n  backend "s3" {}\n}\n');
        ws2.writeFile('dev.tfbackend', `${toHclAttributes(cfg)}\n`);
        const run = (args: string[]) => runTerraform(args, { cwd: ws2.root, env, timeoutMs: 120_000 });
        const init = assertSuccess(await run(['init', '-input=false', '-no-color', '-backend-config=dev.tfbackend']));
        expect(init.stdout).toContain('Successfully configured the backend "s3"');
        assertSuccess(await run(['apply', '-auto-approve', '-input=false', '-no-color', '-var=name=hcl']));
        const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: stateKey }));
        const state = JSON.parse(await obj.Body!.transformToString()) as { outputs: Record<string, { value: unknown }> };
        expect(state.outputs.name.value).toBe('hcl');
        const ddb = dynamoClient(emu.endpoints);
        const { Items = [] } = await ddb.send(new ScanCommand({ TableName: table }));
        ddb.destroy();
        expect(Items.map((i) => i.LockID?.S)).toContain(`${bucket}/${stateKey}-md5`);
      } finally {
        ws2.cleanup();
      }
    });
  });

  describe('S3 emulator', () => {
    it('stores streamed aws-chunked uploads from a default-configured SDK client correctly', async () => {
      await emu.createBucket('chunked-bucket');
      const client = new S3Client({ region: 'us-east-1', endpoint: emu.endpoints.s3, forcePathStyle: true, credentials: { ...FAKE_CREDENTIALS } });
      try {
        await client.send(
          new PutObjectCommand({ Bucket: 'chunked-bucket', Key: 'k', Body: Readable.from([Buffer.from('hello '), Buffer.from('stream')]), ContentLength: 12 }),
        );
        const got = await client.send(new GetObjectCommand({ Bucket: 'chunked-bucket', Key: 'k' }));
        expect(await got.Body!.transformToString()).toBe('hello stream');
      } finally {
        client.destroy();
      }
    });
  });

  describe('SSM emulator through @aws-sdk/client-ssm', () => {
    let ssm: SSMClient;
    beforeAll(() => {
      // Exactly the configuration the task prescribes: endpoint, static fake credentials, us-east-1.
      ssm = new SSMClient({
        endpoint: emu.endpoints.ssm,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
      });
    });
    afterAll(() => ssm?.destroy());

    it('SecureString: opaque without decryption, plaintext with it; Version and LastModifiedDate', async () => {
      const before = Date.now();
      const put = await ssm.send(new PutParameterCommand({ Name: '/app/dev/db/password', Value: 's3cr3t!', Type: 'SecureString' }));
      expect(put.Version).toBe(1);

      const enc = await ssm.send(new GetParameterCommand({ Name: '/app/dev/db/password', WithDecryption: false }));
      expect(enc.Parameter?.Type).toBe('SecureString');
      expect(enc.Parameter?.Value).not.toContain('s3cr3t');
      expect(enc.Parameter?.Value).toMatch(/^[A-Za-z0-9+/]{20,}={0,2}$/);
      const again = await ssm.send(new GetParameterCommand({ Name: '/app/dev/db/password' }));
      expect(again.Parameter?.Value).toBe(enc.Parameter?.Value);

      const dec = await ssm.send(new GetParameterCommand({ Name: '/app/dev/db/password', WithDecryption: true }));
      expect(dec.Parameter).toMatchObject({ Name: '/app/dev/db/password', Type: 'SecureString', Value: 's3cr3t!', Version: 1 });
      expect(dec.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
      expect(dec.Parameter!.LastModifiedDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(dec.Parameter!.LastModifiedDate!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(dec.Parameter?.ARN).toBe('arn:aws:ssm:us-east-1:000000000000:parameter/app/dev/db/password');

      await expect(ssm.send(new PutParameterCommand({ Name: '/app/dev/db/password', Value: 'x', Type: 'SecureString' }))).rejects.toMatchObject({
        name: 'ParameterAlreadyExists',
      });
      const over = await ssm.send(new PutParameterCommand({ Name: '/app/dev/db/password', Value: 'n3w', Overwrite: true }));
      expect(over.Version).toBe(2);
      const v2 = await ssm.send(new GetParameterCommand({ Name: '/app/dev/db/password', WithDecryption: true }));
      expect(v2.Parameter).toMatchObject({ Value: 'n3w', Version: 2, Type: 'SecureString' });
      const v1 = await ssm.send(new GetParameterCommand({ Name: '/app/dev/db/password:1', WithDecryption: true }));
      expect(v1.Parameter).toMatchObject({ Value: 's3cr3t!', Version: 1, Selector: ':1' });
    });

    it('String / StringList round trip and ParameterNotFound errors', async () => {
      await ssm.send(new PutParameterCommand({ Name: '/app/dev/region', Value: 'us-east-1', Type: 'String' }));
      await ssm.send(new PutParameterCommand({ Name: '/app/dev/azs', Value: 'a,b,c', Type: 'StringList' }));
      const list = await ssm.send(new GetParameterCommand({ Name: '/app/dev/azs' }));
      expect(list.Parameter).toMatchObject({ Type: 'StringList', Value: 'a,b,c', DataType: 'text' });

      const missing = ssm.send(new GetParameterCommand({ Name: '/does/not/exist' }));
      await expect(missing).rejects.toMatchObject({
        name: 'ParameterNotFound',
        $metadata: expect.objectContaining({ httpStatusCode: 400 }),
      });

      await ssm.send(new DeleteParameterCommand({ Name: '/app/dev/region' }));
      await expect(ssm.send(new GetParameterCommand({ Name: '/app/dev/region' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
      await expect(ssm.send(new DeleteParameterCommand({ Name: '/app/dev/region' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    });

    it('raw protocol: JSON 1.1 content type and {"__type","message"} error shape with HTTP 400', async () => {
      const res = await fetch(emu.endpoints.ssm!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonSSM.GetParameter' },
        body: JSON.stringify({ Name: '/nope' }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(await res.json()).toEqual({ __type: 'ParameterNotFound', message: 'Parameter /nope not found.' });
    });

    it('GetParameters: InvalidParameters for missing names, at most 10 names, one call per batch', async () => {
      await ssm.send(new PutParameterCommand({ Name: '/batch/one', Value: '1', Type: 'String' }));
      await ssm.send(new PutParameterCommand({ Name: '/batch/two', Value: '2', Type: 'SecureString' }));
      await emu.resetSsmStats();

      const res = await ssm.send(new GetParametersCommand({ Names: ['/batch/one', '/batch/missing', '/batch/two'], WithDecryption: true }));
      expect(res.Parameters?.map((p) => [p.Name, p.Value]).sort()).toEqual([
        ['/batch/one', '1'],
        ['/batch/two', '2'],
      ]);
      expect(res.InvalidParameters).toEqual(['/batch/missing']);

      const eleven = Array.from({ length: 11 }, (_, i) => `/batch/n${i}`);
      await expect(ssm.send(new GetParametersCommand({ Names: eleven }))).rejects.toMatchObject({ name: 'ValidationException' });

      const stats = await emu.ssmStats();
      expect(stats.calls).toEqual({ GetParameters: 2 });
      expect(stats.errors).toEqual({ GetParameters: 1 });
      expect(stats.total).toBe(2);
    });

    it('GetParametersByPath: recursive vs direct children, paginated with NextToken/MaxResults', async () => {
      const names: string[] = [];
      for (let i = 0; i < 12; i++) names.push(`/tree/a/p${String(i).padStart(2, '0')}`);
      for (let i = 0; i < 11; i++) names.push(`/tree/a/deep/q${String(i).padStart(2, '0')}`);
      names.push('/tree/other');
      for (const n of names) await ssm.send(new PutParameterCommand({ Name: n, Value: `v:${n}`, Type: 'String' }));
      await ssm.send(new PutParameterCommand({ Name: '/tree/a/secret', Value: 'hidden', Type: 'SecureString' }));
      await emu.resetSsmStats();

      // Recursive, manual pagination with MaxResults 10.
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await ssm.send(new GetParametersByPathCommand({ Path: '/tree/a', Recursive: true, MaxResults: 10, NextToken: token, WithDecryption: true }));
        pages++;
        expect(page.Parameters!.length).toBeLessThanOrEqual(10);
        seen.push(...page.Parameters!.map((p) => p.Name!));
        token = page.NextToken;
      } while (token);
      const expected = [...names.filter((n) => n.startsWith('/tree/a/')), '/tree/a/secret'].sort();
      expect(seen).toEqual(expected); // 24 parameters
      expect(pages).toBe(3);
      expect((await emu.ssmStats()).calls).toEqual({ GetParametersByPath: 3 });

      // Non-recursive: only direct children; SecureString stays encrypted without WithDecryption.
      const direct: Array<{ Name?: string; Value?: string }> = [];
      for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 5 }, { Path: '/tree/a/', Recursive: false })) {
        direct.push(...(page.Parameters ?? []));
      }
      expect(direct.map((p) => p.Name)).toEqual([...names.filter((n) => /^\/tree\/a\/p\d+$/.test(n)), '/tree/a/secret'].sort());
      expect(direct.find((p) => p.Name === '/tree/a/secret')?.Value).not.toBe('hidden');

      await expect(ssm.send(new GetParametersByPathCommand({ Path: '/tree', MaxResults: 11 }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(ssm.send(new GetParametersByPathCommand({ Path: '/tree', NextToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidNextToken' });
    });

    it('ssmClient(endpoints) helper talks to the same emulator', async () => {
      const client = ssmClient(emu.endpoints);
      try {
        const r = await client.send(new GetParameterCommand({ Name: '/app/dev/azs' }));
        expect(r.Parameter?.Value).toBe('a,b,c');
      } finally {
        client.destroy();
      }
    });
  });

  it('startEmulators({ bucket, lockTable }) creates them; emu.clients are made once and destroyed by stop()', async () => {
    const own = await startEmulators({ s3: true, dynamodb: true, bucket: 'made-for-me', lockTable: 'made-locks' });
    try {
      expect(own.clients.s3).toBe(own.clients.s3);
      const buckets = await own.clients.s3.send(new ListBucketsCommand({}));
      expect(buckets.Buckets?.map((b) => b.Name)).toEqual(['made-for-me']);
      const table = await own.clients.dynamodb.send(new DescribeTableCommand({ TableName: 'made-locks' }));
      expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'LockID', KeyType: 'HASH' }]);
      const destroy = jest.spyOn(own.clients.s3, 'destroy');
      await own.stop();
      expect(destroy).toHaveBeenCalledTimes(1);
    } finally {
      await own.stop();
    }
    for (const pid of Object.values(own.pids)) expect(() => process.kill(pid as number, 0)).toThrow();
  });

  describe('workspace', () => {
    it('copies the fixture, writes files, commits with git and runs commands with the harness env', async () => {
      const ws = createWorkspace({ fixture: FIXTURE, files: { 'nested/dir/file.txt': 'content' }, git: true });
      try {
        expect(ws.root.startsWith(fs.realpathSync(require('os').tmpdir()))).toBe(true);
        expect(ws.exists('main.tf')).toBe(true);
        expect(ws.readFile('nested/dir/file.txt')).toBe('content');
        expect(ws.git(['log', '--oneline']).trim().split('\n')).toHaveLength(1);
        expect(ws.git(['status', '--porcelain']).trim()).toBe('');
        ws.writeFile('new.txt', 'x');
        const sha = ws.commit('second');
        expect(sha).toMatch(/^[0-9a-f]{40}$/);
        expect(ws.git(['log', '--oneline']).trim().split('\n')).toHaveLength(2);

        const r = assertSuccess(
          await ws.run('sh', ['-c', 'echo "$NX_DAEMON $NX_NO_CLOUD $CI $TF_IN_AUTOMATION $EXTRA ${UNSET_ME:-unset}"; echo err >&2; pwd'], {
            env: { EXTRA: 'extra', UNSET_ME: undefined },
          }),
        );
        expect(r.stdout.split('\n')[0]).toBe('false true true 1 extra unset');
        expect(r.stdout.split('\n')[1]).toBe(ws.root);
        expect(r.stderr).toBe('err\n');

        const fail = await ws.run('sh', ['-c', 'exit 3']);
        expect(fail.exitCode).toBe(3);
        expect(() => assertSuccess(fail)).toThrow(/exit code 3/);
      } finally {
        ws.cleanup();
      }
      expect(fs.existsSync(ws.root)).toBe(false);
    });

    it('kills the whole process tree on timeout', async () => {
      // A background grandchild (reports its PID) plus the command itself, both sleeping.
      const r = await runCommand('sh', ['-c', 'sleep 30 & echo "$!"; exec sleep 31'], { timeoutMs: 500 });
      expect(r.timedOut).toBe(true);
      expect(r.exitCode).toBeNull();
      expect(r.durationMs).toBeLessThan(10_000);
      expect(formatRunResult(r)).toContain('TIMED OUT');
      const grandchild = Number(r.stdout.trim());
      expect(grandchild).toBeGreaterThan(1);
      expect(await waitFor(() => !isAlive(grandchild), 5000)).toBe(true);
    });
  });

  describe('emulator process lifecycle', () => {
    it('stop() kills the children by PID and waits', async () => {
      const extra = await startEmulators({ dynamodb: true, ssm: true });
      const pids = Object.values(extra.pids) as number[];
      expect(pids).toHaveLength(2);
      for (const pid of pids) expect(isAlive(pid)).toBe(true);
      await extra.stop();
      await extra.stop(); // idempotent
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
      expect(emulatorPidsFromPs().filter((p) => pids.includes(p))).toEqual([]);
    });

    it('children exit by themselves when their parent process is SIGKILLed', async () => {
      const script = `
        require(${JSON.stringify(path.join(__dirname, 'emulators.ts'))})
          .startEmulators({ s3: true, dynamodb: true, ssm: true })
          .then((e) => { process.stdout.write(JSON.stringify(e.pids) + '\\n'); setInterval(() => {}, 1000); });
      `;
      const parent = spawn(process.execPath, ['-r', path.join(__dirname, 'ts-register.js'), '-e', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      let out = '';
      let err = '';
      parent.stdout.on('data', (d) => (out += d));
      parent.stderr.on('data', (d) => (err += d));
      const gotPids = await waitFor(() => out.includes('\n'), 30_000);
      if (!gotPids) {
        parent.kill('SIGKILL');
        throw new Error(`orphan-test parent did not report pids: ${err}`);
      }
      const pids = Object.values(JSON.parse(out.trim()) as Record<string, number>);
      expect(pids).toHaveLength(3);
      for (const pid of pids) expect(isAlive(pid)).toBe(true);

      parent.kill('SIGKILL'); // no exit hooks run: the children must notice on their own
      const allGone = await waitFor(() => pids.every((pid) => !isAlive(pid)), 10_000);
      expect(allGone).toBe(true);
      expect(emulatorPidsFromPs().filter((p) => pids.includes(p))).toEqual([]);
    });
  });
});
