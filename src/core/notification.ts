/**
 * What rewind says about a run to the outside world, and what came of saying
 * it. One value feeds every format (webhook, Slack, Telegram), so receivers
 * never disagree on facts. Data only: delivery lives in notify/, so the
 * operations that build these values need not know how they travel.
 */
import type { AuditHead } from './auditHead.js';

export const NOTIFY_EVENTS = [
  'rollback.started',
  'rollback.paused',
  'rollback.succeeded',
  'rollback.failed',
  'deploy.failed',
  'sla.breached',
  'approval.requested',
] as const;

export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export type NotifySeverity = 'info' | 'warning' | 'critical';

export interface RunNotification {
  event: NotifyEvent;
  app: string;
  env: string;
  run_id: string;
  kind: 'deploy' | 'rollback' | 'drill' | 'watch';
  status: string;
  from_version: string | null;
  to_version: string | null;
  reason: string | null;
  /** One human line, e.g. "shop production rolled back from v1.2.0 to v1.1.0 in 4.2s". */
  message: string;
  severity: NotifySeverity;
  requested_by: string;
  approved_by: string | null;
  duration_s: number | null;
  /** Path of the run's report.md, if one was written. */
  report: string | null;
  /** ISO 8601 time of the event. */
  at: string;
  /**
   * The audit log's head when this was sent: a copy of the chain's state
   * outside the machine, for `rewind audit verify --expect-head SEQ:HASH`.
   * Null when it could not be read.
   */
  audit_head?: AuditHead | null;
}

export interface NotifyOutcome {
  /** A safe label: "webhook hooks.example.com", "slack", "telegram chat 123". */
  receiver: string;
  event: NotifyEvent;
  ok: boolean;
  /** HTTP requests made; 0 when nothing could be sent (say, a missing token). */
  attempts: number;
  /** The last HTTP status, or null when none came back. */
  status: number | null;
  /** One redacted line, or null when delivered. */
  error: string | null;
}
