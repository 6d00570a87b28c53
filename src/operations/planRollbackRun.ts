import { rollbackTrafficCase } from './trafficFacts.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Risk, RollbackPlan } from '../core/plan.js';
import type { Driver, TargetAssessment } from '../core/driver.js';
import { planRollback, type RollbackInput } from '../core/planRollback.js';
import type { Run } from '../core/run.js';
import type { Release } from '../core/release.js';
import { RewindError } from '../core/errors.js';
import type { EnvDeps } from './deps.js';
import { planMigrations } from './migrationSteps.js';
import { newestRelease, scopeOf } from './ledgerLookups.js';
import { ledgerDigest, planBasis } from './planBasis.js';
import { EVIDENCE_PROBE, observeRunning } from './observeRunning.js';
import { planWindow } from './planWindow.js';
import { onHosts } from './targets.js';
import { newRun } from './newRecords.js';
import { refuseIfUnsettled } from './unsettledRuns.js';
import { planMarkdown } from './reports/planMarkdown.js';

export interface RollbackRequest {
  failed?: string;
  targetVersion?: string;
  reason?: string;
  trigger?: string;
  /** Deprecate the failed version with this message once the target is verified (Driver.deprecate). */
  deprecateFailed?: string;
  /** A drill plans the same rollback, to carry it out with every write simulated. */
  kind?: 'rollback' | 'drill';
}

export interface PlannedRollback {
  run: Run;
  plan: RollbackPlan;
  /** A stable id of the plan's content: the same facts give the same id. */
  planId: string;
  reportDir: string;
  files: { planJson: string; planMd: string };
}

/**
 * Assess and plan: read the ledger and the target, compute the plan, save it
 * as plan.json and plan.md with a `planned` run. Nothing on the target changes.
 */
export async function planRollbackRun(deps: EnvDeps, request: RollbackRequest): Promise<PlannedRollback> {
  // Drills never block and are never blocked; a real rollback over a half-done run would judge the wrong release.
  if (request.kind !== 'drill') await refuseIfUnsettled(deps, [], { rollingBack: true });
  refuseDeprecationWithout(deps, request.deprecateFailed);
  // What runs decides what is rolled back: `current` on every host and the build each app serves,
  // asked at once; meanwhile the ledger alone names the likely target, whose presence is asked too.
  const expected = (await deps.ledger.liveRelease(scopeOf(deps))) ?? (await newestRelease(deps));
  const observing = observeRunning(deps, expected, EVIDENCE_PROBE);
  const base: Omit<RollbackInput, 'observedLive' | 'releases'> = {
    app: deps.app,
    env: deps.envName,
    driver: deps.driverKind,
    hosts: deps.targets.map((t) => t.name),
    now: deps.clock.now().toISOString(),
    failed: request.failed,
    targetVersion: request.targetVersion,
    reason: request.reason,
    deprecateFailed: request.deprecateFailed,
    healthConfigured: deps.env.health !== undefined,
    reloadConfigured: deps.env.reload !== undefined,
    diagnosticsConfigured: deps.env.diagnostics.length > 0 || deps.targets.some((t) => t.driver.snapshot !== undefined),
    ledgerDigest: '',
    approvalPolicy: deps.env.approval.required_for,
    fleet: { canary: deps.fleet.canary, batch: deps.fleet.batch },
    scope: deps.scope,
  };
  const window = await planWindow(deps, request);
  const artifactOf = (version: string, among: readonly Release[]) => among.find((r) => r.version === version)?.artifact ?? null;
  const presenceOf = (version: string, among: readonly Release[]) =>
    onHosts(deps.targets, deps.fleet.concurrency, (t) => t.driver.isPresent(version, artifactOf(version, among)));
  const guess = provisionalTarget({ ...base, releases: window });
  const early = guess === undefined ? undefined : presenceOf(guess, window);
  const running = await observing;
  const releases = await planWindow(deps, request, running.hosts);
  const input: RollbackInput = { ...base, releases, observedLive: running.fleet.version, seenRunning: running.hosts };
  // Planning is pure and cheap, so it runs again as facts arrive: the target, where it is missing, the migrations.
  const target = planRollback(input).to.version;
  const guessed = early === undefined ? undefined : await early;
  const presence = guessed !== undefined && guess === target ? guessed : await presenceOf(target, releases);
  refuseIfDriverStops(presence);
  const located: RollbackInput = { ...input, missingOn: presence.filter((p) => !(p.ok && p.value)).map((p) => p.host) };
  const first = planRollback(located);
  // The migrations to revert depend on the target; an irreversible one throws here, before anything is saved.
  const [migrations, assessment, traffic] = await Promise.all([
    deps.migrations ? planMigrations(deps, releases, first.from, first.to) : undefined,
    assessTarget(deps, target, artifactOf(target, releases)),
    rollbackTrafficCase(deps, first.to),
  ]);
  const digest = ledgerDigest(planBasis(releases, first.from.releaseId, first.to.releaseId));
  const plan = planRollback({ ...located, migrations, assessment, ledgerDigest: digest, ...(traffic ? { traffic } : {}) });
  const kind = request.kind ?? 'rollback';
  const run = newRun(deps, kind, {
    status: 'planned',
    startedAt: null,
    fromVersion: plan.from.version,
    toVersion: plan.to.version,
    fromReleaseId: plan.from.releaseId,
    toReleaseId: plan.to.releaseId,
    reason: plan.reason,
    trigger: request.trigger ?? (kind === 'drill' ? 'drill' : 'manual'),
    plan,
  });
  const planned = plannedFromRun(deps, run);
  await deps.files.mkdir(planned.reportDir);
  await deps.files.writeFileAtomic(
    planned.files.planJson,
    `${JSON.stringify({ run_id: run.id, plan_id: planned.planId, ...plan }, null, 2)}\n`,
  );
  await deps.files.writeFileAtomic(planned.files.planMd, planMarkdown(plan, run.id));
  await deps.ledger.insertRun(run);
  return planned;
}

