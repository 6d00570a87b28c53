import type { StepRecord } from '../../core/run.js';
import { redact } from '../../core/redact.js';
import type { Verification } from '../../core/verification.js';
import { clockTime, humanDuration, mdCell, mdLine, utcDay } from './format.js';
import { reportFacts, type NotificationOutcome, type ReportFacts, type RollbackReportInput } from './reportInput.js';
import { slaLine } from './slaLine.js';
import { auditHeadLine } from './auditHeadLine.js';
import { migrationOutcome, migrationTable } from './migrationFacts.js';

/** report.md: what was done, how long each part took, whether it worked, and who said so. */
export function rollbackReportMarkdown(input: RollbackReportInput): string {
  const facts = reportFacts(input);
  const { run, plan } = input;
  const verdict = facts.dryRun ? 'drill (dry run)' : input.ok ? 'succeeded' : 'FAILED';
  const lines = [
    `# Rollback ${verdict}: ${plan.app} ${plan.env}, ${plan.from.version} -> ${plan.to.version}`,
    '',
    ...(facts.dryRun ? ['Dry run: every step that writes was simulated; nothing on the target changed.', ''] : []),
    `- run: ${run.id}`,
    `- reason: ${mdLine(plan.reason)}`,
    `- from: ${plan.from.version}`,
    `- to: ${plan.to.version}`,
    `- trigger: ${mdLine(run.trigger)}`,
    `- requested by: ${run.requestedBy}`,
    `- approved by: ${run.approvedBy ?? '(no approval needed)'}`,
    `- started: ${run.startedAt ?? ''}`,
    `- finished: ${run.finishedAt ?? ''}`,
    `- duration: ${(input.durationMs / 1000).toFixed(2)}s`,
    `- ${slaLine(facts)}`,
    `- running now: ${input.liveAfter ?? 'unknown'}`,
    ...(input.error ? [`- error: ${mdLine(input.error)}`] : []),
    ...(input.ok ? [] : [`- severity: ${facts.severity}`]),
    ...(input.auditHead ? [`- ${auditHeadLine(input.auditHead)}`] : []),
    '',
    '## Steps',
    '',
    '| # | step | outcome | started | duration | detail |',
    '| --- | --- | --- | --- | --- | --- |',
    ...facts.steps.map((s) => stepRow(s, facts)),
    ...(facts.steps.length === 0 ? ['', 'No step ran.'] : []),
    '',
    ...hostLines(input, facts),
    ...migrationLines(input, facts),
    '## Verification',
    '',
    ...verificationLines(input.verification),
    '',
    '## Notifications',
    '',
    ...notificationLines(facts.notifications),
    '',
    '## Risks that were accepted',
    '',
    ...(plan.risks.length > 0 ? plan.risks.map((r) => `- ${r.level}: ${r.message}`) : ['- none']),
    '',
    '## Files',
    '',
    '- [plan.md](plan.md): the plan that was carried out',
    '- [summary.json](summary.json): this run for machines',
    '- [incident.md](incident.md): the post-mortem skeleton with the timeline',
    '',
  ];
  return redact(lines.join('\n'), facts.secrets);
}

function migrationLines(input: RollbackReportInput, facts: ReportFacts): string[] {
  const outcome = migrationOutcome(input.plan.migrations, facts.steps, input.migrationsAppliedNow);
  if (outcome.planned.length === 0) return [];
  return [
    '## Migrations',
    '',
    ...migrationTable(outcome.planned),
    '',
    `- reverted: ${outcome.reverted.join(', ') || 'none'}`,
    ...(outcome.appliedNow ? [`- applied in the database now: ${outcome.appliedNow.join(', ') || 'none'}`] : []),
    '',
  ];
}

/** The per-host table: on a fleet, or whenever a run failed, where each host was left. */
function hostLines(input: RollbackReportInput, facts: ReportFacts): string[] {
  const hosts = input.hosts ?? [];
  if (hosts.length === 0 || (hosts.length === 1 && input.ok)) return [];
  return [
    '## Hosts',
    '',
    '| host | version now | failed step | error |',
    '| --- | --- | --- | --- |',
    ...hosts.map((h) =>
      `| ${mdCell(h.host, facts.secrets)} | ${h.version ?? '-'} | ` +
      `${mdCell(h.failedStep ?? '-', facts.secrets)} | ${mdCell(h.error ?? '-', facts.secrets)} |`),
    '',
  ];
}

function stepRow(step: StepRecord, facts: ReportFacts): string {
  const day = utcDay(facts.at);
  const started = step.startedAt ? clockTime(step.startedAt, day) : '-';
  const detail = step.error ?? step.output;
  return `| ${step.index + 1} | ${mdCell(step.name, facts.secrets)} | ${outcomeWord(step.status)} | ${started} | ` +
    `${humanDuration(step.durationMs)} | ${mdCell(detail, facts.secrets)} |`;
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

function verificationLines(verification: Verification | undefined): string[] {
  if (!verification) return ['Not reached.'];
  if (verification.checks.length === 0) return ['No health check or smoke command is configured: nothing was checked.'];
  return verification.checks.map((c) => `- ${c.name}: ${c.ok ? 'passed' : 'FAILED'}, ${mdLine(c.detail)} (${c.durationMs} ms)`);
}

function notificationLines(notifications: readonly NotificationOutcome[]): string[] {
  if (notifications.length === 0) return ['None sent.'];
  return notifications.map((n) => `- ${n.receiver}, ${n.event}: ${n.ok ? 'sent' : `FAILED (${mdLine(n.error ?? 'no reason given')})`}`);
}
