/**
 * How far a run that stopped got, in the words of its plan: what it did,
 * the step it was in when it stopped, and what it never reached. Pure: the
 * plan's steps and the run's journal in, the picture out, so the message
 * that blocks a new run and the audit entry of an abandoned one agree.
 */
import type { PlanStep } from './plan.js';
import type { StepRecord } from './run.js';

export interface RunProgress {
  done: PlanStep[];
  /** The step the run was in when it stopped (journaled but not finished, failed, or waiting); null when between steps. */
  stoppedIn: PlanStep | null;
  notDone: PlanStep[];
}

export function runProgress(plan: readonly PlanStep[], journal: readonly StepRecord[]): RunProgress {
  const progress: RunProgress = { done: [], stoppedIn: null, notDone: [] };
  plan.forEach((step, index) => {
    const record = journal.find((r) => r.index === index && (r.stepId === undefined || r.stepId === step.id));
    if (record?.status === 'succeeded') progress.done.push(step);
    else if (record && progress.stoppedIn === null && record.status !== 'skipped') progress.stoppedIn = step;
    else progress.notDone.push(step);
  });
  return progress;
}

/** One line: `did: switch to v1.1.0; stopped in: reload the app; not done: verify v1.1.0, mark v1.2.0 rolled_back`. */
export function describeProgress(progress: RunProgress): string {
  const titles = (steps: readonly PlanStep[]) => steps.map((s) => s.title).join(', ');
  const parts = [progress.done.length > 0 ? `did: ${titles(progress.done)}` : 'did nothing yet'];
  if (progress.stoppedIn) parts.push(`stopped in: ${progress.stoppedIn.title}`);
  if (progress.notDone.length > 0) parts.push(`not done: ${titles(progress.notDone)}`);
  return parts.join('; ');
}
