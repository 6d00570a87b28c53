import type { TargetAssessment } from './driver.js';
import { needsApproval, type ApprovalPolicy } from './approval.js';
import { RewindError } from './errors.js';
import { lastKnownGood, liveRelease } from './lastKnownGood.js';
import { assertSafeName } from './names.js';
import { highestRisk, type PlanMigration, type PlanRelease, type Risk, type RollbackPlan } from './plan.js';
import { rollbackPlanSteps, type FleetShape } from './planSteps.js';
import type { TrafficRollbackCase } from './trafficCase.js';
import type { Release } from './release.js';
import { driftLines, uninspected, versionsSeen, type HostEvidence } from './runningEvidence.js';

export interface RollbackInput {
  app: string;
  env: string;
  driver: string;
  hosts: readonly string[];
  now: string;
  /**
   * The releases of this app and environment the plan looks at, newest first: every one, or (a
   * ledger of years) those operations/planWindow fetches, which decide the same plan.
   */
  releases: readonly Release[];
  /** How the targets change together; all at once when absent. */
  fleet?: Omit<FleetShape, 'targets'>;
  /** environment: `hosts` holds the environment alone, and the plan speaks of it, not of hosts. */
  scope?: 'host' | 'environment';
  /** The version the driver says is running now: every host's `current`, when they agree. */
  observedLive: string | null;
  /**
   * What each host was seen running: where `current` points and what the app serves. It decides
   * the release rolled back from (the newest one seen running); when it holds no version the ledger
   * knows, nothing could be observed and the ledger's live release does, as before.
   */
  seenRunning?: readonly HostEvidence[];
  /** A release id, or a version (its newest release); it must be running. Default: the newest release seen running. */
  failed?: string;
  targetVersion?: string;
  reason?: string;
  healthConfigured: boolean;
  reloadConfigured: boolean;
  /** Diagnostics are configured for the environment: the plan captures them first. */
  diagnosticsConfigured?: boolean;
  /** Deprecate the failed version with this message after the target is verified (a driver that can: Driver.deprecate). */
  deprecateFailed?: string;
  /** Hosts without the target release (present and intact); empty when every host has it. */
  missingOn?: readonly string[];
  /** See RollbackPlan.ledgerDigest: computed by the caller, which can hash. */
  ledgerDigest: string;
  approvalPolicy: ApprovalPolicy;
  /**
   * The migrations to revert, newest first, with what each down step does
   * (see core/migrations): found by the caller, which can ask the database.
   */
  migrations?: readonly PlanMigration[];
  /** What the driver found about switching to the target (Driver.assess): its risks join the plan's, its notes are shown. */
  assessment?: TargetAssessment;
  /** Blue/green: how the traffic goes back to the target (see core/trafficCase), decided by the caller from the proxies. */
  traffic?: TrafficRollbackCase;
}

/** Pure: the ledger and the observed state in, a plan out (or a RewindError saying why not). */
export function planRollback(input: RollbackInput): RollbackPlan {
  const failed = findFailed(input);
  const index = input.releases.indexOf(failed);
  const { target, chosenBy } = findTarget(input, failed, index);
  const targetIndex = input.releases.indexOf(target);
  // Versions passed over on the way back; earlier attempts at the failed version do not count.
  const skipped = [...new Set(input.releases.slice(index + 1, targetIndex).map((r) => r.version))].filter((v) => v !== failed.version);
  const migrations = [...(input.migrations ?? [])];
  refuseIrreversible(migrations, failed, target);
  const risks = [...migrationRisks(migrations, failed), ...assessRisks(input, failed, target, skipped), ...(input.assessment?.risks ?? [])];
  return {
    kind: 'rollback',
    app: input.app,
    env: input.env,
    driver: input.driver,
    createdAt: input.now,
    reason: input.reason ?? `roll back ${failed.version}`,
    from: planRelease(failed),
    to: planRelease(target),
    targetChosenBy: chosenBy,
    skipped,
    steps: rollbackPlanSteps({
      from: failed, to: target, migrations, missingOn: input.missingOn ?? [], reload: input.reloadConfigured,
      diagnostics: input.diagnosticsConfigured ?? false, deprecate: input.deprecateFailed, traffic: input.traffic,
      fleet: { targets: input.hosts, canary: input.fleet?.canary ?? 0, batch: input.fleet?.batch },
    }),
    migrations,
    risks,
    riskLevel: highestRisk(risks),
    approvalRequired: needsApproval(highestRisk(risks), input.approvalPolicy),
    observedLive: input.observedLive,
    missingOn: [...(input.missingOn ?? [])],
    ledgerDigest: input.ledgerDigest,
    hosts: input.scope === 'environment' ? [] : [...input.hosts],
    scope: input.scope ?? 'host',
    ...(input.assessment && input.assessment.notes.length > 0 ? { targetNotes: [...input.assessment.notes] } : {}),
    ...(input.traffic ? { traffic: input.traffic } : {}),
  };
}