/** A saved rollback or drill run as the plan it carries out, with where its reports go. */
export function plannedFromRun(deps: Pick<EnvDeps, 'stateDir'>, run: Run): PlannedRollback {
  const plan = run.plan as RollbackPlan;
  const reportDir = join(deps.stateDir, 'reports', run.kind === 'drill' ? 'drills' : 'rollbacks', run.id);
  return {
    run,
    plan,
    planId: planIdOf(plan),
    reportDir,
    files: { planJson: join(reportDir, 'plan.json'), planMd: join(reportDir, 'plan.md') },
  };
}

export function planIdOf(plan: RollbackPlan): string {
  const { createdAt: _createdAt, ...content } = plan;
  return `plan-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12)}`;
}

/** The target the ledger alone points at, when it does (the failed release is the ledger's live one). */
function provisionalTarget(input: Omit<RollbackInput, 'observedLive'>): string | undefined {
  try {
    return planRollback({ ...input, observedLive: null }).to.version;
  } catch {
    return undefined;
  }
}

/** Asked to deprecate the failed version on a driver that cannot: said before anything is planned or changed. */
function refuseDeprecationWithout(deps: EnvDeps, message: string | undefined): void {
  if (message === undefined) return;
  if (message.trim() === '') throw new RewindError('USAGE', '--deprecate-failed needs a message, e.g. "broken: use 1.2.3"');
  if (deps.targets.every((t) => t.driver.deprecate !== undefined)) return;
  throw new RewindError('USAGE', `--deprecate-failed: the ${deps.driverKind} driver has no way to deprecate a version ` +
    '(the npm driver has: it marks the version deprecated on the registry)');
}

/** A host whose driver cannot make the target again, or will not take a switch now, stops the plan there, in that driver's words. */
function refuseIfDriverStops(outcomes: ReadonlyArray<{ ok: boolean; error?: unknown }>): void {
  const gone = outcomes.find((o) => !o.ok && o.error instanceof RewindError && ['TARGET_GONE', 'TARGET_BLOCKED'].includes(o.error.code));
  if (gone) throw gone.error;
}

/** What each driver says about switching to the target (Driver.assess); with several hosts, each line names its host. */
async function assessTarget(deps: EnvDeps, version: string, artifact: string | null): Promise<TargetAssessment | undefined> {
  const asked = deps.targets.filter((t) => t.driver.assess !== undefined);
  if (asked.length === 0) return undefined;
  const assess = (t: (typeof asked)[number]) => (t.driver.assess as NonNullable<Driver['assess']>)(version, artifact);
  const outcomes = await onHosts(asked, deps.fleet.concurrency, assess);
  refuseIfDriverStops(outcomes);
  const named = (host: string, line: string) => (deps.targets.length > 1 ? `${host}: ${line}` : line);
  const notes: string[] = [];
  const risks: Risk[] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      notes.push(named(o.host, `could not be assessed: ${o.error?.message ?? 'no reason given'}`));
      continue;
    }
    notes.push(...(o.value?.notes ?? []).map((n) => named(o.host, n)));
    risks.push(...(o.value?.risks ?? []).map((r) => ({ ...r, message: named(o.host, r.message) })));
  }
  return { notes, risks };
}
