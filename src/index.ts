/**
 * rewind as a library: what `import ... from 'rewind'` gives.
 *
 * A curated surface, not the whole tree: load a configuration, open one
 * environment (the ledger, runners, drivers and write guard the CLI uses),
 * then call the operations with it. Every operation takes its I/O as its
 * first argument (the `EnvDeps` that `openEnvironment` returns), so nothing
 * here reaches for globals, and importing this module starts nothing: no
 * process is spawned, no file or database is opened, argv is not read, and
 * the heavy packages (better-sqlite3, pg, ssh2) are loaded only when an
 * environment first needs them. Call `close()` on what `openEnvironment`
 * returns when done: it closes the ledger and any SSH connections.
 *
 *     import { openEnvironment, planRollbackRun, applyRollback } from 'rewind';
 *     const env = await openEnvironment({ cwd: process.cwd(), envName: 'production' });
 *     try {
 *       const planned = await planRollbackRun(env, { reason: 'error rate' });
 *       const result = await applyRollback(env, planned);
 *     } finally {
 *       await env.close();
 *     }
 */

// The configuration.
export { environmentNames, findConfigFile, loadConfig, parseConfigText, selectEnvironment } from './config/index.js';
export type { ConfigIssue, EnvironmentConfig, HealthConfig, LoadedConfig, RewindConfig } from './config/index.js';

// One environment, opened: the composition root.
export { openEnvironment } from './wiring/openEnvironment.js';
export type { OpenEnvironment, OpenOptions } from './wiring/openEnvironment.js';
export type { EnvDeps, FleetPolicy } from './operations/deps.js';

// Rollback: plan (read-only, saved as plan.json and plan.md), then apply; or carry out a saved plan.
export { planRollbackRun } from './operations/planRollbackRun.js';
export type { PlannedRollback, RollbackRequest } from './operations/planRollbackRun.js';
export { loadSavedPlan } from './operations/savedPlan.js';
export type { SavedPlanRef } from './operations/savedPlan.js';
export { applyRollback } from './operations/applyRollback.js';
export type { ApplyOptions, RollbackResult } from './operations/applyRollback.js';
export type { RollbackFiles } from './operations/recordRollbackOutcome.js';
export type { HostRow } from './operations/hostRows.js';

// Gated and stopped runs: approve, carry on, or decline.
export { approveRun } from './operations/approveRun.js';
export type { ApproveOptions } from './operations/approveRun.js';
export { resumeRun } from './operations/resumeRun.js';
export type { ResumeResult } from './operations/resumeRun.js';
export { cancelRun } from './operations/cancelRun.js';

// Deploy, record a deployment made elsewhere, drill.
export { deploy } from './operations/deploy.js';
export type { DeployPlan, DeployRequest, DeployResult } from './operations/deploy.js';
export { recordDeployment } from './operations/recordDeployment.js';
export type { RecordRequest } from './operations/recordDeployment.js';
export { drill } from './operations/drill.js';
export type { DrillResult } from './operations/drill.js';

// Reading: what runs now, and what happened.
export { status } from './operations/status.js';
export type { HostStatus, StatusReport } from './operations/status.js';
export { history } from './operations/history.js';
export type { History } from './operations/history.js';
export { watchRelease } from './operations/watch/watchRelease.js';
export type { WatchRequest, WatchResult } from './operations/watch/watchRelease.js';
export { dismissWatch } from './operations/watch/dismissWatch.js';
export type { WatchConfig, WatchCondition, WatchTier, Measurement, ConditionState } from './core/watch/measurement.js';
export type { WatchPlan, WatchSegment, WatchDecision } from './core/watch/watchPlan.js';
export { verifyNow } from './operations/verifyNow.js';
export type { VerifyNowReport } from './operations/verifyNow.js';
export { metrics } from './operations/metrics.js';
export type { MetricsReport, MetricsRequest } from './operations/metrics.js';
export type { EnvMetrics } from './core/metrics/envMetrics.js';

// After a lost ledger: its releases re-created from the targets and the reports (open with acceptLostLedger).
export { rebuildLedger } from './operations/lostLedger/rebuildLedger.js';
export type { RebuildResult } from './operations/lostLedger/rebuildLedger.js';
export type { Rebuild, RebuiltRelease } from './core/rebuildReleases.js';
export type { EarlierRecord, HostRecord, ReportedRun } from './core/earlierRecord.js';

// Parts of the results above, named (derived, so that this file imports only what DESIGN allows it).
import type { RollbackResult } from './operations/applyRollback.js';
/** How one step of a run went. */
export type StepOutcome = RollbackResult['outcomes'][number];

// What verifying a release found (health checks, smoke commands, the verdict), one health probe's
// answer, and whether one notification receiver was told.
export type { HealthResult, Verification } from './core/verification.js';
export type { NotifyOutcome } from './core/notification.js';

// The records.
export type { Release, ReleaseStatus } from './core/release.js';
export type { AuditEvent, Run, RunKind, RunStatus, StepRecord, StepStatus } from './core/run.js';
export type { PlanMigration, PlanRelease, PlanStep, PlanStepKind, Risk, RiskLevel, RollbackPlan } from './core/plan.js';
export type { Reversibility } from './core/migrations/tool.js';

// Errors: one table of codes, each with its exit code.
export { ERRORS, EXIT, RewindError, isRewindError } from './core/errors.js';
export type { ErrorCode, ExitCode } from './core/errors.js';

// Progress, drivers and the ports operations are given.
export type { EventSink, RunEvent } from './core/events.js';
export type {
  Driver, DriverHost, DriverIo, DriverModule, LiveState, MadeRelease, MadeReleases, PreparedRelease, PrepareOptions, RunContext,
} from './core/driver.js';
export type { Target } from './core/target.js';
export type {
  CandidateQuery,
  Clock,
  CommandOptions,
  CommandResult,
  Exec,
  FetchSeam,
  FileStat,
  Files,
  Ledger,
  ReleaseQuery,
  RunQuery,
  Verifier,
} from './core/ports.js';
// What the Ledger port says about environment locks: who holds one, under which generation (the fencing token).
export type { LockAcquisition, LockFence, LockHolder, LockTenure } from './core/lock.js';
