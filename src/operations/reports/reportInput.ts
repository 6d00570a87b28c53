import type { RollbackPlan } from '../../core/plan.js';
import type { Run, RunKind, StepRecord } from '../../core/run.js';
import type { StepOutcome } from '../../engine/runSteps.js';
import type { Verification } from '../../core/verification.js';
import type { AuditHead } from '../../core/auditHead.js';

/** What happened to one notification: who was told what, and whether it got through. */
export interface NotificationOutcome {
  /** A label for the receiver (`slack`, `webhook #2`): never its URL, which is a secret. */
  receiver: string;
  event: string;
  ok: boolean;
  error: string | null;
}

/**
 * Everything a finished rollback's records are made from.
 *
 * The fields after `durationMs` are optional only while applyRollback is
 * switched over to writeRollbackReports; the renderers fall back to what the
 * older fields can tell (see `reportFacts`).
 */
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
  /** The journal, with start and finish times: the timeline is built from it. */
  steps?: readonly StepRecord[];
  /** The environment's rollback SLA; null when none applies. */
  slaSeconds?: number | null;
  dryRun?: boolean;
  notifications?: readonly NotificationOutcome[];
  /** Redacted from every rendered text: a last line of defence, not the first. */
  secrets?: readonly string[];
  /** The RewindError code the run ended with; NO_KNOWN_GOOD makes it SEV1. */
  errorCode?: string | null;
  /** Files kept in the report dir for the post-mortem (diagnostics, the driver's snapshot), relative to it: incident.md links them. */
  captured?: readonly string[];
  /** `<stateDir>/reports/rollbacks/<run-id>`: where report.md, summary.json and incident.md go. */
  reportDir?: string;
  stateDir?: string;
  /** Each host's version after the run and what stopped it; shown as a table when there are several hosts or a failure. */
  hosts?: ReadonlyArray<{ host: string; version: string | null; failedStep: string | null; error: string | null }>;
  /** The migrations applied in the database when a down step failed (asked then); absent otherwise. */
  migrationsAppliedNow?: string[] | null;
  /** The run's last audit entry: recorded in summary.json and report.md as an anchor of the chain. */
  auditHead?: AuditHead | null;
}

/** Where the writer puts things: required by it, optional for the renderers. */
export interface ReportPlacement {
  reportDir: string;
  stateDir: string;
}

export type Severity = 'SEV1' | 'SEV2';

/** The input with every optional field settled and the derived facts computed once. */
export interface ReportFacts {
  input: RollbackReportInput;
  steps: readonly StepRecord[];
  slaSeconds: number | null;
  slaBreached: boolean;
  dryRun: boolean;
  notifications: readonly NotificationOutcome[];
  secrets: readonly string[];
  errorCode: string | null;
  severity: Severity;
  /** A dry-run rollback is a drill: it is counted as one. */
  kind: RunKind;
  /** When the run started (or was created, if it never started): dates the deploy log and CSV rows. */
  at: string;
}

export function reportFacts(input: RollbackReportInput): ReportFacts {
  const slaSeconds = input.slaSeconds ?? null;
  const dryRun = input.dryRun ?? false;
  const errorCode = input.errorCode ?? null;
  return {
    input,
    steps: input.steps ?? stepsFromOutcomes(input.run.id, input.outcomes),
    slaSeconds,
    slaBreached: isSlaBreached(input.durationMs, slaSeconds),
    dryRun,
    notifications: input.notifications ?? [],
    secrets: input.secrets ?? [],
    errorCode,
    severity: errorCode === 'NO_KNOWN_GOOD' ? 'SEV1' : 'SEV2',
    kind: dryRun ? 'drill' : input.run.kind,
    at: input.run.startedAt ?? input.run.createdAt,
  };
}

export function isSlaBreached(durationMs: number, slaSeconds: number | null): boolean {
  return slaSeconds !== null && durationMs > slaSeconds * 1000;
}

/** Without a journal the outcomes still say what ran and how long; only the clock times are lost. */
function stepsFromOutcomes(runId: string, outcomes: readonly StepOutcome[]): StepRecord[] {
  return outcomes.map((o, index) => ({
    runId,
    index,
    name: o.name,
    status: o.ok ? 'succeeded' : 'failed',
    startedAt: null,
    finishedAt: null,
    durationMs: o.durationMs,
    output: o.ok ? o.detail : '',
    error: o.ok ? null : o.detail,
  }));
}
