/**
 * Sends run notifications to the configured receivers. A notification is a
 * courtesy on top of a run that has already happened: it must never fail the
 * run, hold it up for long, or leak a receiver's secret into the run's logs.
 * So notify() resolves with one outcome per receiver, always, within
 * `overallTimeoutMs`, and every outcome is redacted.
 */
import type { NotifyConfig } from '../config/schema/notify.js';
import type { NotifyOutcome, RunNotification } from '../core/notification.js';
import { MIN_SECRET_LENGTH, redact } from '../core/redact.js';
import { deliver } from './deliver.js';
import { prepareRequest, receiverLabel, receiverSecrets } from './receivers.js';
import type { Env } from './receivers.js';

export type { NotifyOutcome };

export interface Notifier {
  notify(n: RunNotification): Promise<NotifyOutcome[]>;
}

export interface NotifierDeps {
  fetch?: typeof fetch;
  env: Env;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds from any fixed origin; monotonic by default. */
  now?: () => number;
  /** Tries per receiver, the first included (default 3). */
  attempts?: number;
  /** The first pause between tries, doubling after each (default 250). */
  backoffMs?: number;
  /** For one notify() call, across all receivers and retries (default 5000). */
  overallTimeoutMs?: number;
}

export const NOTIFY_DEFAULTS = { attempts: 3, backoffMs: 250, overallTimeoutMs: 5000 } as const;

export function createNotifier(receivers: readonly NotifyConfig[], deps: NotifierDeps): Notifier {
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? (() => performance.now());
  const attempts = Math.max(1, Math.floor(deps.attempts ?? NOTIFY_DEFAULTS.attempts));
  const backoffMs = Math.max(0, deps.backoffMs ?? NOTIFY_DEFAULTS.backoffMs);
  const limitMs = Math.max(0, deps.overallTimeoutMs ?? NOTIFY_DEFAULTS.overallTimeoutMs);

  const notifyOne = async (
    receiver: NotifyConfig,
    n: RunNotification,
    deadline: number,
    secrets: readonly string[],
  ): Promise<NotifyOutcome> => {
    let label: string = receiver.type ?? 'receiver';
    try {
      label = receiverLabel(receiver);
      const prepared = prepareRequest(receiver, n, deps.env);
      if ('error' in prepared) {
        return { receiver: label, event: n.event, ok: false, attempts: 0, status: null, error: redact(prepared.error, secrets) };
      }
      const result = await deliver(prepared.request, { fetch: fetchImpl, sleep, now, attempts, backoffMs, deadline, limitMs, label });
      return { receiver: label, event: n.event, ...result, error: result.error === null ? null : redact(result.error, secrets) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        receiver: label,
        event: n.event,
        ok: false,
        attempts: 0,
        status: null,
        error: redact(`${label}: ${message.replace(/\s+/g, ' ').trim()}`, secrets),
      };
    }
  };

  return {
    async notify(n) {
      try {
        const deadline = now() + limitMs;
        const secrets = notifierSecrets(receivers, deps.env);
        const chosen = receivers.filter((receiver) => (receiver.events ?? []).includes(n.event));
        const safe = redactNotification(n, secrets);
        return await Promise.all(chosen.map((receiver) => notifyOne(receiver, safe, deadline, secrets)));
      } catch {
        // notifyOne cannot reject; this only guards against a malformed receiver list.
        return [];
      }
    },
  };
}

/**
 * Every secret the receivers hold (webhook and Slack URLs, Telegram tokens),
 * for callers to add to the redaction list of their logs and reports.
 */
export function notifierSecrets(receivers: readonly NotifyConfig[], env: Env): string[] {
  const found = new Set<string>();
  for (const receiver of receivers) {
    for (const secret of receiverSecrets(receiver, env)) {
      if (secret.length >= MIN_SECRET_LENGTH) found.add(secret);
    }
  }
  return [...found];
}

/** A reason or message quoting a receiver's secret must not carry it to another receiver. */
function redactNotification(n: RunNotification, secrets: readonly string[]): RunNotification {
  const out: Record<string, unknown> = { ...n };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === 'string' && key !== 'event') out[key] = redact(value, secrets);
  }
  return out as unknown as RunNotification;
}