/**
 * The release rolled back from is the one that really runs. The ledger only says what rewind last
 * switched to: a run killed between its switch and its reload leaves the ledger and `current` on
 * the target while the app still serves the failed release, and rolling "that" back would mark a
 * good release bad.
 */
export function findFailed(
  input: Omit<RollbackInput, 'ledgerDigest' | 'approvalPolicy' | 'healthConfigured' | 'reloadConfigured'>,
): Release {
  const { releases, failed } = input;
  const running = runningVersions(input);
  if (failed !== undefined) {
    assertSafeName(failed, '--failed-deployment-id');
    const found = releases.find((r) => r.id === failed) ?? releases.find((r) => r.version === failed);
    if (!found) {
      throw new RewindError(
        'RELEASE_NOT_FOUND',
        `--failed-deployment-id ${failed}: no release with that id or version in ${input.env}`,
        { failed },
      );
    }
    refuseIfNotRunning(input, found, running);
    return found;
  }
  // Nothing the ledger knows was seen running: the ledger's word is all there is.
  const live = newestRunning(releases, running) ?? liveRelease(releases);
  if (!live) {
    throw new RewindError(
      'NOTHING_LIVE',
      `${input.env} has no live release in the ledger to roll back from; name one with --failed-deployment-id`,
    );
  }
  return live;
}

/** The ledger's versions among those seen running; `observedLive` counts for callers that pass nothing else. */
function runningVersions(input: Pick<RollbackInput, 'seenRunning' | 'observedLive' | 'releases'>): string[] {
  const seen = versionsSeen(input.seenRunning ?? []);
  if (input.observedLive !== null) seen.push(input.observedLive);
  return [...new Set(seen)].filter((v) => input.releases.some((r) => r.version === v));
}

/** The newest version seen running; of its releases, the one `current` last switched to (else the newest). */
function newestRunning(releases: readonly Release[], running: readonly string[]): Release | undefined {
  const newest = releases.find((r) => running.includes(r.version));
  if (!newest) return undefined;
  return liveRelease(releases.filter((r) => r.version === newest.version)) ?? newest;
}

/**
 * Rolling back a release that does not run switches away from one nobody said failed: refused
 * before anything is saved. With no evidence at all, only the ledger's live release may be named.
 */
function refuseIfNotRunning(input: Pick<RollbackInput, 'failed' | 'env' | 'releases'>, named: Release, running: readonly string[]): void {
  const asked = `--failed-deployment-id ${input.failed}`;
  if (running.length > 0) {
    if (running.includes(named.version)) return;
    const from = newestRunning(input.releases, running) as Release;
    throw new RewindError(
      'FAILED_NOT_RUNNING',
      `${asked}: ${input.env} runs ${running.join(' and ')}, not ${named.version}; ` +
        `leave out --failed-deployment-id to roll back ${from.version}`,
      { failed: named.version, running: [...running] },
    );
  }
  const live = liveRelease(input.releases);
  if (!live || live.version === named.version) return;
  throw new RewindError(
    'FAILED_NOT_RUNNING',
    `${asked}: the ledger's live release in ${input.env} is ${live.version}, not ${named.version}, and nothing could be ` +
      `observed running to say otherwise; leave out --failed-deployment-id to roll back ${live.version}`,
    { failed: named.version, running: [] },
  );
}

function findTarget(
  input: RollbackInput,
  failed: Release,
  failedIndex: number,
): { target: Release; chosenBy: RollbackPlan['targetChosenBy'] } {
  const requested = input.targetVersion;
  if (requested === undefined) {
    const target = lastKnownGood(input.releases, failed);
    if (!target) {
      throw new RewindError(
        'NO_KNOWN_GOOD',
        `no known good release older than ${failed.version} in ${input.env}: none passed verification without being marked bad`,
        { failed: failed.version },
      );
    }
    return { target, chosenBy: 'last_known_good' };
  }
  assertSafeName(requested, '--target-version');
  if (requested === failed.version) {
    throw new RewindError('BAD_TARGET', `--target-version ${requested} is the release being rolled back; choose an older version`);
  }
  const target = input.releases.find((r) => r.version === requested);
  if (!target) {
    throw new RewindError(
      'RELEASE_NOT_FOUND',
      `--target-version ${requested} was never deployed to ${input.env}; ` +
        `expected one of: ${versionsOlderThan(input.releases, failedIndex)}`,
      { target: requested },
    );
  }
  if (input.releases.indexOf(target) < failedIndex) {
    throw new RewindError(
      'BAD_TARGET',
      `--target-version ${requested} is newer than ${failed.version}; a rollback goes to an older release`,
    );
  }
  return { target, chosenBy: 'requested' };
}

