/**
 * Telegram Bot API `sendMessage`, as plain text: with no parse_mode nothing
 * in a version or a reason can break the markup or be refused by the API.
 * The token lives in the URL path, so that URL is a secret like a webhook's.
 */
import type { NotifyRequest, RunNotification } from '../payload.js';
import { clip, contextLine, detailLines, oneLine, SEVERITY_EMOJI } from './text.js';

export interface TelegramReceiver {
  bot_token_env: string;
  chat_id: string | number;
  api_url: string;
}

/** sendMessage refuses longer texts. */
const MESSAGE_MAX = 4096;

/** Bot tokens look like `123456:AAH...`; anything else would reshape the request path. */
const TOKEN_PATTERN = /^[A-Za-z0-9:_-]+$/;

/** The token, or a one-line reason it cannot be used (never the token itself). */
export function telegramToken(
  receiver: TelegramReceiver,
  env: Readonly<Record<string, string | undefined>>,
): { token: string } | { error: string } {
  const name = receiver.bot_token_env;
  const token = env[name]?.trim();
  if (token === undefined || token === '') return { error: `telegram: $${name} is not set` };
  if (!TOKEN_PATTERN.test(token)) return { error: `telegram: $${name} does not look like a bot token (expected digits, ":" and letters)` };
  return { token };
}

export function telegramRequest(receiver: TelegramReceiver, n: RunNotification, token: string): NotifyRequest {
  const emoji = SEVERITY_EMOJI[n.severity].unicode;
  const details = detailLines(n).map((line) => `${line.label}: ${line.value}`);
  const text = clip([`${emoji} ${oneLine(n.message)}`, ...details, '', contextLine(n)].join('\n'), MESSAGE_MAX);
  return {
    url: `${receiver.api_url.replace(/\/+$/, '')}/bot${token}/sendMessage`,
    body: { chat_id: receiver.chat_id, text, disable_web_page_preview: true },
  };
}
