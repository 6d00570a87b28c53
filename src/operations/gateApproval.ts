import { RewindError } from '../core/errors.js';
import type { RollbackPlan } from '../core/plan.js';
import type { Run } from '../core/run.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { notifyRun } from './notifyRun.js';
import { countingApproval } from './signedApproval.js';

/**
 * A plan that needs approval stops here, before anything is touched, unless
 * someone on the approver list has approved the run or the requester used
 * --auto-approve (which the audit log records, with who used it). With
 * approval.allowed_signers set, only a signed approval that verifies now
 * counts: neither an unsigned one nor --auto-approve does.
 */
export async function gateApproval(deps: EnvDeps, run: Run, plan: RollbackPlan, autoApprove: boolean): Promise<Run> {
  if (!plan.approvalRequired) return run;
  if (deps.signer) {
    const verdict = await countingApproval(deps, deps.signer, run);
    if (verdict.counts) {
      if (run.approvedBy !== verdict.approvedBy) await deps.ledger.updateRun(run.id, { approvedBy: verdict.approvedBy });
      await audit(deps, 'approval.verified', 'approved', { identity: verdict.approval.identity, key: verdict.approval.key }, run.id);
      return { ...run, approvedBy: verdict.approvedBy };
    }
    const why = autoApprove ? '--auto-approve does not count when approvals must be signed' : verdict.why;
    return wait(deps, run, plan, autoApprove ? 'APPROVAL_UNSIGNED' : 'APPROVAL_REQUIRED', why);
  }
  if (run.approvedBy) return run;
  if (autoApprove) {
    const approvedBy = `${deps.user} (--auto-approve)`;
    await deps.ledger.updateRun(run.id, { approvedBy });
    await audit(deps, 'approval.auto_approved', 'approved', { risk: plan.riskLevel, by: deps.user }, run.id);
    return { ...run, approvedBy };
  }
  return wait(deps, run, plan, 'APPROVAL_REQUIRED', null);
}

/** Leave the run waiting for approval, say so to the receivers, and stop (exit 3). */
async function wait(
  deps: EnvDeps,
  run: Run,
  plan: RollbackPlan,
  code: 'APPROVAL_REQUIRED' | 'APPROVAL_UNSIGNED',
  why: string | null,
): Promise<never> {
  const approvers = deps.env.approval.approvers;
  const signed = deps.signer !== undefined;
  await deps.ledger.updateRun(run.id, { status: 'awaiting_approval' });
  await audit(deps, 'approval.requested', 'waiting', { risk: plan.riskLevel, approvers, ...(signed ? { signed, why } : {}) }, run.id);
  const who = approvers.length > 0
    ? `one of ${approvers.join(', ')}${signed ? ', signed with a key in approval.allowed_signers' : ''}`
    : `nobody (approval.approvers is empty${signed ? '' : '; use --auto-approve'})`;
  const approve = signed ? `rewind approve ${run.id} --key KEY --apply` : `rewind approve ${run.id} --apply`;
  await notifyRun(deps, 'approval.requested', { ...run, status: 'awaiting_approval' }, {
    message: `${deps.app} ${deps.envName}: rollback ${plan.from.version} -> ${plan.to.version} is ${plan.riskLevel} risk ` +
      `and waits for approval by ${who}: ${approve}`,
    severity: 'warning',
  });
  throw new RewindError(
    code,
    `run ${run.id} is ${plan.riskLevel} risk and needs approval by ${who}${why ? ` (${why})` : ''}: \`${approve}\` carries it out ` +
      `(or approve, then \`rewind resume ${run.id}\`)`,
    { runId: run.id, approvers, risks: plan.risks },
  );
}
