/**
 * The payload types, from core (operations build them), and what a format
 * turns one into.
 */
export type { NotifyEvent, NotifySeverity, RunNotification } from '../core/notification.js';

/** One HTTP POST with a JSON body. The URL may hold a secret: it is never shown. */
export interface NotifyRequest {
  url: string;
  body: unknown;
}
