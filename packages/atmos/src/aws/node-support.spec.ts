import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// A fresh process with an environment that has no switch set, as a user's shell has.
const dist = join(__dirname, '..', '..', 'dist', 'aws');
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined, AWS_REGION: 'us-east-1' };
delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;

function stderrOf(script: string): string {
  const result = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', cwd: join(__dirname, '..', '..') });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stderr;
}

describe('the AWS SDK\'s NodeVersionSupportWarning', () => {
  beforeAll(() => {
    if (!existsSync(join(dist, 'clients.js'))) throw new Error('the plugin is not built: run `npm run build` first');
  });

  it('is printed by a bare SDK client on this Node (the test can fail)', () => {
    const major = Number(process.versions.node.split('.')[0]);
    const stderr = stderrOf(`new (require('@aws-sdk/client-s3').S3Client)({})`);
    if (major < 22) expect(stderr).toMatch(/NodeVersionSupportWarning/);
  });

  it('is not printed by the plugin\'s clients, and no other warning is hidden', () => {
    const stderr = stderrOf(`const { AwsClients } = require(${JSON.stringify(join(dist, 'clients.js'))});
      new AwsClients().s3({ region: 'us-east-1', endpoints: {}, forcePathStyle: false, roles: [], owner: 'test', settingPrefix: 'x' });
      process.emitWarning('another warning');`);
    expect(stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(stderr).toMatch(/Warning: another warning/);
  });

  it('a value the user set wins', () => {
    const stderr = stderrOf(`process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'false';
      require(${JSON.stringify(join(dist, 'node-support.js'))});
      new (require('@aws-sdk/client-s3').S3Client)({});`);
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 22) expect(stderr).toMatch(/NodeVersionSupportWarning/);
  });
});
