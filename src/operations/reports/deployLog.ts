import { join, relative, sep } from 'node:path';
import { markdownKit, type Markdown, type MarkdownKit } from '../../core/markdown.js';
import { humanDuration, utcDay, utcStamp } from './format.js';
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
  return runLine(markdownKit(), runId).text;
}

function runLine({ md }: MarkdownKit, runId: string): Markdown {
  return md`- Run: ${runId}`;
}

/**
 * The deploy-log entry, in the shape the team's log already has
 * ("Rollback from v1.4.2 → v1.4.1", "Triggered by:", "Post-mortem:").
 * `deploysDir` is where the entry is written, so links are relative to it.
 */
export function deployLogMarkdown(input: RollbackReportInput, deploysDir: string, reportDir: string): string {
  const facts = reportFacts(input);
  const kit = markdownKit(facts.secrets);
  const { md } = kit;
  const { run, plan } = input;
  const link = (file: string): string => relative(deploysDir, join(reportDir, file)).split(sep).join('/');
  const outcome = facts.dryRun
    ? md`drill (dry run): nothing was changed`
    : input.ok
      ? md`succeeded, ${input.liveAfter ?? plan.to.version} running and verified`
      : md`FAILED (${facts.severity}): ${input.error ?? 'no reason given'}; running now: ${input.liveAfter ?? 'unknown'}`;
  const approved = run.approvedBy ? md`, approved by ${run.approvedBy}` : md``;
  const lines = [
    md`# Rollback from ${plan.from.version} → ${plan.to.version}`,
    md``,
    md`- Date: ${utcStamp(facts.at)}`,
    md`- App: ${plan.app} (${plan.env})`,
    md`- Triggered by: ${run.trigger} (requested by ${run.requestedBy}${approved})`,
    md`- Reason: ${plan.reason}`,
    md`- Outcome: ${outcome}`,
    md`- Duration: ${humanDuration(input.durationMs)}; ${slaLine(facts)}`,
    md`- Post-mortem: [${link('incident.md')}](${kit.url(link('incident.md'))})`,
    md`- Report: [${link('report.md')}](${kit.url(link('report.md'))})`,
    runLine(kit, run.id),
    md``,
  ];
  return kit.document(lines);
}

function fileSafe(version: string): string {
  return version.replace(/[^A-Za-z0-9._+-]/g, '_');
}
