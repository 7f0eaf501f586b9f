/**
 * Plan in one job, apply in another. With `components.terraform.planfiles` configured:
 *
 * - `plan` stores each plan as an encrypted bundle keyed by the instance's inputs fingerprint
 *   (the one the local apply checks), with the lock file and the state serial/lineage it was
 *   made against. Every plan (stored or not) writes its summary.
 * - `apply` applies the stored plan of the checkout's fingerprint, after refusing one that was
 *   already applied or whose state moved, and (verify: fail|warn) after re-planning and comparing
 *   addresses and actions. Without a stored plan: unchanged since the last apply is a no-op;
 *   otherwise a stale plan or no plan is refused with what to run (or --auto-approve applies).
 * - `deploy` with verification on downloads the stored plan, plans afresh, compares, and applies
 *   the fresh plan (Atmos's "reconcile, not replay").
 * Every successful apply records `applied.json` in the store, so another machine knows the
 * instance is unchanged since its last apply.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { writeInstanceResult, type InstanceResult } from '../graph/results';
import { readTextOrUndefined, removeGenerated, writeAtomically } from '../terraform/files';
import type { TerraformResult } from '../terraform/process';
import { readState } from '../terraform/state';
import { openBundle, readBundleHeader, sealBundle, type BundleHeader, type PlanContent, type StateVersion } from './bundle';
import { comparePlans, describeDifferences } from './compare';
import { effectiveVerify, planfilesSettings, type PlanfilesSettings, type VerifyMode } from './config';
import { dataKeys } from './keys';
import type { PlanfileRun } from './run-parts';
import { InstanceKeys, openStore, type PlanStore } from './store';
import { countsLine, summarisePlan, type PlanSummary } from './summary';
import { writeSummary } from './summary-files';
import { headCommit } from './commit';

export interface AppliedRecord {
  version: 1;
  fingerprint: string;
  /** The stored plan applied; absent for an apply without one (--auto-approve, deploy). */
  planId?: string;
  appliedAt: string;
}

interface Storage {
  settings: PlanfilesSettings;
  store: PlanStore;
  keys: InstanceKeys;
}

function storageFor(run: PlanfileRun): Storage | undefined {
  const settings = planfilesSettings(run.config);
  if (!settings) return undefined;
  return { settings, store: openStore(settings, run.instance, run.env), keys: new InstanceKeys(settings, run.instance.stack, run.instance.component) };
}

function where(run: PlanfileRun): string {
  return `'${run.instance.component}' in stack '${run.instance.stack}'`;
}

const ok = (stdout = ''): TerraformResult => ({ exitCode: 0, stdout, stderrTail: '', durationMs: 0 });

/** After a successful `plan`: the summary, and with storage the encrypted bundle. */
export async function afterPlan(run: PlanfileRun, planned: TerraformResult): Promise<TerraformResult> {
  const storage = storageFor(run);
  const summary = await showSummary(run, run.files.planfile);
  if (!summary) return { ...planned, exitCode: 1 };
  const file = writeSummary(run.workspaceRoot, summary);
  recordPlanResult(run, summary);
  if (!storage) {
    run.log(`plan summary: ${countsLine(summary)} (${file})`);
    return planned;
  }
  const content: PlanContent = {
    planfile: readFileSync(run.files.planfile),
    lockfile: readTextOrUndefined(join(run.workdir.dir, '.terraform.lock.hcl')),
    fingerprint: run.files.inputsFingerprint,
    ...(stateReadable(run) ? { state: stateVersion(await readState(run.instance, run.workspaceRoot, run.env)) } : { stateUnknown: true }),
    summary,
  };
  const keys = dataKeys(storage.settings.encryption, () => storage.store.awsTarget(), run.env);
  const { bytes } = await sealBundle(run.instance, content, keys);
  const key = storage.keys.bundle(run.files.inputsFingerprint);
  await storage.store.put(key, bytes, 'application/json');
  // Addresses and actions only (masked): what `plan-summary --from-store` gathers from plan jobs on other machines.
  const commit = headCommit(run.workspaceRoot);
  if (commit) await storage.store.put(storage.keys.summary(commit), Buffer.from(JSON.stringify({ ...summary, commit }, null, 2) + '\n'), 'application/json');
  run.log(`stored the plan of ${where(run)} (${countsLine(summary)}) as ${storage.store.describe(key)}, encrypted`);
  return planned;
}

