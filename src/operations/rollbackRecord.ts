import { join } from 'node:path';
import type { RewindError } from '../core/errors.js';
import type { Run, StepRecord } from '../core/run.js';
import type { Verification } from '../verify/verifyRelease.js';
import type { EnvDeps } from './deps.js';
import type { PlannedRollback } from './planRollbackRun.js';
import { rollbackReportMarkdown, rollbackSummary } from './reports/runReport.js';
import { toolVersion } from './toolVersion.js';

export interface RollbackRecordInput {
  planned: PlannedRollback;
  run: Run;
  ok: boolean;
  steps: StepRecord[];
  verification: Verification | undefined;
  error: RewindError | undefined;
  liveAfter: string | null;
  durationMs: number;
}

export type RollbackFiles = PlannedRollback['files'] & { reportMd: string; summaryJson: string };

/** Write what a finished rollback leaves for the post-mortem. */
export async function writeRollbackRecord(deps: EnvDeps, input: RollbackRecordInput): Promise<RollbackFiles> {
  const { planned } = input;
  const reportInput = {
    toolVersion: toolVersion(), run: input.run, plan: planned.plan, planId: planned.planId, ok: input.ok,
    outcomes: input.steps.map((s) => ({ name: s.name, ok: s.status === 'succeeded', durationMs: s.durationMs ?? 0, detail: s.error ?? s.output })),
    verification: input.verification, error: input.error?.message ?? null, liveAfter: input.liveAfter, durationMs: input.durationMs,
  };
  const files = { ...planned.files, reportMd: join(planned.reportDir, 'report.md'), summaryJson: join(planned.reportDir, 'summary.json') };
  await deps.files.writeFileAtomic(files.reportMd, rollbackReportMarkdown(reportInput));
  await deps.files.writeFileAtomic(files.summaryJson, `${JSON.stringify(rollbackSummary(reportInput), null, 2)}\n`);
  return files;
}
