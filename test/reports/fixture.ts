import type { RollbackPlan } from '../../src/core/plan.js';
import type { Run, StepRecord } from '../../src/core/run.js';
import type { RollbackReportInput } from '../../src/operations/reports/reportInput.js';
import type { Verification } from '../../src/core/verification.js';

/** A webhook token that must never reach any file. */
export const SECRET = 'xoxb-7731-SUPERSECRET';

const RUN_ID = 'rollback-20260419-143250-3f2a';

/**
 * A realistic finished rollback of shop/production, v1.4.2 -> v1.4.1, as
 * applyRollback would hand it over: journal times to the millisecond.
 */
export function rollbackInput(overrides: Partial<RollbackReportInput> = {}, runOverrides: Partial<Run> = {}): RollbackReportInput {
  // Spread, not listed: the plan type is growing fields this report does not read.
  const planning = { ledgerDigest: 'sha256:0f3c', approvalRequired: true };
  const plan: RollbackPlan = {
    ...planning,
    kind: 'rollback',
    app: 'shop',
    env: 'production',
    driver: 'releases',
    createdAt: '2026-04-19T14:32:50.000Z',
    reason: 'health check failed after deploy',
    from: { releaseId: 'rel-142', version: 'v1.4.2', sha: 'aaaaaaa1111', verifiedAt: null },
    to: { releaseId: 'rel-141', version: 'v1.4.1', sha: 'bbbbbbb2222', verifiedAt: '2026-04-18T09:00:00.000Z' },
    targetChosenBy: 'last_known_good',
    skipped: [],
    steps: [],
    risks: [{ code: 'distance', level: 'medium', message: 'one release is skipped' }],
    riskLevel: 'medium',
    missingOn: [],
    observedLive: 'v1.4.2',
    hosts: ['local'],
  };
  const run: Run = {
    id: RUN_ID,
    app: 'shop',
    env: 'production',
    kind: 'rollback',
    status: 'succeeded',
    fromVersion: 'v1.4.2',
    toVersion: 'v1.4.1',
    fromReleaseId: 'rel-142',
    toReleaseId: 'rel-141',
    requestedBy: 'bob@example.com',
    approvedBy: 'alice@example.com',
    reason: plan.reason,
    trigger: 'deploy.verify_failed',
    plan,
    createdAt: '2026-04-19T14:32:50.000Z',
    startedAt: '2026-04-19T14:33:00.000Z',
    finishedAt: '2026-04-19T14:33:08.000Z',
    error: null,
    ...runOverrides,
  };
  const step = (index: number, name: string, start: string, end: string, output: string, failed = false): StepRecord => ({
    runId: RUN_ID,
    index,
    name,
    status: failed ? 'failed' : 'succeeded',
    startedAt: `2026-04-19T${start}Z`,
    finishedAt: `2026-04-19T${end}Z`,
    durationMs: Date.parse(`2026-04-19T${end}Z`) - Date.parse(`2026-04-19T${start}Z`),
    output: failed ? '' : output,
    error: failed ? output : null,
  });
  const steps = [
    step(0, 'check v1.4.1 is present', '14:33:00.100', '14:33:00.300', 'v1.4.1 is present and intact'),
    step(1, 'switch to v1.4.1', '14:33:00.300', '14:33:00.350', 'current -> releases/v1.4.1'),
    step(2, 'reload the app', '14:33:00.350', '14:33:02.000', 'pm2 reload shop'),
    step(3, 'verify v1.4.1', '14:33:02.000', '14:33:07.500', 'health ok, 1 smoke command passed'),
    step(4, 'mark v1.4.2 rolled_back', '14:33:07.500', '14:33:07.520', 'v1.4.2 will not be chosen as a rollback target'),
  ];
  const verification: Verification = {
    ok: true,
    checks: [
      { name: 'health', ok: true, detail: 'HTTP 200, sha bbbbbbb matches', durationMs: 1200 },
      { name: 'smoke', ok: true, detail: '1 smoke command passed', durationMs: 4300 },
    ],
    reason: null,
  };
  return {
    toolVersion: '0.1.0',
    run,
    plan,
    planId: 'plan-3f2a',
    ok: true,
    outcomes: steps.map((s) => ({ name: s.name, ok: s.status === 'succeeded', durationMs: s.durationMs ?? 0, detail: s.error ?? s.output })),
    verification,
    error: null,
    liveAfter: 'v1.4.1',
    durationMs: 8000,
    steps,
    slaSeconds: 90,
    dryRun: false,
    notifications: [
      { receiver: 'slack', event: 'rollback.succeeded', ok: true, error: null },
      { receiver: 'webhook #2', event: 'rollback.succeeded', ok: false, error: 'HTTP 502 from receiver' },
    ],
    secrets: [SECRET],
    errorCode: null,
    ...overrides,
  };
}

/** The target failed its own verification: no known good version is left. */
export function noKnownGoodInput(): RollbackReportInput {
  const base = rollbackInput();
  const steps = (base.steps ?? []).slice(0, 4).map((s) =>
    s.index === 3 ? { ...s, status: 'failed' as const, output: '', error: 'health: HTTP 500 after 30s' } : s,
  );
  return rollbackInput(
    {
      ok: false,
      steps,
      outcomes: steps.map((s) => ({ name: s.name, ok: s.status === 'succeeded', durationMs: s.durationMs ?? 0, detail: s.error ?? s.output })),
      verification: { ok: false, checks: [{ name: 'health', ok: false, detail: 'health: HTTP 500 after 30s', durationMs: 30000 }], reason: 'health: HTTP 500 after 30s' },
      error: 'rolled back to v1.4.1 but it failed verification too: no known good version',
      errorCode: 'NO_KNOWN_GOOD',
      durationMs: 37000,
    },
    { status: 'failed', finishedAt: '2026-04-19T14:33:37.000Z' },
  );
}