export async function applyStored(run: PlanfileRun): Promise<TerraformResult> {
  const storage = storageFor(run);
  if (!storage) {
    if (run.verifyPlan === true) throw noStorage(run);
    return run.applyWithoutStore();
  }
  const fingerprint = run.files.inputsFingerprint;
  const key = storage.keys.bundle(fingerprint);
  const bytes = await storage.store.get(key);
  const applied = await readApplied(storage);
  if (!bytes) return applyWithoutStoredPlan(run, storage, applied);

  const header = readBundleHeader(bytes, storage.store.describe(key));
  checkHeader(run, header, storage.store.describe(key));
  // Applied already: this very plan, or these inputs by another apply (a deploy, --auto-approve) after the plan was made.
  const superseded = applied !== undefined && applied.planId !== header.planId && applied.fingerprint === fingerprint && Date.parse(applied.appliedAt) > Date.parse(header.createdAt);
  if (applied && (applied.planId === header.planId || superseded)) {
    if (run.asDependency) {
      run.log(`${where(run)}: ${superseded ? 'its inputs were applied' : 'its stored plan was already applied'} (${applied.appliedAt}) and are unchanged since; nothing to apply`);
      return ok();
    }
    throw new AtmosUserError('USAGE', superseded
      ? `the stored plan ${storage.store.describe(key)} of ${where(run)} was overtaken: these inputs were applied without it (${applied.appliedAt}) after it was made`
      : `the stored plan ${storage.store.describe(key)} of ${where(run)} was already applied (${applied.appliedAt}); a plan is applied once`, undefined,
      `nothing is left to apply; to change ${where(run)} again, run ${run.commandLine({ command: 'plan' })}, review the new plan, then apply it`);
  }
  const keys = dataKeys(storage.settings.encryption, () => storage.store.awsTarget(), run.env);
  const { content } = await openBundle(bytes, keys, storage.store.describe(key));
  if (content.fingerprint !== fingerprint) throw stale(run, storage, content.fingerprint);
  if (content.stateUnknown || !stateReadable(run)) run.log(`note: the state of ${where(run)} is in a ${run.instance.sections.backendType} backend, which we cannot read without terraform: its serial is not compared (terraform refuses a stale plan itself)`);
  else await checkStateUnmoved(run, content.state, storage.store.describe(key));

  const mode = effectiveVerify(storage.settings, run.verifyPlan, run.env);
  const summary = content.summary as PlanSummary;
  if (mode !== 'off') await verifyAgainstFreshPlan(run, summary, mode, storage.store.describe(key));

  // The reviewed plan, byte for byte: 0600 from the first byte, as every plan file.
  writeAtomically(run.files.planfile, content.planfile, run.files.root);
  const reinit = await useLockfile(run, content.lockfile);
  if (reinit && reinit.exitCode !== 0) return reinit;
  run.log(`applying the stored plan ${storage.store.describe(key)} (${countsLine(summary)}, planned ${header.createdAt})`);
  const result = await run.applyPlanfile(run.args);
  if (result.exitCode === 0) await writeApplied(storage, { version: 1, fingerprint, planId: header.planId, appliedAt: new Date().toISOString() });
  else removeGenerated(run.files.planfile, run.files.root);
  return result;
}

/** No stored plan for these inputs: a no-op when they are what was last applied, else the runner's own rules (or a stale-plan refusal). */
async function applyWithoutStoredPlan(run: PlanfileRun, storage: Storage, applied: AppliedRecord | undefined): Promise<TerraformResult> {
  const fingerprint = run.files.inputsFingerprint;
  if (run.verifyPlan === true) {
    throw new AtmosUserError('USAGE', `--verify-plan: there is no stored plan of ${where(run)} for these inputs to verify against`, undefined,
      `run ${run.commandLine({ command: 'plan' })} first (it stores the plan), then apply`);
  }
  // A reviewed plan of this machine for these inputs (its upload failed, or it predates the storage) is applied as before.
  if (!run.localPlanIsCurrent() && (applied?.fingerprint === fingerprint || run.locallyAppliedFingerprint() === fingerprint)) {
    run.log(`${where(run)} has no stored plan for these inputs and was last applied with exactly them (${applied?.appliedAt ?? 'on this machine'}); nothing to apply`);
    return ok();
  }
  if (!run.autoApprove && !run.config.components.terraform.applyAutoApprove && !run.localPlanIsCurrent()) {
    const others = (await storage.store.list(storage.keys.prefix)).filter((o) => storage.keys.fingerprintOf(o.key) !== undefined)
      .sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0));
    if (others.length > 0) throw stale(run, storage, storage.keys.fingerprintOf(others[0].key)!, storage.store.describe(others[0].key));
    throw new AtmosUserError('USAGE', `there is no stored plan of ${where(run)} for its current inputs, and they changed since its last apply${applied ? '' : ' (or it was never applied)'}`, undefined,
      `run ${run.commandLine({ command: 'plan' })} (it stores the plan), review it, then ${run.commandLine({ command: 'apply' })}; ` +
        `or ${run.commandLine({ command: 'apply', autoApprove: true })} to apply without a reviewed plan`);
  }
  const result = await run.applyWithoutStore();
  if (result.exitCode === 0) await writeApplied(storage, { version: 1, fingerprint, appliedAt: new Date().toISOString() });
  return result;
}

