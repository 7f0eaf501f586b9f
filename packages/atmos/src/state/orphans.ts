/**
 * Removed instances that still have resources: state present, no configuration.
 *
 * Found two ways, then merged by state location:
 * - the backend's keys: every S3 bucket the configured instances use is listed, and every object
 *   named like a state (`<prefix>/<workspace>/<key>` or `<key>`, key as configured; backups and
 *   lock files are not) that no configured instance owns is a candidate; so is every state file
 *   under `.atmos/state/` (the local state of instances without a backend);
 * - `describe affected`'s deleted entries against the base (NX_BASE, nx.json's defaultBase, main).
 * A candidate whose state holds no managed resource is left out (nothing to destroy). Each one is
 * named by the last commit that defined an instance with that state location (src/state/history.ts).
 */
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { awsClients } from '../aws/clients';
import type { AtmosConfig } from '../config/types';
import { isUserError } from '../errors/user-error';
import { compareWithBase } from '../stacks/affected';
import { resolveStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { readTextOrUndefined } from '../terraform/files';
import { ownedAreas } from '../terraform/owned-paths';
import { managedResourceCount, type TerraformState } from '../terraform/state';
import { explainS3Failure, readS3Text } from './backup';
import { asInRepository, commitTree, historyCommits, repositoryRoot, HISTORY_DEPTH } from './history';
import { describeLocation, instanceStateLocation, locationId, type S3StateLocation, type StateLocation } from './location';

export interface Orphan {
  /** `component/stack`, when a commit (or the base of describe affected) defines it. */
  instance?: { component: string; stack: string };
  /** The last commit that defined it. */
  commit?: string;
  location: StateLocation;
  /** The location as the user reads it. */
  state: string;
  resources: number;
  foundIn: Array<'backend' | 'describe affected'>;
  /**
   * The instance is still configured, with its state elsewhere now (a backend change: terraform's
   * -migrate-state copies the state and leaves the old object behind). Not destroyed by destroy-orphan.
   */
  movedTo?: string;
}

export interface OrphanReport {
  orphans: Orphan[];
  /** What was listed: `s3://bucket`, `.atmos/state`. */
  scanned: string[];
  /** State objects of removed instances that hold no resources (nothing to destroy). */
  empty: number;
  notes: string[];
}

export interface OrphanOptions {
  workspaceRoot: string;
  env: Record<string, string | undefined>;
  /** The base ref of describe affected (default: NX_BASE, else main). */
  base: string;
  depth?: number;
}

/** The instance part of a `destroy-orphan --instance=` value. */
export function instanceName(instance: { component: string; stack: string }): string {
  return `${instance.component}/${instance.stack}`;
}

export async function findOrphans(config: AtmosConfig, options: OrphanOptions): Promise<OrphanReport> {
  const { workspaceRoot, env } = options;
  const notes: string[] = [];
  const configured = resolveStacks(config, { env }).instances.filter((i) => !i.abstract && i.enabled);
  const owned = new Set<string>();
  const buckets = new Map<string, { sample: S3StateLocation; keyNames: Set<string> }>();
  for (const instance of configured) {
    const location = tryLocation(instance, workspaceRoot, env, notes);
    if (!location) continue;
    owned.add(locationId(location));
    if (location.kind !== 's3') continue;
    const group = `${location.target.endpoints.s3 ?? ''}\0${location.target.region}\0${location.bucket}`;
    const entry = buckets.get(group) ?? { sample: location, keyNames: new Set<string>() };
    entry.keyNames.add(basename(String(location.config.key ?? 'terraform.tfstate')));
    buckets.set(group, entry);
  }

  const candidates = new Map<string, Orphan>();
  const add = (location: StateLocation, foundIn: Orphan['foundIn'][number], instance?: ComponentInstance) => {
    const id = locationId(location);
    if (owned.has(id)) return;
    const known = candidates.get(id) ?? { location, state: describeLocation(location, workspaceRoot), resources: 0, foundIn: [] };
    if (!known.foundIn.includes(foundIn)) known.foundIn.push(foundIn);
    if (instance && !known.instance) known.instance = { component: instance.component, stack: instance.stack };
    candidates.set(id, known);
  };

  const scanned: string[] = [];
  for (const { sample, keyNames } of buckets.values()) {
    scanned.push(`s3://${sample.bucket}`);
    for (const key of await listKeys(sample, env)) {
      const name = basename(key);
      if (!keyNames.has(name) || key.includes('.backups/')) continue;
      add({ ...sample, key, workspace: workspaceOfKey(key) }, 'backend');
    }
  }
  const stateArea = ownedAreas(workspaceRoot).state;
  scanned.push(describeLocation({ kind: 'local', path: stateArea, workspace: 'default' }, workspaceRoot));
  for (const path of stateFiles(stateArea)) add({ kind: 'local', path, workspace: basename(join(path, '..')) }, 'backend');

  try {
    for (const removed of compareWithBase(config, options.base, env).deleted) {
      const location = tryLocation(removed, workspaceRoot, env, notes);
      if (location) add(location, 'describe affected', removed);
    }
  } catch (error) {
    if (!isUserError(error)) throw error;
    notes.push(`describe affected against ${options.base} was skipped: ${error.message}`);
  }

  const orphans: Orphan[] = [];
  let empty = 0;
  for (const candidate of candidates.values()) {
    const state = await readStateAt(candidate.location, env);
    // A deleted entry never applied has no state at all: nothing to say about it.
    if (state === undefined) continue;
    candidate.resources = managedResourceCount(state);
    if (candidate.resources > 0) orphans.push(candidate);
    else empty++;
  }
  identifyFromHistory(config, orphans, workspaceRoot, env, options.depth ?? HISTORY_DEPTH);
  for (const orphan of orphans) {
    const now = orphan.instance && configured.find((i) => i.component === orphan.instance!.component && i.stack === orphan.instance!.stack);
    const moved = now ? tryLocation(now, workspaceRoot, env, []) : undefined;
    if (moved) orphan.movedTo = describeLocation(moved, workspaceRoot);
  }
  orphans.sort((a, b) => (a.instance ? instanceName(a.instance) : '~' + a.state).localeCompare(b.instance ? instanceName(b.instance) : '~' + b.state));
  return { orphans, scanned, empty, notes };
}

/** The state of a location (undefined when there is none); unreadable JSON counts as state with resources unknown. */
export async function readStateAt(location: StateLocation, env: Record<string, string | undefined>): Promise<TerraformState | undefined> {
  const text = location.kind === 'local' ? readTextOrUndefined(location.path) : await readS3TextExplained(location, env);
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as TerraformState;
  } catch {
    return { resources: [{ mode: 'managed' }] };
  }
}

