import { approvalRefusal } from '../core/approval.js';
import { RewindError } from '../core/errors.js';
import type { Run } from '../core/run.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { getRun } from './lookups.js';
import { notResumable } from './savedPlan.js';
import { refuseIfStale } from './staleness.js';
import { rollbackStepsOf } from './planSteps.js';
import type { RollbackPlan } from '../core/plan.js';

/** Approve a gated run: by someone on the approver list, and not its requester unless the policy allows. */
export async function approveRun(deps: EnvDeps, runId: string): Promise<Run> {
  const run = await getRun(deps, runId);
  if (run.env !== deps.envName || run.app !== deps.app) throw notResumable(run, `belongs to ${run.app} ${run.env}: pass --env ${run.env}`);
  if (run.status !== 'awaiting_approval' && run.status !== 'planned') {
    throw notResumable(run, `is ${run.status}: only a planned or waiting run can be approved`);
  }
  // Approving a plan the world has moved past would only arm it: refused like carrying it out.
  if (run.kind === 'rollback') await refuseIfStale(deps, run, rollbackStepsOf(deps, run.plan as RollbackPlan), []);
  const { approvers, allow_self_approval: allowSelf } = deps.env.approval;
  const refusal = approvalRefusal(deps.user, run.requestedBy, approvers, allowSelf);
  if (refusal) {
    await audit(deps, 'approval.refused', 'refused', { by: deps.user, why: refusal }, run.id);
    throw new RewindError('APPROVAL_REFUSED', `cannot approve ${run.id}: ${refusal}`, { runId: run.id });
  }
  await deps.ledger.updateRun(run.id, { approvedBy: deps.user });
  await audit(deps, 'approval.granted', 'approved', { by: deps.user }, run.id);
  return { ...run, approvedBy: deps.user };
}
