/**
 * The one place where rows and core types meet: column names, JSON columns
 * and status strings are translated here and nowhere else.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Release, ReleasePatch, ReleaseStatus } from '../core/release.js';
import type { AuditEvent, Run, RunKind, RunPatch, RunStatus, StepRecord, StepStatus } from '../core/run.js';
import type { AuditTable, ReleasesTable, RunsTable, StepsTable } from './tables.js';

/** JSON.stringify gives `undefined` for `undefined`; a NOT NULL JSON column wants `null`. */
function toJson(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

export function releaseToRow(release: Release, seq: number): Insertable<ReleasesTable> {
  return {
    id: release.id,
    app: release.app,
    env: release.env,
    version: release.version,
    sha: release.sha,
    artifact: release.artifact,
    status: release.status,
    deployed_by: release.deployedBy,
    deployed_at: release.deployedAt,
    verified_at: release.verifiedAt,
    marked_bad_at: release.markedBadAt,
    activated_at: release.activatedAt,
    migrations: toJson(release.migrations ?? []),
    source: release.source,
    // Left out unless set (the column defaults to null), as rowToRelease leaves the field out.
    ...(release.rebuiltAt ? { rebuilt_at: release.rebuiltAt } : {}),
    ...(release.committedAt ? { committed_at: release.committedAt } : {}),
    seq,
  };
}

export function rowToRelease(row: Selectable<ReleasesTable>): Release {
  return {
    id: row.id,
    app: row.app,
    env: row.env,
    version: row.version,
    sha: row.sha,
    artifact: row.artifact,
    status: row.status as ReleaseStatus,
    deployedBy: row.deployed_by,
    deployedAt: row.deployed_at,
    verifiedAt: row.verified_at,
    markedBadAt: row.marked_bad_at,
    activatedAt: row.activated_at,
    migrations: JSON.parse(row.migrations) as string[],
    source: row.source,
    // Only rebuilt releases carry the field, so a release reads back exactly as it was written.
    ...(row.rebuilt_at ? { rebuiltAt: row.rebuilt_at } : {}),
    // Likewise a commit time: only a release whose source told it carries one.
    ...(row.committed_at ? { committedAt: row.committed_at } : {}),
  };
}

export function releasePatchToRow(patch: ReleasePatch): Updateable<ReleasesTable> {
  const row: Updateable<ReleasesTable> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.sha !== undefined) row.sha = patch.sha;
  if (patch.artifact !== undefined) row.artifact = patch.artifact;
  if (patch.verifiedAt !== undefined) row.verified_at = patch.verifiedAt;
  if (patch.markedBadAt !== undefined) row.marked_bad_at = patch.markedBadAt;
  if (patch.activatedAt !== undefined) row.activated_at = patch.activatedAt;
  if (patch.migrations !== undefined) row.migrations = toJson(patch.migrations);
  if (patch.committedAt !== undefined) row.committed_at = patch.committedAt;
  return row;
}

export function runToRow(run: Run, seq: number): Insertable<RunsTable> {
  return {
    id: run.id,
    app: run.app,
    env: run.env,
    kind: run.kind,
    status: run.status,
    from_version: run.fromVersion,
    to_version: run.toVersion,
    from_release_id: run.fromReleaseId,
    to_release_id: run.toReleaseId,
    requested_by: run.requestedBy,
    approved_by: run.approvedBy,
    reason: run.reason,
    trigger: run.trigger,
    plan: toJson(run.plan),
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    error: run.error,
    seq,
  };
}

export function rowToRun(row: Selectable<RunsTable>): Run {
  return {
    id: row.id,
    app: row.app,
    env: row.env,
    kind: row.kind as RunKind,
    status: row.status as RunStatus,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    fromReleaseId: row.from_release_id,
    toReleaseId: row.to_release_id,
    requestedBy: row.requested_by,
    approvedBy: row.approved_by,
    reason: row.reason,
    trigger: row.trigger,
    plan: JSON.parse(row.plan) as unknown,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

export function runPatchToRow(patch: RunPatch): Updateable<RunsTable> {
  const row: Updateable<RunsTable> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.fromVersion !== undefined) row.from_version = patch.fromVersion;
  if (patch.toVersion !== undefined) row.to_version = patch.toVersion;
  if (patch.fromReleaseId !== undefined) row.from_release_id = patch.fromReleaseId;
  if (patch.toReleaseId !== undefined) row.to_release_id = patch.toReleaseId;
  if (patch.requestedBy !== undefined) row.requested_by = patch.requestedBy;
  if (patch.approvedBy !== undefined) row.approved_by = patch.approvedBy;
  if (patch.reason !== undefined) row.reason = patch.reason;
  if (patch.trigger !== undefined) row.trigger = patch.trigger;
  if (patch.plan !== undefined) row.plan = toJson(patch.plan);
  if (patch.startedAt !== undefined) row.started_at = patch.startedAt;
  if (patch.finishedAt !== undefined) row.finished_at = patch.finishedAt;
  if (patch.error !== undefined) row.error = patch.error;
  return row;
}

export function rowToStep(row: Selectable<StepsTable>): StepRecord {
  return {
    runId: row.run_id,
    index: row.idx,
    name: row.name,
    status: row.status as StepStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    output: row.output,
    error: row.error,
    ...(row.step_id ? { stepId: row.step_id } : {}),
  };
}

export function auditToRow(event: AuditEvent): Insertable<AuditTable> {
  return {
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    app: event.app,
    env: event.env,
    run_id: event.runId,
    outcome: event.outcome,
    detail: toJson(event.detail),
    prev_hash: event.prevHash,
    hash: event.hash,
    key_id: event.keyId ?? null,
  };
}

export function rowToAudit(row: Selectable<AuditTable>): AuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    app: row.app,
    env: row.env,
    runId: row.run_id,
    outcome: row.outcome,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
    ...(row.key_id ? { keyId: row.key_id } : {}),
  };
}
