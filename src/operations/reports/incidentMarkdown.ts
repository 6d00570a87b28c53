import { redact } from '../../core/redact.js';
import { clockTime, humanDuration, mdLine, utcDay } from './format.js';
import { reportFacts, type RollbackReportInput } from './reportInput.js';
import { slaLine } from './slaLine.js';
import { rollbackTimeline } from './timeline.js';

const TO_FILL = '[To be filled during post-mortem]';

/**
 * incident.md: a post-mortem skeleton. What rewind knows (the summary and the
 * timeline) is filled in; what only people know is left as placeholders.
 */
export function incidentMarkdown(input: RollbackReportInput): string {
  const facts = reportFacts(input);
  const { run, plan } = input;
  const day = utcDay(facts.at);
  const restored = input.ok && !facts.dryRun;
  const lines = [
    `# Deployment incident: ${plan.app} ${plan.env}, ${plan.from.version}${facts.dryRun ? ' (drill)' : ''}`,
    '',
    '## Summary',
    '',
    `- **Date:** ${facts.at}`,
    `- **App:** ${plan.app}`,
    `- **Environment:** ${plan.env}`,
    `- **Failed version:** ${plan.from.version}`,
    `- **Rolled back to:** ${plan.to.version}${restored ? '' : ` (${facts.dryRun ? 'dry run: not switched' : 'NOT restored'})`}`,
    `- **Running now:** ${input.liveAfter ?? 'unknown'}`,
    `- **Duration of the rollback:** ${humanDuration(input.durationMs)}; ${slaLine(facts)}`,
    `- **Severity:** ${facts.severity}${facts.severity === 'SEV1' ? ': no known good version, manual intervention needed' : ''}`,
    `- **Reason:** ${mdLine(plan.reason)}`,
    `- **Requested by:** ${run.requestedBy}; **approved by:** ${run.approvedBy ?? '(no approval needed)'}`,
    `- **Run:** ${run.id} ([report](report.md), [plan](plan.md), [summary](summary.json))`,
    ...(input.error ? [`- **Error:** ${mdLine(input.error)}`] : []),
    '',
    '## Timeline',
    '',
    ...rollbackTimeline(facts).map((entry) => `- ${clockTime(entry.at, day)} - ${mdLine(entry.text)}`),
    '',
    '## Root cause',
    '',
    TO_FILL,
    '',
    '## Impact',
    '',
    TO_FILL,
    '',
    '## Action items',
    '',
    ...(facts.severity === 'SEV1' ? [`- [ ] Bring ${plan.env} back to a working version (no known good version was left)`] : []),
    '- [ ] Investigate root cause',
    '- [ ] Add regression test',
    '- [ ] Update deployment validation checks',
    ...(facts.slaBreached ? ['- [ ] Find out why the rollback took longer than its SLA'] : []),
    '',
  ];
  return redact(lines.join('\n'), facts.secrets);
}