/**
 * deploy: with verification on (--verify-plan, verify: fail|warn, or CI's default), the stored plan
 * of these inputs is what the fresh plan must match; the fresh plan is applied (Atmos applies the
 * fresh plan too: it is made with the apply's state and credentials).
 */
export async function deployStored(run: PlanfileRun): Promise<TerraformResult> {
  const storage = storageFor(run);
  if (!storage && run.verifyPlan === true) throw noStorage(run);
  const mode = storage ? effectiveVerify(storage.settings, run.verifyPlan, run.env) : 'off';
  let reviewed: { summary: PlanSummary; where: string } | undefined;
  if (storage && mode !== 'off') {
    const key = storage.keys.bundle(run.files.inputsFingerprint);
    const bytes = await storage.store.get(key);
    const required = storage.settings.required ?? mode === 'fail';
    if (!bytes && required) {
      throw new AtmosUserError('USAGE', `deploy verifies ${where(run)} against its stored plan (verify: ${mode}), and there is none for these inputs`, undefined,
        `run ${run.commandLine({ command: 'plan' })} and review it first; or set components.terraform.planfiles.required: false to deploy an unverified fresh plan`);
    }
    if (bytes) {
      checkHeader(run, readBundleHeader(bytes, storage.store.describe(key)), storage.store.describe(key));
      const { content } = await openBundle(bytes, dataKeys(storage.settings.encryption, () => storage.store.awsTarget(), run.env), storage.store.describe(key));
      reviewed = { summary: content.summary as PlanSummary, where: storage.store.describe(key) };
    } else {
      run.log(`warning: no stored plan of ${where(run)} for these inputs; deploying a fresh, unverified plan (required: false)`);
    }
  }
  const planned = await run.plan(run.args);
  if (planned.exitCode !== 0) return planned;
  if (reviewed) {
    const fresh = await showSummary(run, run.files.planfile);
    if (!fresh) return { ...planned, exitCode: 1 };
    judge(run, reviewed.summary, fresh, mode, reviewed.where);
  }
  const result = await run.applyPlanfile([]);
  if (result.exitCode === 0 && storage) await writeApplied(storage, { version: 1, fingerprint: run.files.inputsFingerprint, appliedAt: new Date().toISOString() });
  return result;
}

/** Re-plans into a plan file of its own (never the one to apply) and compares what both plans do. */
async function verifyAgainstFreshPlan(run: PlanfileRun, reviewed: PlanSummary, mode: VerifyMode, location: string): Promise<void> {
  const verifyPlan = `${run.files.planfile}.verify`;
  try {
    writeAtomically(verifyPlan, '', run.files.root);
    const planned = await run.tf(['plan', '-input=false', '-lock=false', `-var-file=${run.files.varfile}`, `-out=${verifyPlan}`, ...run.args]);
    if (planned.exitCode !== 0) {
      throw new AtmosUserError('USAGE', `verifying the stored plan of ${where(run)}: the fresh plan failed (terraform exited ${planned.exitCode})`, undefined,
        'fix what terraform reported above, or set components.terraform.planfiles.verify: off');
    }
    const fresh = await showSummary(run, verifyPlan);
    if (!fresh) throw new AtmosUserError('USAGE', `verifying the stored plan of ${where(run)}: terraform show -json failed`, undefined, 'see terraform\'s message above');
    judge(run, reviewed, fresh, mode, location);
  } finally {
    // A plan file holds every value: the verification keeps nothing.
    rmSync(verifyPlan, { force: true });
  }
}

function judge(run: PlanfileRun, reviewed: PlanSummary, fresh: PlanSummary, mode: VerifyMode, location: string): void {
  const differences = comparePlans(reviewed.resources, fresh.resources);
  if (differences.length === 0) {
    run.log(`verified: a fresh plan of ${where(run)} does what the stored plan ${location} does (${countsLine(fresh)})`);
    return;
  }
  const text = run.mask(describeDifferences(differences));
  if (mode === 'warn') {
    run.log(`warning: a fresh plan of ${where(run)} differs from the stored plan ${location}: ${text} (verify: warn, continuing)`);
    return;
  }
  throw new AtmosUserError('USAGE', `a fresh plan of ${where(run)} differs from the stored plan ${location}: ${text}`, undefined,
    `the infrastructure or its state changed since the review: run ${run.commandLine({ command: 'plan' })} and review the new plan (or set components.terraform.planfiles.verify: warn)`);
}

