import { SWITCHING_KINDS, type PlanStep } from '../../core/plan.js';
import type { StepRecord } from '../../core/run.js';

export interface HostRowView {
  host: string;
  /** The version its last finished switch step put there, if any. */
  switchedTo: string | null;
  verified: boolean;
  /** The first step covering it that failed, if one did. */
  failedStep: string | null;
}

/**
 * Per host, what a run's journal says happened there: the plan's steps name
 * their hosts (all of them when they name none), the journal says how each
 * went. Pure.
 */
export function hostTable(hosts: readonly string[], steps: readonly PlanStep[], journal: readonly StepRecord[]): HostRowView[] {
  const recordOf = (step: PlanStep, index: number) =>
    journal.find((r) => (r.stepId !== undefined ? r.stepId === step.id : r.index === index));
  return hosts.map((host) => {
    const row: HostRowView = { host, switchedTo: null, verified: false, failedStep: null };
    steps.forEach((step, index) => {
      if (step.hosts && !step.hosts.includes(host)) return;
      const record = recordOf(step, index);
      if (!record) return;
      if (record.status === 'failed' && row.failedStep === null) row.failedStep = record.name;
      if (record.status !== 'succeeded') return;
      if (SWITCHING_KINDS.includes(step.kind)) row.switchedTo = step.version;
      if (step.kind === 'verify') row.verified = true;
    });
    return row;
  });
}
