import { RewindError } from '../core/errors.js';
import { assertSafeName } from '../core/names.js';
import { lastKnownGood, liveRelease } from '../core/lastKnownGood.js';
import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';
import { runSteps, type Step, type StepOutcome } from '../engine/runSteps.js';
import type { Verification } from '../verify/verifyRelease.js';
import { applyRollback, type RollbackResult } from './applyRollback.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { planRollbackRun } from './planRollbackRun.js';
import { newRelease, newRun } from './records.js';
import { reloadStep, switchStep, verifyStep } from './releaseSteps.js';

export interface DeployRequest {
  version: string;
  autoRollback: boolean;
  reason?: string;
}

export interface DeployResult {
  ok: boolean;
  run: Run;
  release: Release;
  previous: Release | undefined;
  outcomes: StepOutcome[];
  verification: Verification | undefined;
  error: RewindError | undefined;
  /** The automatic rollback, when verification failed and one was made. */
  rollback: RollbackResult | undefined;
  /** Why no automatic rollback happened, when the deploy failed and none did. */
  rollbackSkipped: string | null;
  pruned: string[];
}

/**
 * Make the release, switch to it, reload, verify. When it fails after the
 * switch, go back to the release that was live before (a rollback run of its
 * own, with its reports) unless told not to. The deploy failed either way.
 */
export async function deploy(deps: EnvDeps, request: DeployRequest): Promise<DeployResult> {
  const version = assertSafeName(request.version, 'version');
  const releases = await deps.ledger.listReleases({ app: deps.app, env: deps.envName });
  const previous = liveRelease(releases);
  const release = newRelease(deps, { version });
  const run = newRun(deps, 'deploy', { fromVersion: previous?.version ?? null, fromReleaseId: previous?.id ?? null, toVersion: version, toReleaseId: release.id, reason: request.reason ?? null });
  await deps.ledger.insertRelease(release);
  await deps.ledger.insertRun(run);
  await audit(deps, 'deploy.started', 'started', { version, previous: previous?.version ?? null }, run.id);
  deps.events({ type: 'run.started', runId: run.id, kind: 'deploy', title: `deploy ${version} to ${deps.envName}` });

  let verification: Verification | undefined;
  const make: Step = {
    name: `make release ${version}`,
    run: async () => {
      const prepared = await deps.driver.prepare(version);
      // The later steps hold this same object, so they see the sha once it is known.
      Object.assign(release, { sha: prepared.sha, artifact: prepared.artifact });
      await deps.ledger.updateRelease(release.id, { sha: prepared.sha, artifact: prepared.artifact });
      return `${prepared.reused ? 'reused' : 'made'} ${prepared.artifact}${prepared.sha ? ` at ${prepared.sha.slice(0, 7)}` : ''}`;
    },
  };
  const switchTo = switchStep(deps, release);
  const reload = reloadStep(deps, release);
  const steps: Step[] = [
    make,
    switchTo,
    ...(reload ? [reload] : []),
    verifyStep(deps, release, (v) => { verification = v; }),
  ];
  const result = await runSteps(steps, { ledger: deps.ledger, clock: deps.clock, events: deps.events, runId: run.id });

  let rollback: RollbackResult | undefined;
  let rollbackSkipped: string | null = null;
  let pruned: string[] = [];
  const switched = result.outcomes.some((o) => o.name === switchTo.name && o.ok);
  if (!result.ok) {
    await deps.ledger.updateRelease(release.id, { status: 'failed', markedBadAt: deps.clock.now().toISOString() });
    if (!switched) rollbackSkipped = `${version} never became current: nothing to roll back`;
    else if (!request.autoRollback) rollbackSkipped = '--no-auto-rollback: the failed release stays current';
    else if (!previous) rollbackSkipped = `no release was live before ${version}: nothing to go back to`;
    else rollback = await rollBackTo(deps, release, previous);
  } else {
    pruned = await prune(deps, release);
  }
  const finishedAt = deps.clock.now().toISOString();
  const error = result.error;
  const status = result.ok ? 'succeeded' : 'failed';
  await deps.ledger.updateRun(run.id, { status, finishedAt, error: error?.message ?? null });
  await audit(deps, result.ok ? 'deploy.succeeded' : 'deploy.failed', result.ok ? 'success' : 'failure', { version, error: error?.message, rolled_back_to: rollback?.ok ? previous?.version : undefined }, run.id);
  const finalRelease = (await deps.ledger.getRelease(release.id)) ?? release;
  return { ok: result.ok, run: { ...run, status, finishedAt, error: error?.message ?? null }, release: finalRelease, previous, outcomes: result.outcomes, verification, error, rollback, rollbackSkipped, pruned };
}

async function rollBackTo(deps: EnvDeps, failed: Release, previous: Release): Promise<RollbackResult> {
  const planned = await planRollbackRun(deps, {
    failed: failed.id,
    targetVersion: previous.version,
    reason: `deploy of ${failed.version} failed verification`,
    trigger: 'deploy.verify_failed',
  });
  return applyRollback(deps, planned);
}

/** Keep `keep` releases, never the live one or the last known good. */
async function prune(deps: EnvDeps, live: Release): Promise<string[]> {
  const releases = await deps.ledger.listReleases({ app: deps.app, env: deps.envName });
  const good = lastKnownGood(releases, releases.find((r) => r.id === live.id));
  return deps.driver.prune([live.version, ...(good ? [good.version] : [])]);
}
