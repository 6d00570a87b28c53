/**
 * Slack incoming-webhook format: `text` is the fallback shown in
 * notifications, `blocks` the message itself (a mrkdwn section and a context
 * footer). See https://api.slack.com/messaging/webhooks.
 */
import type { NotifyRequest, RunNotification } from '../payload.js';
import { clip, contextLine, detailLines, oneLine, SEVERITY_EMOJI } from './text.js';

/** Slack's limit for one text object. */
const SECTION_MAX = 3000;

export function slackRequest(receiver: { url: string }, n: RunNotification): NotifyRequest {
  const emoji = SEVERITY_EMOJI[n.severity].slack;
  const headline = escapeMrkdwn(oneLine(n.message));
  const details = detailLines(n).map((line) => `*${line.label}:* ${escapeMrkdwn(line.value)}`);
  const text = `${emoji} ${headline}`;
  return {
    url: receiver.url,
    body: {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: clip([`${emoji} *${headline}*`, ...details].join('\n'), SECTION_MAX) } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: clip(escapeMrkdwn(contextLine(n)), SECTION_MAX) }] },
      ],
    },
  };
}

/** Slack reads `<...>` as links and mentions; these three are the escapes it documents. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
