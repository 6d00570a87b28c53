import { z } from 'zod';
import { NOTIFY_EVENTS, type NotifyEvent } from '../../core/notification.js';

export { NOTIFY_EVENTS, type NotifyEvent };

const events = z
  .array(z.enum(NOTIFY_EVENTS))
  .default([...NOTIFY_EVENTS])
  .meta({ description: `The events sent to this receiver (default: all): ${NOTIFY_EVENTS.join(', ')}.` });

const httpUrl = z.string().url().refine((u) => /^https?:\/\//.test(u), 'expected an http or https URL');

export const notifySchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('webhook'),
      url: httpUrl.meta({
        description:
          'Receives a JSON POST per event. Treated as a secret: never written to reports or logs. ' +
          'Credentials in it (https://user:password@host/...) are sent as an Authorization: Basic header.',
      }),
      events,
    }),
    z.strictObject({
      type: z.literal('slack'),
      url: httpUrl.meta({ description: "A Slack incoming-webhook URL (secret)." }),
      events,
    }),
    z.strictObject({
      type: z.literal('telegram'),
      bot_token_env: z
        .string()
        .min(1)
        .meta({ description: 'The environment variable holding the bot token (the token itself never goes in rewind.yaml).' }),
      chat_id: z.union([z.string(), z.number()]).meta({ description: 'The chat to post to.' }),
      api_url: httpUrl.default('https://api.telegram.org').meta({ description: "Telegram's Bot API base URL." }),
      events,
    }),
  ])
  .meta({ description: 'One receiver of run events: { type: webhook | slack | telegram, ... }.' });

export type NotifyConfig = z.infer<typeof notifySchema>;
