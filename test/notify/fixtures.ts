import type { RunNotification } from '../../src/notify/payload.js';

export function notification(overrides: Partial<RunNotification> = {}): RunNotification {
  return {
    event: 'rollback.succeeded',
    app: 'shop',
    env: 'production',
    run_id: 'run-20240501-abc123',
    kind: 'rollback',
    status: 'succeeded',
    from_version: 'v1.2.0',
    to_version: 'v1.1.0',
    reason: 'health check failed after deploy',
    message: 'shop production rolled back from v1.2.0 to v1.1.0 in 4.2s',
    severity: 'info',
    requested_by: 'alice@example.com',
    approved_by: null,
    duration_s: 4.2,
    report: '.rewind/reports/rollbacks/run-20240501-abc123/report.md',
    at: '2024-05-01T03:12:45.000Z',
    ...overrides,
  };
}

/** Fast retries for tests: real HTTP, no real waiting. */
export const FAST = { backoffMs: 5, overallTimeoutMs: 3000 } as const;