function checkHeader(run: PlanfileRun, header: BundleHeader, location: string): void {
  if (header.stack !== run.instance.stack || header.component !== run.instance.component) {
    throw new AtmosUserError('USAGE', `the stored plan ${location} belongs to '${header.component}' in stack '${header.stack}', not to ${where(run)}`, undefined,
      'the store holds a misplaced object: delete it and plan again');
  }
  if (header.fingerprint !== run.files.inputsFingerprint) throw stale(run, undefined, header.fingerprint, location);
}

async function checkStateUnmoved(run: PlanfileRun, planned: StateVersion | undefined, location: string): Promise<void> {
  const now = stateVersion(await readState(run.instance, run.workspaceRoot, run.env));
  const same = planned === undefined ? now === undefined : now !== undefined && now.lineage === planned.lineage && now.serial === planned.serial;
  if (same) return;
  const describe = (v: StateVersion | undefined) => (v ? `serial ${v.serial}, lineage ${v.lineage}` : 'no state');
  throw new AtmosUserError('USAGE', `the state of ${where(run)} moved since the stored plan ${location} was made (then ${describe(planned)}, now ${describe(now)})`, undefined,
    `something else changed it since the review: run ${run.commandLine({ command: 'plan' })}, review the new plan, then apply`);
}

function stale(run: PlanfileRun, storage: Storage | undefined, planned: string, location?: string): AtmosUserError {
  const at = location ?? (storage ? storage.store.describe(storage.keys.bundle(planned)) : 'in the store');
  return new AtmosUserError('USAGE',
    `the stored plan ${at} of ${where(run)} is stale: it was made from other inputs (fingerprint ${planned.slice(0, 12)}, this checkout ${run.files.inputsFingerprint.slice(0, 12)})`, undefined,
    `the configuration, variables or Terraform sources changed since the plan: run ${run.commandLine({ command: 'plan' })}, review it, then apply`);
}

function noStorage(run: PlanfileRun): AtmosUserError {
  return new AtmosUserError('USAGE', `--verify-plan needs stored plans, and atmos.yaml configures none (components.terraform.planfiles)`,
    run.config.configFile ? { file: run.config.configFile } : undefined,
    'add components.terraform.planfiles (stores, encryption; see "Stored plans" in the README), or drop --verify-plan');
}

async function showSummary(run: PlanfileRun, planfile: string): Promise<PlanSummary | undefined> {
  const shown = await run.tf(['show', '-json', planfile], true);
  if (shown.exitCode !== 0) return undefined;
  const summary = summarisePlan(shown.stdout, { component: run.instance.component, stack: run.instance.stack, project: run.projectName });
  // Addresses can carry for_each keys: masked as everything we print.
  return { ...summary, resources: summary.resources.map((r) => ({ ...r, address: run.mask(r.address) })) };
}

function recordPlanResult(run: PlanfileRun, summary: PlanSummary): void {
  const changed = summary.resources.length > 0;
  writeInstanceResult(run.workspaceRoot, {
    component: run.instance.component, stack: run.instance.stack, kind: 'plan', status: changed ? 'changed' : 'in-sync', finishedAt: summary.plannedAt,
    summary: countsLine(summary), resources: summary.resources,
  } as InstanceResult, 0o600);
}

async function readApplied(storage: Storage): Promise<AppliedRecord | undefined> {
  const bytes = await storage.store.get(storage.keys.applied);
  if (!bytes) return undefined;
  try {
    const record = JSON.parse(bytes.toString('utf8')) as AppliedRecord;
    return typeof record.fingerprint === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

async function writeApplied(storage: Storage, record: AppliedRecord): Promise<void> {
  await storage.store.put(storage.keys.applied, Buffer.from(JSON.stringify(record, null, 2) + '\n'), 'application/json');
}

/** Backends whose state the plugin reads itself (src/terraform/state.ts). */
function stateReadable(run: PlanfileRun): boolean {
  return ['', 'local', 's3'].includes(run.instance.sections.backendType);
}

export function stateVersion(state: { serial?: unknown; lineage?: unknown } | undefined): StateVersion | undefined {
  if (!state || typeof state.serial !== 'number' || typeof state.lineage !== 'string') return undefined;
  return { serial: state.serial, lineage: state.lineage };
}

/** The plan's lock file in the workdir; init again when it differs from what the workdir was initialised with. */
async function useLockfile(run: PlanfileRun, lockfile: string | undefined): Promise<TerraformResult | undefined> {
  if (lockfile === undefined) return undefined;
  const path = join(run.workdir.dir, '.terraform.lock.hcl');
  if (existsSync(path) && readFileSync(path, 'utf8') === lockfile) return undefined;
  writeAtomically(path, lockfile, run.workdir.root, 0o644);
  return run.tf(['init', '-input=false', '-lockfile=readonly']);
}
