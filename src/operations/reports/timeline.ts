import type { Markdown, MarkdownKit, MdValue } from '../../core/markdown.js';
import { humanDuration } from './format.js';
import type { ReportFacts } from './reportInput.js';

export interface TimelineEntry {
  at: string;
  /** Built with the document's kit: the names and errors in it are escaped. */
  text: Markdown;
}

/**
 * What happened when, from the run and its journal, oldest first. Entries
 * without a time (a step that never started) are left out rather than guessed.
 */
export function rollbackTimeline(facts: ReportFacts, kit: MarkdownKit): TimelineEntry[] {
  const { md } = kit;
  const { run, plan, verification } = facts.input;
  const entries: TimelineEntry[] = [];
  const add = (at: string | null, text: Markdown): void => {
    if (at) entries.push({ at, text });
  };

  const { from, to } = plan;
  const requested = md`requested by ${run.requestedBy} (trigger: ${run.trigger})`;
  add(run.createdAt, md`Run ${run.id} created: roll back ${from.version} to ${to.version}, ${requested}`);
  const approved: MdValue = run.approvedBy ? md`, approved by ${run.approvedBy}` : '';
  add(run.startedAt, md`${facts.dryRun ? 'Drill (dry run)' : 'Rollback'} started${approved}`);

  // Verification has no clock of its own: it is reported when its step ended.
  // By the step's id; a step journaled before ids existed is known by its name.
  const verifyIndex = lastIndexWhere(
    facts.steps,
    (s) => (s.stepId !== undefined ? s.stepId.startsWith('verify:') : s.name.startsWith('verify')),
  );
  facts.steps.forEach((step, i) => {
    const number = step.index + 1;
    add(step.startedAt, md`Step ${number} started: ${step.name}`);
    const how = step.status === 'succeeded' ? 'ok' : step.status === 'failed' ? `FAILED: ${step.error ?? 'no reason given'}` : step.status;
    add(step.finishedAt, md`Step ${number} finished: ${step.name}, ${how} (${humanDuration(step.durationMs)})`);
    if (i === verifyIndex && verification) add(step.finishedAt ?? run.finishedAt, verificationText(facts, kit));
  });
  if (verifyIndex === -1 && verification) add(run.finishedAt, verificationText(facts, kit));

  const live = facts.input.liveAfter ?? 'unknown';
  const ended = facts.input.ok
    ? md`Run finished: rolled back, ${live} running`
    : md`Run finished: FAILED (${facts.input.error ?? 'no reason given'}); running now: ${live}`;
  add(run.finishedAt, ended);

  // Stable: entries with the same second keep the order they happened in.
  return entries
    .map((entry, order) => ({ entry, order, time: Date.parse(entry.at) }))
    .sort((a, b) => (Number.isNaN(a.time) || Number.isNaN(b.time) ? a.order - b.order : a.time - b.time || a.order - b.order))
    .map(({ entry }) => entry);
}

function verificationText(facts: ReportFacts, { md }: MarkdownKit): Markdown {
  const verification = facts.input.verification;
  if (!verification) return md`Verification not reached`;
  if (verification.checks.length === 0) return md`Verification: nothing configured to check`;
  if (verification.ok) return md`Verification passed: ${verification.checks.map((c) => `${c.name} ok`).join(', ')}`;
  return md`Verification FAILED: ${verification.reason ?? 'see report'}`;
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i -= 1) if (test(items[i] as T)) return i;
  return -1;
}
