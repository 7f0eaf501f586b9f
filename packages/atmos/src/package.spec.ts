/**
 * The plugin's package.json says what it needs, no more: every runtime dependency is imported by
 * the plugin's code (a dependency nothing imports is a download and an audit surface for
 * nothing; test-only packages belong in the root devDependencies), and `engines` states the Node
 * range it supports, the same as the workspace's.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const plugin = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; engines?: { node?: string } };
const workspace = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === '__fixtures__' ? [] : sources(path);
    return /\.ts$/.test(entry) && !/\.spec\.ts$/.test(entry) ? [path] : [];
  });
}

describe('packages/atmos/package.json', () => {
  const code = sources(__dirname).map((file) => readFileSync(file, 'utf8')).join('\n');
  const imported = (name: string) => new RegExp(`(from |import\\(|require\\()'${name.replace(/[/.]/g, '\\$&')}(/[^']*)?'`).test(code);

  it('every runtime dependency is imported by the plugin (deepmerge-ts and @aws-sdk/client-dynamodb were not)', () => {
    expect(Object.keys(plugin.dependencies).filter((name) => !imported(name))).toEqual([]);
  });

  it('engines states the supported Node range, the same as the workspace\'s, and this Node is in it', () => {
    expect(plugin.engines?.node).toBe('>=20.19');
    expect(workspace.engines?.node).toBe(plugin.engines?.node);
    const [major, minor] = process.versions.node.split('.').map(Number);
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
  });
});
