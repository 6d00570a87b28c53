import { join, relative, sep } from 'node:path';
import { redact } from '../../core/redact.js';
import { humanDuration, mdLine, utcDay, utcStamp } from './format.js';
import { reportFacts, type RollbackReportInput } from './reportInput.js';
import { slaLine } from './slaLine.js';

/**
 * `2026-04-19-rollback-v1.4.2-to-v1.4.1`, without `.md`: the writer adds a
 * `-2`, `-3` when the same rollback already happened that day. Versions are
 * validated names already; anything else is replaced so it stays one file name.
 */
export function deployLogBaseName(input: RollbackReportInput): string {
  const facts = reportFacts(input);
  return `${utcDay(facts.at)}-rollback-${fileSafe(input.plan.from.version)}-to-${fileSafe(input.plan.to.version)}`;
}

/** How a deploy-log entry names its run: the writer finds an earlier entry of the same run by it. */
export function deployLogRunLine(runId: string): string {
  return `- Run: ${runId}`;
}

/**
 * The deploy-log entry, in the shape the team's log already has
 * ("Rollback from v1.4.2 → v1.4.1", "Triggered by:", "Post-mortem:").
 * `deploysDir` is where the entry is written, so links are relative to it.
 */
export function deployLogMarkdown(input: RollbackReportInput, deploysDir: string, reportDir: string): string {
  const facts = reportFacts(input);
  const { run, plan } = input;
  const link = (file: string): string => relative(deploysDir, join(reportDir, file)).split(sep).join('/');
  const outcome = facts.dryRun
    ? 'drill (dry run): nothing was changed'
    : input.ok
      ? `succeeded, ${input.liveAfter ?? plan.to.version} running and verified`
      : `FAILED (${facts.severity}): ${mdLine(input.error ?? 'no reason given')}; running now: ${input.liveAfter ?? 'unknown'}`;
  const lines = [
    `# Rollback from ${plan.from.version} → ${plan.to.version}`,
    '',
    `- Date: ${utcStamp(facts.at)}`,
    `- App: ${plan.app} (${plan.env})`,
    `- Triggered by: ${mdLine(run.trigger)} (requested by ${run.requestedBy}${run.approvedBy ? `, approved by ${run.approvedBy}` : ''})`,
    `- Reason: ${mdLine(plan.reason)}`,
    `- Outcome: ${outcome}`,
    `- Duration: ${humanDuration(input.durationMs)}; ${slaLine(facts)}`,
    `- Post-mortem: [${link('incident.md')}](${link('incident.md')})`,
    `- Report: [${link('report.md')}](${link('report.md')})`,
    deployLogRunLine(run.id),
    '',
  ];
  return redact(lines.join('\n'), facts.secrets);
}

function fileSafe(version: string): string {
  return version.replace(/[^A-Za-z0-9._+-]/g, '_');
}
