import { approvalRefusal } from '../core/approval.js';
import { signedApprover } from '../core/approvalSignature.js';
import { RewindError } from '../core/errors.js';
import type { Run } from '../core/run.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { getRun } from './lookups.js';
import { notResumable } from './savedPlan.js';
import { refuseIfStale } from './staleness.js';
import { rollbackStepsOf } from './planSteps.js';
import type { RollbackPlan } from '../core/plan.js';
import { signApproval } from './signedApproval.js';

export interface ApproveOptions {
  /** The approver's SSH key (private, or public with the private half in ssh-agent): signs the approval. */
  keyFile?: string;
}

/**
 * Approve a gated run: by someone on the approver list, and not its requester
 * unless the policy allows. With approval.allowed_signers set the approval is
 * signed with the approver's SSH key and counts only if that signature
 * verifies for them; unsigned, it is refused and the run keeps waiting.
 */
export async function approveRun(deps: EnvDeps, runId: string, options: ApproveOptions = {}): Promise<Run> {
  const run = await getRun(deps, runId);
  if (run.env !== deps.envName || run.app !== deps.app) throw notResumable(run, `belongs to ${run.app} ${run.env}: pass --env ${run.env}`);
  if (run.status !== 'awaiting_approval' && run.status !== 'planned') {
    throw notResumable(run, `is ${run.status}: only a planned or waiting run can be approved`);
  }
  if (options.keyFile !== undefined && !deps.signer) {
    const why = `approval.allowed_signers is not set for ${deps.envName}: nothing would check it`;
    throw new RewindError('USAGE', `--key signs approvals, but ${why}`);
  }
  // Approving a plan the world has moved past would only arm it: refused like carrying it out.
  if (run.kind === 'rollback') await refuseIfStale(deps, run, rollbackStepsOf(deps, run.plan as RollbackPlan), []);
  const { approvers, allow_self_approval: allowSelf } = deps.env.approval;
  const refusal = approvalRefusal(deps.user, run.requestedBy, approvers, allowSelf);
  if (refusal) {
    await audit(deps, 'approval.refused', 'refused', { by: deps.user, why: refusal }, run.id);
    throw new RewindError('APPROVAL_REFUSED', `cannot approve ${run.id}: ${refusal}`, { runId: run.id });
  }
  if (!deps.signer) {
    await deps.ledger.updateRun(run.id, { approvedBy: deps.user });
    await audit(deps, 'approval.granted', 'approved', { by: deps.user }, run.id);
    return { ...run, approvedBy: deps.user };
  }
  return approveSigned(deps, run, options.keyFile);
}

async function approveSigned(deps: EnvDeps, run: Run, keyFile: string | undefined): Promise<Run> {
  const signer = deps.signer as NonNullable<EnvDeps['signer']>;
  if (keyFile === undefined) {
    const why = 'unsigned: approval.allowed_signers is set, so only a signed approval counts';
    await audit(deps, 'approval.refused', 'refused', { by: deps.user, why }, run.id);
    throw new RewindError(
      'APPROVAL_UNSIGNED',
      `cannot approve ${run.id} ${why}: \`rewind approve ${run.id} --key ~/.ssh/id_ed25519\` (a private key, or its .pub with the key ` +
        'in ssh-agent); the run keeps waiting',
      { runId: run.id, allowedSigners: signer.allowedSigners },
    );
  }
  const approval = await signApproval(deps, signer, run, keyFile).catch(async (error: unknown) => {
    if (error instanceof RewindError && error.code === 'APPROVAL_REFUSED') {
      await audit(deps, 'approval.refused', 'refused', { by: deps.user, why: error.message, key: error.details.key }, run.id);
    }
    throw error;
  });
  const approvedBy = signedApprover(approval);
  await deps.ledger.updateRun(run.id, { approvedBy });
  await audit(deps, 'approval.granted', 'approved', { by: deps.user, ...approval }, run.id);
  return { ...run, approvedBy };
}
