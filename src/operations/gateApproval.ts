import { RewindError } from '../core/errors.js';
import type { RollbackPlan } from '../core/plan.js';
import type { Run } from '../core/run.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { notifyRun } from './notifyRun.js';

/**
 * A plan that needs approval stops here, before anything is touched, unless
 * someone on the approver list has approved the run or the requester used
 * --auto-approve (which the audit log records, with who used it).
 */
export async function gateApproval(deps: EnvDeps, run: Run, plan: RollbackPlan, autoApprove: boolean): Promise<Run> {
  if (!plan.approvalRequired || run.approvedBy) return run;
  if (autoApprove) {
    const approvedBy = `${deps.user} (--auto-approve)`;
    await deps.ledger.updateRun(run.id, { approvedBy });
    await audit(deps, 'approval.auto_approved', 'approved', { risk: plan.riskLevel, by: deps.user }, run.id);
    return { ...run, approvedBy };
  }
  await deps.ledger.updateRun(run.id, { status: 'awaiting_approval' });
  await audit(deps, 'approval.requested', 'waiting', { risk: plan.riskLevel, approvers: deps.env.approval.approvers }, run.id);
  const approvers = deps.env.approval.approvers;
  const who = approvers.length > 0 ? `one of ${approvers.join(', ')}` : 'nobody (approval.approvers is empty; use --auto-approve)';
  await notifyRun(deps, 'approval.requested', { ...run, status: 'awaiting_approval' }, {
    message: `${deps.app} ${deps.envName}: rollback ${plan.from.version} -> ${plan.to.version} is ${plan.riskLevel} risk ` +
      `and waits for approval by ${who}: rewind approve ${run.id} --apply`,
    severity: 'warning',
  });
  throw new RewindError(
    'APPROVAL_REQUIRED',
    `run ${run.id} is ${plan.riskLevel} risk and needs approval by ${who}: \`rewind approve ${run.id} --apply\` carries it out ` +
      `(or approve, then \`rewind resume ${run.id}\`)`,
    { runId: run.id, approvers, risks: plan.risks },
  );
}
