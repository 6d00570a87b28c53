/**
 * One receiver, one notification: POST it, retrying what may pass on a
 * second try (5xx, 429, no connection) with a doubling pause, and never past
 * the deadline shared by the whole notify() call. Every way of failing is a
 * value; nothing here throws.
 */
import { deadline } from '../core/deadline.js';
import { describeFetchFailure, formatMs } from '../verify/fetchFailure.js';
import { splitCredentials } from './credentials.js';
import type { NotifyRequest } from './payload.js';

export interface DeliveryOptions {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Tries in all, the first included. */
  attempts: number;
  /** The first pause between tries; doubled after each. */
  backoffMs: number;
  /** In `now()` units: no request runs and no pause lasts past it. */
  deadline: number;
  /** The overall limit the deadline came from, for messages. */
  limitMs: number;
  /** The receiver's safe label, for messages. */
  label: string;
}

export interface Delivery {
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

interface Try {
  ok: boolean;
  status: number | null;
  retry: boolean;
  error: string | null;
  retryAfterMs: number | null;
}

export async function deliver(request: NotifyRequest, options: DeliveryOptions): Promise<Delivery> {
  const limit = `${formatMs(options.limitMs)} notification time limit`;
  let attempts = 0;
  let pause = options.backoffMs;
  let last: Try | null = null;
  for (;;) {
    const left = options.deadline - options.now();
    if (left <= 0) {
      const error = last?.error ? `${last.error}; gave up at the ${limit}` : `${options.label}: the ${limit} was used up before sending`;
      return { ok: false, attempts, status: last?.status ?? null, error };
    }
    attempts += 1;
    last = await send(request, left, options);
    if (last.ok) return { ok: true, attempts, status: last.status, error: null };
    if (!last.retry || attempts >= options.attempts) return { ok: false, attempts, status: last.status, error: last.error };
    const wait = Math.max(pause, last.retryAfterMs ?? 0);
    if (wait >= options.deadline - options.now()) {
      return { ok: false, attempts, status: last.status, error: `${last.error}; no time left to retry within the ${limit}` };
    }
    await options.sleep(wait);
    pause *= 2;
  }
}

async function send(request: NotifyRequest, leftMs: number, options: DeliveryOptions): Promise<Try> {
  const { signal, clear } = deadline(Math.max(1, Math.ceil(leftMs)));
  // fetch refuses a URL with user:password@ in it: they go as Basic auth instead.
  const { url, authorization } = splitCredentials(request.url);
  try {
    const response = await untilAborted(
      options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'rewind', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(request.body),
        // A redirected POST may turn into a GET or carry the body elsewhere.
        redirect: 'manual',
        signal,
      }),
      signal,
    );
    const status = response.status;
    if (status >= 200 && status < 300) {
      void response.body?.cancel().catch(() => undefined);
      return { ok: true, status, retry: false, error: null, retryAfterMs: null };
    }
    const snippet = await readSnippet(response, signal);
    const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    return {
      ok: false,
      status,
      retry: status >= 500 || status === 429,
      error: `${options.label} answered HTTP ${status}${redirect}${snippet ? `: ${snippet}` : ''}`,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    };
  } catch (error) {
    const timedOut = signal.aborted && isNamed(signal.reason, 'TimeoutError');
    const message = timedOut
      ? `no answer from ${options.label} within the ${formatMs(options.limitMs)} notification time limit`
      : describeFetchFailure(error, options.label, leftMs);
    return { ok: false, status: null, retry: true, error: message, retryAfterMs: null };
  } finally {
    clear();
  }
}


/** Enough of an error body to say why ("chat not found", "invalid_payload"), no more. */
const SNIPPET_BYTES = 512;
const SNIPPET_CHARS = 200;

async function readSnippet(response: Response, signal: AbortSignal): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still leaves the status to report.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, SNIPPET_BYTES)).replace(/\s+/g, ' ').trim();
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS - 1)}…` : text;
}

/** Seconds or an HTTP date; anything else is ignored. */
function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/**
 * Settles when `work` does or when `signal` aborts, whichever is first, so a
 * fetch (say, an injected one) that ignores its signal still cannot hold the
 * caller past the deadline.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function isNamed(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === name;
}
