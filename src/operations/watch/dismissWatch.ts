/**
 * `rewind watch --dismiss RUN --reason ...`: a human looked at the tier-2
 * breach a watch paged about and decided the release stays. The run is
 * settled (cancelled, naming who and why, in the run and the audit log);
 * nothing on the target changes and the release keeps its status.
 */
import { RewindError } from '../../core/errors.js';
import type { Run } from '../../core/run.js';
import { audit } from '../audit.js';
import type { EnvDeps } from '../deps.js';
import { getRun } from '../lookups.js';
import { notResumable } from '../savedPlan.js';

export async function dismissWatch(deps: EnvDeps, runId: string, reason: string | undefined): Promise<Run> {
  if (!reason || reason.trim() === '') {
    throw new RewindError('USAGE', '--dismiss needs --reason "...": why the release stays despite the breach, for the audit log');
  }
  const run = await getRun(deps, runId);
  if (run.env !== deps.envName || run.app !== deps.app) throw notResumable(run, `belongs to ${run.app} ${run.env}: pass --env ${run.env}`);
  if (run.kind !== 'watch') throw notResumable(run, `is a ${run.kind}, not a watch: only a watch waiting for a decision is dismissed`);
  if (run.status !== 'paused') throw notResumable(run, `is ${run.status}: only a watch waiting for a decision is dismissed`);
  const finishedAt = deps.clock.now().toISOString();
  const error = `${run.error?.split('; waiting for a decision')[0] ?? 'a tier-2 condition held'}; dismissed by ${deps.user}: ${reason}`;
  await deps.ledger.updateRun(run.id, { status: 'cancelled', finishedAt, error });
  await audit(deps, 'watch.dismissed', 'dismissed', { reason, version: run.fromVersion }, run.id);
  return { ...run, status: 'cancelled', finishedAt, error };
}
