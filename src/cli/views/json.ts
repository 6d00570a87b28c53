import type { Release } from '../../core/release.js';
import type { Run } from '../../core/run.js';

/** The --json shapes: snake_case, stable field names for scripts. */

export function releaseJson(release: Release): Record<string, unknown> {
  return {
    release_id: release.id,
    version: release.version,
    sha: release.sha,
    status: release.status,
    deployed_at: release.deployedAt,
    deployed_by: release.deployedBy,
    verified_at: release.verifiedAt,
    marked_bad_at: release.markedBadAt,
    artifact: release.artifact,
    source: release.source,
    migrations: release.migrations,
    // When `ledger rebuild` re-created it from the targets and reports: its status is their evidence.
    rebuilt_at: release.rebuiltAt ?? null,
  };
}

export function runJson(run: Run): Record<string, unknown> {
  return {
    run_id: run.id,
    kind: run.kind,
    status: run.status,
    from_version: run.fromVersion,
    to_version: run.toVersion,
    trigger: run.trigger,
    reason: run.reason,
    requested_by: run.requestedBy,
    approved_by: run.approvedBy,
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    error: run.error,
  };
}
