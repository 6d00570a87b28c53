import { markdownKit, type Markdown, type MarkdownKit } from '../../core/markdown.js';
import type { StepRecord } from '../../core/run.js';
import type { Verification } from '../../core/verification.js';
import { clockTime, humanDuration, utcDay } from './format.js';
import { reportFacts, type NotificationOutcome, type ReportFacts, type RollbackReportInput } from './reportInput.js';
import { slaLine } from './slaLine.js';
import { auditHeadLine } from './auditHeadLine.js';
import { migrationOutcome, migrationTable } from './migrationFacts.js';

/** report.md: what was done, how long each part took, whether it worked, and who said so. */
export function rollbackReportMarkdown(input: RollbackReportInput): string {
  const facts = reportFacts(input);
  const kit = markdownKit(facts.secrets);
  const { md } = kit;
  const { run, plan } = input;
  const verdict = facts.dryRun ? 'drill (dry run)' : input.ok ? 'succeeded' : 'FAILED';
  const lines = [
    md`# Rollback ${verdict}: ${plan.app} ${plan.env}, ${plan.from.version} -> ${plan.to.version}`,
    md``,
    ...(facts.dryRun ? [md`Dry run: every step that writes was simulated; nothing on the target changed.`, md``] : []),
    md`- run: ${run.id}`,
    md`- reason: ${plan.reason}`,
    md`- from: ${plan.from.version}`,
    md`- to: ${plan.to.version}`,
    md`- trigger: ${run.trigger}`,
    md`- requested by: ${run.requestedBy}`,
    md`- approved by: ${run.approvedBy ?? '(no approval needed)'}`,
    md`- started: ${run.startedAt ?? ''}`,
    md`- finished: ${run.finishedAt ?? ''}`,
    md`- duration: ${(input.durationMs / 1000).toFixed(2)}s`,
    md`- ${slaLine(facts)}`,
    md`- running now: ${input.liveAfter ?? 'unknown'}`,
    ...(input.error ? [md`- error: ${input.error}`] : []),
    ...(input.ok ? [] : [md`- severity: ${facts.severity}`]),
    ...(input.auditHead ? [md`- ${auditHeadLine(input.auditHead)}`] : []),
    md``,
    md`## Steps`,
    md``,
    ...stepTable(facts.steps, facts.at, kit),
    md``,
    ...hostLines(input, kit),
    ...migrationLines(input, facts, kit),
    md`## Verification`,
    md``,
    ...verificationLines(input.verification, kit),
    md``,
    md`## Notifications`,
    md``,
    ...notificationLines(facts.notifications, kit),
    md``,
    md`## Risks that were accepted`,
    md``,
    ...(plan.risks.length > 0 ? plan.risks.map((r) => md`- ${r.level}: ${r.message}`) : [md`- none`]),
    md``,
    md`## Files`,
    md``,
    md`- [plan.md](plan.md): the plan that was carried out`,
    md`- [summary.json](summary.json): this run for machines`,
    md`- [incident.md](incident.md): the post-mortem skeleton with the timeline`,
    md``,
  ];
  return kit.document(lines);
}

function migrationLines(input: RollbackReportInput, facts: ReportFacts, kit: MarkdownKit): Markdown[] {
  const { md } = kit;
  const outcome = migrationOutcome(input.plan.migrations, facts.steps, input.migrationsAppliedNow);
  if (outcome.planned.length === 0) return [];
  return [
    md`## Migrations`,
    md``,
    ...migrationTable(outcome.planned, kit),
    md``,
    md`- reverted: ${outcome.reverted.join(', ') || 'none'}`,
    ...(outcome.appliedNow ? [md`- applied in the database now: ${outcome.appliedNow.join(', ') || 'none'}`] : []),
    md``,
  ];
}

/** The per-host table: on a fleet, or whenever a run failed, where each host was left. */
function hostLines(input: RollbackReportInput, { md }: MarkdownKit): Markdown[] {
  const hosts = input.hosts ?? [];
  if (hosts.length === 0 || (hosts.length === 1 && input.ok)) return [];
  return [
    md`## Hosts`,
    md``,
    md`| host | version now | failed step | error |`,
    md`| --- | --- | --- | --- |`,
    ...hosts.map((h) => md`| ${h.host} | ${h.version ?? '-'} | ${h.failedStep ?? '-'} | ${h.error ?? '-'} |`),
    md``,
  ];
}

/** The journal as a table; times of day are given without the date unless a step ran on another day than `at`. */
export function stepTable(steps: readonly StepRecord[], at: string, kit: MarkdownKit): Markdown[] {
  const { md } = kit;
  return [
    md`| # | step | outcome | started | duration | detail |`,
    md`| --- | --- | --- | --- | --- | --- |`,
    ...steps.map((s) => stepRow(s, utcDay(at), kit)),
    ...(steps.length === 0 ? [md``, md`No step ran.`] : []),
  ];
}

function stepRow(step: StepRecord, day: string, { md }: MarkdownKit): Markdown {
  const started = step.startedAt ? clockTime(step.startedAt, day) : '-';
  const detail = step.error ?? step.output;
  const took = humanDuration(step.durationMs);
  return md`| ${step.index + 1} | ${step.name} | ${outcomeWord(step.status)} | ${started} | ${took} | ${detail} |`;
}

function outcomeWord(status: StepRecord['status']): string {
  switch (status) {
    case 'succeeded':
      return 'ok';
    case 'failed':
      return 'FAILED';
    case 'running':
      return 'interrupted';
    default:
      return status;
  }
}

function verificationLines(verification: Verification | undefined, { md }: MarkdownKit): Markdown[] {
  if (!verification) return [md`Not reached.`];
  if (verification.checks.length === 0) return [md`No health check or smoke command is configured: nothing was checked.`];
  return verification.checks.map((c) => md`- ${c.name}: ${c.ok ? 'passed' : 'FAILED'}, ${c.detail} (${c.durationMs} ms)`);
}

function notificationLines(notifications: readonly NotificationOutcome[], { md }: MarkdownKit): Markdown[] {
  if (notifications.length === 0) return [md`None sent.`];
  return notifications.map((n) => md`- ${n.receiver}, ${n.event}: ${n.ok ? 'sent' : md`FAILED (${n.error ?? 'no reason given'})`}`);
}
