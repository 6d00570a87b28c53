import { humanDuration } from './format.js';
import type { ReportFacts } from './reportInput.js';

export interface TimelineEntry {
  at: string;
  text: string;
}

/**
 * What happened when, from the run and its journal, oldest first. Entries
 * without a time (a step that never started) are left out rather than guessed.
 */
export function rollbackTimeline(facts: ReportFacts): TimelineEntry[] {
  const { run, plan, verification } = facts.input;
  const entries: TimelineEntry[] = [];
  const add = (at: string | null, text: string): void => {
    if (at) entries.push({ at, text });
  };

  add(
    run.createdAt,
    `Run ${run.id} created: roll back ${plan.from.version} to ${plan.to.version}, ` +
      `requested by ${run.requestedBy} (trigger: ${run.trigger})`,
  );
  add(run.startedAt, `${facts.dryRun ? 'Drill (dry run)' : 'Rollback'} started${run.approvedBy ? `, approved by ${run.approvedBy}` : ''}`);

  // Verification has no clock of its own: it is reported when its step ended.
  // By the step's id; a step journaled before ids existed is known by its name.
  const verifyIndex = lastIndexWhere(
    facts.steps,
    (s) => (s.stepId !== undefined ? s.stepId.startsWith('verify:') : s.name.startsWith('verify')),
  );
  facts.steps.forEach((step, i) => {
    const number = step.index + 1;
    add(step.startedAt, `Step ${number} started: ${step.name}`);
    const how = step.status === 'succeeded' ? 'ok' : step.status === 'failed' ? `FAILED: ${step.error ?? 'no reason given'}` : step.status;
    add(step.finishedAt, `Step ${number} finished: ${step.name}, ${how} (${humanDuration(step.durationMs)})`);
    if (i === verifyIndex && verification) add(step.finishedAt ?? run.finishedAt, verificationText(facts));
  });
  if (verifyIndex === -1 && verification) add(run.finishedAt, verificationText(facts));

  const ended = facts.input.ok
    ? `Run finished: rolled back, ${facts.input.liveAfter ?? 'unknown'} running`
    : `Run finished: FAILED (${facts.input.error ?? 'no reason given'}); running now: ${facts.input.liveAfter ?? 'unknown'}`;
  add(run.finishedAt, ended);

  // Stable: entries with the same second keep the order they happened in.
  return entries
    .map((entry, order) => ({ entry, order, time: Date.parse(entry.at) }))
    .sort((a, b) => (Number.isNaN(a.time) || Number.isNaN(b.time) ? a.order - b.order : a.time - b.time || a.order - b.order))
    .map(({ entry }) => entry);
}

function verificationText(facts: ReportFacts): string {
  const verification = facts.input.verification;
  if (!verification) return 'Verification not reached';
  if (verification.checks.length === 0) return 'Verification: nothing configured to check';
  if (verification.ok) return `Verification passed: ${verification.checks.map((c) => `${c.name} ok`).join(', ')}`;
  return `Verification FAILED: ${verification.reason ?? 'see report'}`;
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i -= 1) if (test(items[i] as T)) return i;
  return -1;
}
