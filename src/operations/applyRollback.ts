import { join } from 'node:path';
import { RewindError } from '../core/errors.js';
import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';
import { runSteps, type Step, type StepOutcome } from '../engine/runSteps.js';
import type { Verification } from '../verify/verifyRelease.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import type { PlannedRollback } from './planRollbackRun.js';
import { reloadStep, switchStep, verifyStep } from './releaseSteps.js';
import { rollbackReportMarkdown, rollbackSummary, type RollbackReportInput } from './reports/runReport.js';
import { toolVersion } from './toolVersion.js';

export interface RollbackResult extends PlannedRollback {
  ok: boolean;
  outcomes: StepOutcome[];
  verification: Verification | undefined;
  error: RewindError | undefined;
  liveAfter: string | null;
  durationMs: number;
  files: PlannedRollback['files'] & { reportMd: string; summaryJson: string };
}

/**
 * Carry out a saved rollback plan: make sure the target is there, switch,
 * reload, verify that the target itself is healthy, mark the failed release.
 * When the target fails verification there is no known good version: stop,
 * mark it bad, and say so at the highest severity (exit 4), never loop.
 */
export async function applyRollback(deps: EnvDeps, planned: PlannedRollback): Promise<RollbackResult> {
  const { plan } = planned;
  const started = deps.clock.now();
  const [from, to] = await Promise.all([release(deps, plan.from.releaseId), release(deps, plan.to.releaseId)]);
  let run: Run = { ...planned.run, status: 'running', startedAt: started.toISOString() };
  await deps.ledger.updateRun(run.id, { status: 'running', startedAt: run.startedAt });
  await audit(deps, 'rollback.started', 'started', { from: from.version, to: to.version, reason: plan.reason }, run.id);
  deps.events({ type: 'run.started', runId: run.id, kind: 'rollback', title: `roll ${deps.envName} back from ${from.version} to ${to.version}` });

  let verification: Verification | undefined;
  const switchTo = switchStep(deps, to);
  const reload = reloadStep(deps, to);
  const steps: Step[] = [
    ensureStep(deps, to),
    switchTo,
    ...(reload ? [reload] : []),
    verifyStep(deps, to, (v) => { verification = v; }),
    markStep(deps, from),
  ];
  const result = await runSteps(steps, { ledger: deps.ledger, clock: deps.clock, events: deps.events, runId: run.id });

  const switched = result.outcomes.some((o) => o.name === switchTo.name && o.ok);
  let error = result.error;
  if (!result.ok && result.error?.code === 'VERIFY_FAILED') {
    error = new RewindError('NO_KNOWN_GOOD', `rolled back to ${to.version} but it failed verification too (${verification?.reason ?? 'see report'}): no known good version, manual intervention needed (severity 1)`, { to: to.version });
  }
  if (!result.ok && switched) {
    // The environment no longer runs the failed release, whatever happened after the switch.
    await deps.ledger.updateRelease(from.id, { status: 'rolled_back', markedBadAt: deps.clock.now().toISOString() });
  }
  const liveAfter = (await deps.driver.inspect()).version;
  const finished = deps.clock.now();
  run = { ...run, status: result.ok ? 'succeeded' : 'failed', finishedAt: finished.toISOString(), error: error?.message ?? null };
  await deps.ledger.updateRun(run.id, { status: run.status, finishedAt: run.finishedAt, error: run.error });

  const durationMs = finished.getTime() - started.getTime();
  const reportInput: RollbackReportInput = {
    toolVersion: toolVersion(), run, plan, planId: planned.planId, ok: result.ok, outcomes: result.outcomes,
    verification, error: error?.message ?? null, liveAfter, durationMs,
  };
  const files = { ...planned.files, reportMd: join(planned.reportDir, 'report.md'), summaryJson: join(planned.reportDir, 'summary.json') };
  await deps.files.writeFileAtomic(files.reportMd, rollbackReportMarkdown(reportInput));
  await deps.files.writeFileAtomic(files.summaryJson, `${JSON.stringify(rollbackSummary(reportInput), null, 2)}\n`);
  await audit(deps, result.ok ? 'rollback.succeeded' : 'rollback.failed', result.ok ? 'success' : 'failure', { from: from.version, to: to.version, live_after: liveAfter, error: error?.message }, run.id);
  return { ...planned, run, ok: result.ok, outcomes: result.outcomes, verification, error, liveAfter, durationMs, files };
}

function ensureStep(deps: EnvDeps, to: Release): Step {
  return {
    name: `check ${to.version} is present`,
    run: async () => {
      if (await deps.driver.isPresent(to.version)) return `${to.version} is present and intact`;
      // Pruned or damaged: rebuild it from its source rather than switch to nothing.
      const prepared = await deps.driver.prepare(to.version);
      if (to.sha && prepared.sha && prepared.sha !== to.sha) {
        throw new RewindError('STEP_FAILED', `${to.version} was missing and its source now gives commit ${prepared.sha.slice(0, 7)}, not the verified ${to.sha.slice(0, 7)}`);
      }
      return `${to.version} was missing: rebuilt from source`;
    },
  };
}

function markStep(deps: EnvDeps, from: Release): Step {
  return {
    name: `mark ${from.version} rolled_back`,
    run: async () => {
      await deps.ledger.updateRelease(from.id, { status: 'rolled_back', markedBadAt: deps.clock.now().toISOString() });
      return `${from.version} will not be chosen as a rollback target`;
    },
  };
}

async function release(deps: EnvDeps, id: string): Promise<Release> {
  const found = await deps.ledger.getRelease(id);
  if (!found) throw new RewindError('RELEASE_NOT_FOUND', `release ${id} named by the plan is not in the ledger`);
  return found;
}
