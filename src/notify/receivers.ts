/**
 * What the notifier needs to know about each kind of receiver: a label that
 * is safe to print, the secrets it carries, and the request it gets. Webhook
 * and Slack URLs are secrets as a whole (Slack's path is the credential), and
 * a Telegram request URL holds the bot token.
 */
import type { NotifyConfig } from '../config/schema/notify.js';
import { secretsInUrls } from '../core/redact.js';
import { credentialSecrets } from './credentials.js';
import { slackRequest } from './formats/slack.js';
import { telegramRequest, telegramToken } from './formats/telegram.js';
import { webhookRequest } from './formats/webhook.js';
import type { NotifyRequest, RunNotification } from './payload.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** "webhook hooks.example.com", "slack", "telegram chat 123": never a path, query or token. */
export function receiverLabel(receiver: NotifyConfig): string {
  switch (receiver.type) {
    case 'webhook': {
      const host = hostOf(receiver.url);
      return host === null ? 'webhook (invalid URL)' : `webhook ${host}`;
    }
    case 'slack':
      return 'slack';
    case 'telegram':
      return `telegram chat ${receiver.chat_id}`;
  }
}

/** Every form in which this receiver's secrets could turn up in a message. */
export function receiverSecrets(receiver: NotifyConfig, env: Env): string[] {
  if (receiver.type === 'telegram') {
    const found = telegramToken(receiver, env);
    const raw = env[receiver.bot_token_env];
    return [...('token' in found ? [found.token] : []), ...(raw !== undefined && raw.trim() !== '' ? [raw] : [])];
  }
  return urlSecrets(receiver.url);
}

export function prepareRequest(receiver: NotifyConfig, n: RunNotification, env: Env): { request: NotifyRequest } | { error: string } {
  switch (receiver.type) {
    case 'webhook':
      return { request: webhookRequest(receiver, n) };
    case 'slack':
      return { request: slackRequest(receiver, n) };
    case 'telegram': {
      const found = telegramToken(receiver, env);
      return 'token' in found ? { request: telegramRequest(receiver, n, found.token) } : found;
    }
  }
}

/**
 * The URL as written and as normalised (fetch and error messages use the
 * latter), its path and query alone (HTTP libraries log those), and any
 * credentials in it in each form they are sent (see credentials.ts).
 */
/** A shorter path ("/x", "/hook") guards nothing and would blank common text in logs. */
const MIN_PATH_SECRET = 8;

function urlSecrets(url: string): string[] {
  const found = [url, ...secretsInUrls(url), ...credentialSecrets(url)];
  try {
    const parsed = new URL(url);
    found.push(parsed.href);
    const rest = `${parsed.pathname}${parsed.search}`;
    if (rest.length >= MIN_PATH_SECRET) found.push(rest);
    if (parsed.password !== '') found.push(parsed.password, decodeURIComponentSafe(parsed.password));
  } catch {
    // An unparsable URL is still hidden whole.
  }
  return found;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
