import { markdownKit } from '../../core/markdown.js';
import { clockTime, humanDuration, utcDay } from './format.js';
import { reportFacts, type RollbackReportInput } from './reportInput.js';
import { slaLine } from './slaLine.js';
import { rollbackTimeline } from './timeline.js';

/**
 * incident.md: a post-mortem skeleton. What rewind knows (the summary and the
 * timeline) is filled in; what only people know is left as placeholders.
 */
export function incidentMarkdown(input: RollbackReportInput): string {
  const facts = reportFacts(input);
  const kit = markdownKit(facts.secrets);
  const { md } = kit;
  const toFill = md`[To be filled during post-mortem]`;
  const { run, plan } = input;
  const day = utcDay(facts.at);
  const restored = input.ok && !facts.dryRun;
  const notRestored = restored ? '' : ` (${facts.dryRun ? 'dry run: not switched' : 'NOT restored'})`;
  const sev1 = facts.severity === 'SEV1' ? ': no known good version, manual intervention needed' : '';
  const lines = [
    md`# Deployment incident: ${plan.app} ${plan.env}, ${plan.from.version}${facts.dryRun ? ' (drill)' : ''}`,
    md``,
    md`## Summary`,
    md``,
    md`- **Date:** ${facts.at}`,
    md`- **App:** ${plan.app}`,
    md`- **Environment:** ${plan.env}`,
    md`- **Failed version:** ${plan.from.version}`,
    md`- **Rolled back to:** ${plan.to.version}${notRestored}`,
    md`- **Running now:** ${input.liveAfter ?? 'unknown'}`,
    md`- **Duration of the rollback:** ${humanDuration(input.durationMs)}; ${slaLine(facts)}`,
    md`- **Severity:** ${facts.severity}${sev1}`,
    md`- **Reason:** ${plan.reason}`,
    md`- **Requested by:** ${run.requestedBy}; **approved by:** ${run.approvedBy ?? '(no approval needed)'}`,
    md`- **Run:** ${run.id} ([report](report.md), [plan](plan.md), [summary](summary.json))`,
    ...(input.error ? [md`- **Error:** ${input.error}`] : []),
    md``,
    md`## Timeline`,
    md``,
    ...rollbackTimeline(facts, kit).map((entry) => md`- ${clockTime(entry.at, day)} - ${entry.text}`),
    md``,
    ...(input.captured && input.captured.length > 0
      ? [md`## Captured before the switch`, md``, ...input.captured.map((f) => md`- [${f}](${f})`), md``]
      : []),
    md`## Root cause`,
    md``,
    toFill,
    md``,
    md`## Impact`,
    md``,
    toFill,
    md``,
    md`## Action items`,
    md``,
    ...(facts.severity === 'SEV1' ? [md`- [ ] Bring ${plan.env} back to a working version (no known good version was left)`] : []),
    md`- [ ] Investigate root cause`,
    md`- [ ] Add regression test`,
    md`- [ ] Update deployment validation checks`,
    ...(facts.slaBreached ? [md`- [ ] Find out why the rollback took longer than its SLA`] : []),
    md``,
  ];
  return kit.document(lines);
}
