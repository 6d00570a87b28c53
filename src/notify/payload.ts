/**
 * What rewind says about a run to the outside world. One value feeds every
 * format (webhook, Slack, Telegram), so receivers never disagree on facts.
 */
import type { NotifyEvent } from '../config/schema/notify.js';

export type { NotifyEvent };

export type NotifySeverity = 'info' | 'warning' | 'critical';

export interface RunNotification {
  event: NotifyEvent;
  app: string;
  env: string;
  run_id: string;
  kind: 'deploy' | 'rollback' | 'drill';
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
}

/** One HTTP POST with a JSON body. The URL may hold a secret: it is never shown. */
export interface NotifyRequest {
  url: string;
  body: unknown;
}