async function readS3TextExplained(location: S3StateLocation, env: Record<string, string | undefined>): Promise<string | undefined> {
  try {
    return await readS3Text(location, env);
  } catch (error) {
    throw await explainS3Failure(error, location, env, 's3:GetObject', `s3://${location.bucket}/${location.key}`, 'orphans: reading the state of a removed instance');
  }
}

/** Names each orphan by the newest commit that defined an instance with its state location (and gives deleted entries their commit). */
function identifyFromHistory(config: AtmosConfig, orphans: Orphan[], workspaceRoot: string, env: Record<string, string | undefined>, depth: number): void {
  const pending = new Map(orphans.map((orphan) => [locationId(orphan.location), orphan]));
  if (pending.size === 0) return;
  let repoRoot: string;
  try {
    repoRoot = repositoryRoot(config);
  } catch {
    return;
  }
  for (const commit of historyCommits(config, repoRoot, depth)) {
    const tree = commitTree(config, repoRoot, commit, env);
    if (!tree) continue;
    try {
      for (const instance of tree.instances) {
        const location = tryLocation(asInRepository(instance, tree), workspaceRoot, env, []);
        const orphan = location && pending.get(locationId(location));
        if (!orphan) continue;
        orphan.instance ??= { component: instance.component, stack: instance.stack };
        orphan.commit = commit;
        pending.delete(locationId(location));
      }
    } finally {
      tree.remove();
    }
    if (pending.size === 0) return;
  }
}

function tryLocation(instance: ComponentInstance, workspaceRoot: string, env: Record<string, string | undefined>, notes: string[]): StateLocation | undefined {
  try {
    return instanceStateLocation(instance, workspaceRoot, env);
  } catch (error) {
    if (!isUserError(error)) throw error;
    notes.push(error.message);
    return undefined;
  }
}

/** `<prefix>/<workspace>/<key>` -> workspace (informational: a default-workspace key may have slashes too). */
function workspaceOfKey(key: string): string {
  const parts = key.split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : 'default';
}

/** Every `terraform.tfstate` under the local state folder (the default workspace's and each workspace's). */
function stateFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name === 'terraform.tfstate') found.push(path);
    }
  };
  walk(folder);
  return found.sort();
}

async function listKeys(sample: S3StateLocation, env: Record<string, string | undefined>): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  const s3 = await awsClients(env).s3(sample.target);
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(new ListObjectsV2Command({ Bucket: sample.bucket, ContinuationToken: token }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchBucket') return keys;
      throw await explainS3Failure(error, sample, env, 's3:ListBucket', `s3://${sample.bucket}`, 'orphans: listing the state objects of the backend');
    }
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
