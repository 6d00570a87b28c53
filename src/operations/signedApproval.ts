import { approvalRefusal } from '../core/approval.js';
import {
  APPROVAL_NAMESPACE,
  approvalMessage,
  signedApprover,
  sshSignatureInfo,
  type ApprovalSigner,
  type SignedApproval,
} from '../core/approvalSignature.js';
import { RewindError } from '../core/errors.js';
import type { RollbackPlan } from '../core/plan.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';
import { planIdOf } from './planRollbackRun.js';

/** The message an approval of `run` signs: this run, and the plan it carries (a changed plan needs a new signature). */
export function runApprovalMessage(deps: Pick<EnvDeps, 'app' | 'envName'>, run: Run): { message: string; planId: string } {
  const planId = planIdOf(run.plan as RollbackPlan);
  return { message: approvalMessage({ app: deps.app, env: deps.envName, runId: run.id, planId }), planId };
}

/**
 * Sign `run`'s approval as `deps.user` with the key in `keyFile`, and check
 * the signature verifies for that identity before anything is recorded: a
 * key that is not on the allowed-signers list (or is listed for someone
 * else) is refused here, with the key named.
 */
export async function signApproval(deps: EnvDeps, signer: ApprovalSigner, run: Run, keyFile: string): Promise<SignedApproval> {
  const { message, planId } = runApprovalMessage(deps, run);
  const signature = await signer.sign(keyFile, message);
  const info = sshSignatureInfo(signature);
  if (info === null || info.namespace !== APPROVAL_NAMESPACE) {
    throw new RewindError('SIGNING_FAILED', `ssh-keygen did not produce an SSH signature for namespace ${APPROVAL_NAMESPACE}`);
  }
  const key = `${info.keyType} ${info.fingerprint}`;
  const check = await signer.verify(signature, deps.user, message);
  if (!check.ok) {
    throw new RewindError(
      'APPROVAL_REFUSED',
      `cannot approve ${run.id}: the signature by ${key} does not verify for ${deps.user}: ${check.detail}`,
      { runId: run.id, key },
    );
  }
  return { identity: deps.user, key, signature, namespace: APPROVAL_NAMESPACE, plan_id: planId };
}

export type ApprovalVerdict = { counts: true; approval: SignedApproval; approvedBy: string } | { counts: false; why: string };

/**
 * Does `run` have an approval that counts now: a signed one in the audit log
 * that verifies for an identity still on the approver list (and not the
 * requester, unless self-approval is allowed), over this run and this plan?
 * Checked again every time the run is about to be carried out, so a key
 * taken off the list, or a plan changed since, no longer counts.
 */
export async function countingApproval(deps: EnvDeps, signer: ApprovalSigner, run: Run): Promise<ApprovalVerdict> {
  const { approvers, allow_self_approval: allowSelf } = deps.env.approval;
  const { message } = runApprovalMessage(deps, run);
  const signed = (await deps.ledger.listAudit())
    .filter((entry) => entry.runId === run.id && entry.action === 'approval.granted')
    .map((entry) => entry.detail)
    .filter((detail): detail is Record<string, unknown> & SignedApproval =>
      typeof detail.signature === 'string' && typeof detail.identity === 'string' && typeof detail.key === 'string');
  let why = run.approvedBy
    ? `the approval by ${run.approvedBy} is not signed`
    : 'nobody has approved it';
  // Newest first, as the audit log lists them; the first that holds is enough.
  for (const approval of signed) {
    const refusal = approvalRefusal(approval.identity, run.requestedBy, approvers, allowSelf);
    if (refusal) {
      why = `the signed approval does not count: ${refusal}`;
      continue;
    }
    const check = await signer.verify(approval.signature, approval.identity, message);
    if (check.ok) return { counts: true, approval, approvedBy: signedApprover(approval) };
    why = `the approval signed by ${approval.identity} (${approval.key}) no longer verifies: ${check.detail}`;
  }
  return { counts: false, why };
}
