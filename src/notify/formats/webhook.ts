/** The generic webhook: the notification as is, tagged so a shared endpoint can tell senders apart. */
import type { NotifyRequest, RunNotification } from '../payload.js';

export function webhookRequest(receiver: { url: string }, n: RunNotification): NotifyRequest {
  return { url: receiver.url, body: { source: 'rewind', ...n } };
}