function versionsOlderThan(releases: readonly Release[], index: number): string {
  const versions = [...new Set(releases.slice(index + 1).map((r) => r.version))];
  return versions.length > 0 ? versions.slice(0, 8).join(', ') : '(none)';
}

function assessRisks(input: RollbackInput, failed: Release, target: Release, skipped: readonly string[]): Risk[] {
  const risks: Risk[] = [];
  if (target.verifiedAt === null) {
    risks.push({ code: 'target_unverified', level: 'high', message: `${target.version} never passed verification` });
  } else if (target.markedBadAt !== null || target.status === 'failed' || target.status === 'rolled_back') {
    risks.push({ code: 'target_unverified', level: 'high', message: `${target.version} was marked bad (${target.status})` });
  }
  if (skipped.length > 0) {
    risks.push({ code: 'distance', level: 'medium', message: `goes back ${skipped.length + 1} releases, past ${skipped.join(', ')}` });
  }
  if (input.scope !== 'environment' && input.hosts.length > 1) {
    risks.push({ code: 'several_hosts', level: 'medium', message: `${input.hosts.length} hosts change` });
  }
  if (!input.healthConfigured) {
    risks.push({ code: 'no_health_check', level: 'medium', message: 'no health check is configured: the result cannot be proved' });
  }
  const missing = input.missingOn ?? [];
  if (missing.length > 0) {
    risks.push({
      code: 'target_missing',
      level: 'medium',
      message: `${target.version} is missing on ${missing.join(', ')}: it is rebuilt from its source there first`,
    });
  }
  const drift = planDrift(input, failed);
  if (drift.length > 0) risks.push({ code: 'drift', level: 'medium', message: drift.join('; ') });
  return risks;
}

/**
 * Where the ledger, `current` and the app disagree, a line per host naming all three, and the hosts
 * that could not be inspected. With no live release in the ledger, `current` is held to the
 * release rolled back (what the ledger would have said).
 */
function planDrift(input: RollbackInput, failed: Release): string[] {
  const live = liveRelease(input.releases)?.version ?? null;
  const hosts: readonly HostEvidence[] = input.seenRunning !== undefined && input.seenRunning.length > 0
    ? input.seenRunning
    : [{ host: input.hosts[0] ?? input.env, current: input.observedLive, serves: null }];
  return [...driftLines(hosts, live, live ?? failed.version), ...uninspected(hosts)];
}

/** An irreversible migration halts the plan: nothing is saved to run, nothing is touched. */
function refuseIrreversible(migrations: readonly PlanMigration[], failed: Release, target: Release): void {
  const none = migrations.filter((m) => m.reversibility === 'none');
  if (none.length === 0) return;
  const ids = none.map((m) => m.id).join(', ');
  throw new RewindError(
    'IRREVERSIBLE_MIGRATION',
    `${ids} ${none.length === 1 ? 'is' : 'are'} irreversible: rolling ${failed.version} back to ${target.version} ` +
      `would need ${none.length === 1 ? 'it' : 'them'} reverted; only a forward fix is possible`,
    { migrations: none.map((m) => m.id) },
  );
}

function migrationRisks(migrations: readonly PlanMigration[], failed: Release): Risk[] {
  const risks: Risk[] = [];
  for (const m of migrations) {
    if (m.dataLoss.length > 0) {
      risks.push({ code: 'data_loss', level: 'high', message: `reverting ${m.id} loses data: ${m.dataLoss.join(', ')}` });
    }
    if (m.reversibility === 'manual') {
      risks.push({
        code: 'manual_migration',
        level: 'medium',
        message:
          `${m.id} must be reverted by an operator: the run pauses before the switch ` +
          `(with ${failed.version}'s ${m.downPath ?? 'migration files'})`,
      });
    }
  }
  return risks;
}

function planRelease(release: Release): PlanRelease {
  return { releaseId: release.id, version: release.version, sha: release.sha, verifiedAt: release.verifiedAt };
}
