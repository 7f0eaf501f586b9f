/**
 * A read-only npm registry on 127.0.0.1 for tests that install packages the way users do
 * (`npm install`, `nx add`) without leaving the machine.
 *
 * Packuments are built from a package-lock.json (every version it pins, with its dependencies,
 * engines, os/cpu and bin as the lock records them); tarballs are served from npm's local
 * content-addressed cache (`~/.npm/_cacache/content-v2/<algo>/<hex digest>`), which installing
 * this checkout filled. Extra packages (an `npm pack` tarball of the package under test) are
 * published next to them. The npm under test gets an empty cache of its own, so everything it
 * installs comes through this server: a package missing from it fails the install loudly.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  bin?: Record<string, string> | string;
  hasInstallScript?: boolean;
  license?: string;
}

export interface PublishedTarball {
  /** package.json of the packed package (name, version, dependencies, ...). */
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: string;
}

export interface LocalRegistry {
  url: string;
  /** What the npm under test needs: this registry, an empty cache of its own, no audit/fund/update checks. */
  npmEnv(cacheDir: string): Record<string, string>;
  /** Packuments requested that the registry did not have (to explain a failed install). */
  misses: string[];
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  lockFile: string;
  publish?: PublishedTarball[];
  /** npm's cache, default ~/.npm/_cacache. */
  cacache?: string;
}

export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const cacache = options.cacache ?? join(homedir(), '.npm', '_cacache');
  const lock = JSON.parse(readFileSync(options.lockFile, 'utf8')) as { packages: Record<string, LockEntry> };
  const versions = new Map<string, Map<string, Record<string, unknown>>>();
  const blobs = new Map<string, () => Buffer | undefined>();
  const misses: string[] = [];
  let base = '';

  const add = (name: string, version: string, meta: Record<string, unknown>, integrity: string, blob: () => Buffer | undefined) => {
    const id = createHash('sha1').update(integrity).digest('hex');
    blobs.set(id, blob);
    let byVersion = versions.get(name);
    if (!byVersion) versions.set(name, (byVersion = new Map()));
    byVersion.set(version, { ...meta, name, version, dist: { integrity, tarball: `/-/${id}.tgz` } });
  };

  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link || !entry.integrity || !entry.version || !path.includes('node_modules/')) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const { dependencies, optionalDependencies, peerDependencies, peerDependenciesMeta, engines, os, cpu, libc, bin, hasInstallScript, license } = entry;
    const integrity = entry.integrity;
    add(name, entry.version, { dependencies, optionalDependencies, peerDependencies, peerDependenciesMeta, engines, os, cpu, libc, bin, hasInstallScript, license }, integrity, () => {
      const [algorithm, digest] = integrity.split(/-(.*)/s);
      const hex = Buffer.from(digest, 'base64').toString('hex');
      const file = join(cacache, 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
      return existsSync(file) ? readFileSync(file) : undefined;
    });
  }
  for (const published of options.publish ?? []) {
    const data = readFileSync(published.tarball);
    const integrity = `sha512-${createHash('sha512').update(data).digest('base64')}`;
    const { scripts: _scripts, devDependencies: _dev, files: _files, ...manifest } = published.manifest;
    add(published.manifest.name, published.manifest.version, manifest, integrity, () => data);
  }

  const server = http.createServer((request, response) => {
    const url = decodeURIComponent((request.url ?? '/').split('?')[0]);
    const tarball = /^\/-\/([0-9a-f]{40})\.tgz$/.exec(url);
    if (tarball) {
      const data = blobs.get(tarball[1])?.();
      if (!data) return send(response, 404, { error: 'tarball not in the local cache' });
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
      return response.end(data);
    }
    const name = url.slice(1);
    const byVersion = versions.get(name);
    if (!byVersion) {
      misses.push(name);
      return send(response, 404, { error: 'not found' });
    }
    const all: Array<Record<string, unknown>> = [...byVersion.values()].map((meta) => ({ ...meta, dist: { ...(meta.dist as object), tarball: `${base}${(meta.dist as { tarball: string }).tarball}` } }));
    const latest = [...byVersion.keys()].sort(compareVersions).pop()!;
    send(response, 200, { name, 'dist-tags': { latest }, versions: Object.fromEntries(all.map((meta) => [meta.version as string, meta])) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    misses,
    npmEnv: (cacheDir) => ({
      npm_config_registry: `${base}/`,
      npm_config_cache: cacheDir,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_prefer_online: 'false',
    }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Semver order of plain x.y.z[-pre] versions (enough for 'latest'). */
function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core, pre] = version.split('-', 2);
    return { parts: core.split('.').map(Number), pre };
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
  if (x.pre === y.pre) return 0;
  return x.pre === undefined ? 1 : y.pre === undefined ? -1 : x.pre < y.pre ? -1 : 1;
}
