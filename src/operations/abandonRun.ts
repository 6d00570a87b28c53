/**
 * Give up an interrupted or paused run: the operator decided not to resume
 * it. The target is left exactly as the run left it, and nothing is judged:
 * a release the run had not already found bad on evidence stays as it is,
 * so the next rollback still chooses the last known good. Who gave up and
 * why go to the run and the audit log. A deploy and its automatic rollback
 * are given up together.
 */
import { RewindError } from '../core/errors.js';
import { lockKey } from '../core/lock.js';
import { describeProgress } from '../core/runProgress.js';
import type { Run } from '../core/run.js';
import { takeEnvLock } from '../engine/envLock.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { withCleanup } from './firstError.js';
import { getRun } from './lookups.js';
import { notResumable } from './savedPlan.js';
import { describeFleet, observeFleet } from './targets.js';
import { unsettledRuns, type UnsettledRun } from './unsettledRuns.js';

export interface AbandonResult {
  /** The runs given up: the one named, and its family when it was unsettled too. */
  abandoned: Run[];
  /** What the target runs now, as the run(s) left it. */
  left: string;
}

export async function abandonRun(deps: EnvDeps, runId: string, reason: string): Promise<AbandonResult> {
  if (reason.trim() === '') throw new RewindError('USAGE', 'abandon needs --reason "...": why the run is given up, for the audit log');
  const run = await getRun(deps, runId);
  if (run.env !== deps.envName || run.app !== deps.app) throw notResumable(run, `belongs to ${run.app} ${run.env}: pass --env ${run.env}`);
  await findUnsettled(deps, run);
  // A dead holder's lock is taken over; while abandon holds it, nothing can resume the run meanwhile.
  const lock = await takeEnvLock(deps, lockKey(deps.app, deps.envName), `abandon-${run.id}`);
  return withCleanup(async () => {
    const entry = await findUnsettled(deps, run);
    const at = deps.clock.now().toISOString();
    const given = [entry, ...(entry.child ? [entry.child] : [])];
    const left = describeFleet((await observeFleet(deps.targets, deps.fleet.concurrency)).byHost);
    for (const one of given) await giveUp({ ...deps, ledger: lock.ledger }, one, { reason, at, left });
    return { abandoned: given.map((g) => ({ ...g.run, status: 'abandoned' as const, finishedAt: at })), left };
  }, () => lock.release(), 'giving the environment lock back failed');
}

async function findUnsettled(deps: EnvDeps, run: Run): Promise<UnsettledRun> {
  const entry = (await unsettledRuns(deps, [])).find((u) => u.run.id === run.id || u.child?.run.id === run.id);
  if (entry) return entry;
  const why = run.status === 'running' ? 'is still running (its process holds the lock: `rewind history` shows it)' : `is ${run.status}`;
  throw notResumable(run, `${why}: only an interrupted or paused run can be abandoned`);
}

async function giveUp(deps: EnvDeps, entry: UnsettledRun, facts: { reason: string; at: string; left: string }): Promise<void> {
  const { run } = entry;
  await deps.ledger.updateRun(run.id, { status: 'abandoned', finishedAt: facts.at, error: `abandoned by ${deps.user}: ${facts.reason}` });
  await audit(deps, 'run.abandoned', 'abandoned', {
    by: deps.user,
    reason: facts.reason,
    was: entry.state,
    progress: describeProgress(entry.progress),
    left_running: facts.left,
  }, run.id);
}
