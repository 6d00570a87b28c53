/** A run is one deploy, rollback, drill or watch, with its steps (or a watch's verdicts) journaled. */
export type RunKind = 'deploy' | 'rollback' | 'drill' | 'watch';

export type RunStatus =
  | 'planned'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'awaiting_approval'
  | 'paused'
  | 'interrupted'
  | 'cancelled'
  /** An interrupted or paused run someone gave up on (`rewind abandon`): the target was left as the run left it. */
  | 'abandoned';

export interface Run {
  id: string;
  app: string;
  env: string;
  kind: RunKind;
  status: RunStatus;
  fromVersion: string | null;
  toVersion: string | null;
  fromReleaseId: string | null;
  toReleaseId: string | null;
  requestedBy: string;
  approvedBy: string | null;
  reason: string | null;
  /** What started it: `manual`, `deploy.verify_failed`, `watch.tier1`, ... */
  trigger: string;
  /** The plan the run carries out, as saved (JSON-serialisable). */
  plan: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export type RunPatch = Partial<Omit<Run, 'id' | 'app' | 'env' | 'kind' | 'createdAt'>>;

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StepRecord {
  runId: string;
  index: number;
  name: string;
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** What the step printed or concluded, already redacted. */
  output: string;
  error: string | null;
  /** The id of the plan step it carries out (`switch:v1.1.0`); absent in runs journaled before ids existed. */
  stepId?: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  app: string;
  env: string | null;
  runId: string | null;
  outcome: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /**
   * Set on an entry of a keyed chain (audit.key_env): names the HMAC key its
   * hash was made with (a fingerprint, never the key). Absent on unkeyed entries.
   */
  keyId?: string;
}

export type NewAuditEvent = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>;
