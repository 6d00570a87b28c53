import type { RollbackPlan } from '../../core/plan.js';
import type { Run } from '../../core/run.js';
import type { StepOutcome } from '../../engine/runSteps.js';
import type { Verification } from '../../verify/verifyRelease.js';

/** Everything a finished rollback report is made from. */
export interface RollbackReportInput {
  toolVersion: string;
  run: Run;
  plan: RollbackPlan;
  planId: string;
  ok: boolean;
  outcomes: readonly StepOutcome[];
  verification: Verification | undefined;
  /** One line: why it failed, when it did. */
  error: string | null;
  /** What the target was left running. */
  liveAfter: string | null;
  durationMs: number;
}

/** summary.json: seed 000's fields first, then ours. */
export function rollbackSummary(input: RollbackReportInput): Record<string, unknown> {
  const { run, plan } = input;
  return {
    workflow: 'rewind_rollback',
    version: input.toolVersion,
    run_id: run.id,
    rollback_id: input.planId,
    status: input.ok ? 'success' : 'failure',
    reason: plan.reason,
    from_version: plan.from.version,
    to_version: plan.to.version,
    app: plan.app,
    env: plan.env,
    error: input.error,
    live_after: input.liveAfter,
    duration_s: Math.round(input.durationMs) / 1000,
    trigger: run.trigger,
    requested_by: run.requestedBy,
    approved_by: run.approvedBy,
    risk_level: plan.riskLevel,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
  };
}

export function rollbackReportMarkdown(input: RollbackReportInput): string {
  const { run, plan } = input;
  const verdict = input.ok ? 'succeeded' : 'FAILED';
  const lines = [
    `# Rollback ${verdict}: ${plan.app} ${plan.env}, ${plan.from.version} -> ${plan.to.version}`,
    '',
    `- run: ${run.id}`,
    `- reason: ${plan.reason}`,
    `- trigger: ${run.trigger}`,
    `- requested by: ${run.requestedBy}`,
    `- approved by: ${run.approvedBy ?? '(no approval needed)'}`,
    `- started: ${run.startedAt ?? ''}`,
    `- finished: ${run.finishedAt ?? ''}`,
    `- duration: ${(input.durationMs / 1000).toFixed(2)}s`,
    `- running now: ${input.liveAfter ?? 'unknown'}`,
    ...(input.error ? [`- error: ${input.error}`] : []),
    '',
    '## Steps',
    '',
    '| # | step | outcome | duration | detail |',
    '| --- | --- | --- | --- | --- |',
    ...input.outcomes.map((o, i) => `| ${i + 1} | ${cell(o.name)} | ${o.ok ? 'ok' : 'failed'} | ${o.durationMs} ms | ${cell(o.detail)} |`),
    '',
    '## Verification',
    '',
    ...verificationLines(input.verification),
    '',
    '## Risks that were accepted',
    '',
    ...(plan.risks.length > 0 ? plan.risks.map((r) => `- ${r.level}: ${r.message}`) : ['- none']),
    '',
  ];
  return lines.join('\n');
}

function verificationLines(verification: Verification | undefined): string[] {
  if (!verification) return ['Not reached.'];
  if (verification.checks.length === 0) return ['No health check or smoke command is configured: nothing was checked.'];
  return verification.checks.map((c) => `- ${c.name}: ${c.ok ? 'passed' : 'FAILED'}, ${c.detail} (${c.durationMs} ms)`);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
