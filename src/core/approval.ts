import type { RiskLevel } from './plan.js';

export type ApprovalPolicy = 'none' | 'high' | 'medium' | 'all';

/** Pure: does a plan of this risk need someone's approval under this policy? */
export function needsApproval(risk: RiskLevel, policy: ApprovalPolicy): boolean {
  switch (policy) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'medium':
      return risk === 'medium' || risk === 'high';
    case 'high':
      return risk === 'high';
  }
}

/** Pure: may `user` approve a run `requester` asked for? Returns why not, or null. */
export function approvalRefusal(user: string, requester: string, approvers: readonly string[], allowSelf: boolean): string | null {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  if (!approvers.some((a) => same(a, user))) {
    return approvers.length > 0
      ? `${user} is not an approver (approvers: ${approvers.join(', ')})`
      : `${user} is not an approver: approval.approvers is empty`;
  }
  if (same(user, requester) && !allowSelf) {
    return `${user} asked for this run and cannot approve it too (approval.allow_self_approval is false)`;
  }
  return null;
}
