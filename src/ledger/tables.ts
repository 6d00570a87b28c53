/**
 * The ledger's tables as kysely sees them. Both stores (SQLite and
 * PostgreSQL) use these definitions, so every column type here must mean the
 * same thing in both: timestamps are ISO-8601 text, structured values are
 * JSON text, counters are 32-bit integers.
 */
export interface ReleasesTable {
  id: string;
  app: string;
  env: string;
  version: string;
  sha: string | null;
  artifact: string | null;
  status: string;
  deployed_by: string;
  deployed_at: string;
  verified_at: string | null;
  marked_bad_at: string | null;
  /** Added by migration 003. */
  activated_at: string | null;
  /** JSON array of migration ids. */
  migrations: string;
  source: string;
  /** Added by migration 010: when `ledger rebuild` re-created it; null for a release recorded as it happened. */
  rebuilt_at: string | null;
  /** Added by migration 011: the deployed commit's committer date, when the source told it; null when unknown. */
  committed_at: string | null;
  /** Insert order; sorts newest first even when two deployments share a timestamp. */
  seq: number;
}

export interface RunsTable {
  id: string;
  app: string;
  env: string;
  kind: string;
  status: string;
  from_version: string | null;
  to_version: string | null;
  from_release_id: string | null;
  to_release_id: string | null;
  requested_by: string;
  approved_by: string | null;
  reason: string | null;
  trigger: string;
  /** JSON document. */
  plan: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  seq: number;
}

export interface StepsTable {
  run_id: string;
  idx: number;
  name: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  output: string;
  error: string | null;
  /** Added by migration 006: the plan step's stable id; null for steps journaled before. */
  step_id: string | null;
}

export interface AuditTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  app: string;
  env: string | null;
  run_id: string | null;
  outcome: string;
  /** JSON object. */
  detail: string;
  prev_hash: string;
  hash: string;
  /** Added by migration 009: the fingerprint of the HMAC key of a keyed entry; null for an unkeyed one. */
  key_id: string | null;
}

export interface Database {
  releases: ReleasesTable;
  runs: RunsTable;
  steps: StepsTable;
  audit: AuditTable;
  locks: LocksTable;
  pipeline_phases: PipelinePhasesTable;
  pipeline_rollbacks: PipelineRollbacksTable;
}

/** Added by migration 004: one row per environment lock, held or (since migration 007) free. */
export interface LocksTable {
  key: string;
  run_id: string;
  user: string;
  host: string;
  pid: number;
  since: string;
  expires_at: string;
  /** Added by migration 007: how many times the lock was taken (the fencing token); a free row has an empty run_id. */
  generation: number;
}

/** Added by migration 005: one row per phase of an app's pipeline that has had a status set. */
export interface PipelinePhasesTable {
  app: string;
  phase: string;
  status: string;
  updated_at: string;
  updated_by: string;
}

/** Added by migration 005: one row per phase rollback. */
export interface PipelineRollbacksTable {
  id: string;
  app: string;
  from_phase: string;
  to_phase: string;
  /** JSON array of the phase ids rolled back. */
  phases: string;
  reason: string;
  trigger: string;
  /** JSON array of strings. */
  revision_targets: string;
  /** JSON array of { path, sha256 }. */
  artifacts: string;
  /** 0 or 1: a boolean both stores read the same way. */
  escalation_override: number;
  actor: string;
  at: string;
  seq: number;
}
