/**
 * The HTTP health check: poll the endpoint until it has passed `successes`
 * times in a row, or until `timeout` has elapsed. Every way of not answering
 * (refused, timed out, reset) is an observation for the verdict, never a
 * thrown error, so the caller always gets a result it can report.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { healthVerdict } from '../core/healthVerdict.js';
import type { HealthObservation } from '../core/healthVerdict.js';
import type { ExpectedBuild, HealthAttempt, HealthCheck, HealthResult } from '../core/verification.js';
import { deadline } from '../core/deadline.js';
import { describeFetchFailure } from './fetchFailure.js';

export type { ExpectedBuild, HealthAttempt, HealthResult };

export interface HealthDeps {
  fetch?: typeof fetch;
  /** Milliseconds from any fixed origin; monotonic by default. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  onAttempt?: (attempt: HealthAttempt) => void;
  /** Cap on one request; MAX_REQUEST_MS by default. Always bounded by the time left. */
  requestTimeoutMs?: number;
}

/** A hung endpoint must not use up the whole window in one attempt. */
export const MAX_REQUEST_MS = 5000;
/** Starting a request with less time than this left only produces a meaningless timeout. */
const MIN_REQUEST_MS = 50;

export async function checkHealth(health: HealthCheck, expected: ExpectedBuild, deps: HealthDeps = {}): Promise<HealthResult> {
  const fetchImpl = deps.fetch ?? fetch;
  const now = deps.now ?? (() => performance.now());
  const sleep = deps.sleep ?? ((ms: number) => pause(ms, deps.signal));
  const expectation = { status: health.expect_status, field: health.expect_version, version: expected.version, sha: expected.sha };
  const url = health.url;
  const requestCap = deps.requestTimeoutMs ?? MAX_REQUEST_MS;
  const started = now();
  const deadline = started + health.timeout;

  let attempts = 0;
  let consecutive = 0;
  let last = { reason: 'no attempt was made', reported: null as string | null, status: null as number | null };

  // The reason's "N attempts in Xs" and durationMs come from one reading of the clock.
  const finish = (ok: boolean, describe: (tally: string) => string): HealthResult => {
    const elapsed = now() - started;
    const tally = `${attempts} attempt${attempts === 1 ? '' : 's'} in ${(elapsed / 1000).toFixed(1)}s`;
    return {
      ok,
      url,
      attempts,
      durationMs: Math.round(elapsed),
      reason: describe(tally),
      reported: last.reported,
      lastStatus: last.status,
    };
  };
  const cancelled = (): HealthResult => finish(false, (tally) => `health ${url}: check cancelled after ${tally}`);

  for (;;) {
    if (deps.signal?.aborted) return cancelled();
    // AbortSignal.timeout takes whole milliseconds only.
    const requestMs = Math.ceil(Math.min(requestCap, Math.max(deadline - now(), MIN_REQUEST_MS)));
    const attemptStarted = now();
    const observation = await observe(fetchImpl, url, requestMs, deps.signal);
    if (deps.signal?.aborted) return cancelled();
    attempts += 1;

    const verdict = healthVerdict(observation, expectation);
    consecutive = verdict.ok ? consecutive + 1 : 0;
    last = { reason: verdict.reason, reported: verdict.reported ?? last.reported, status: observation.status ?? null };
    deps.onAttempt?.({
      attempt: attempts,
      ok: verdict.ok,
      status: observation.status ?? null,
      reason: verdict.reason,
      reported: verdict.reported,
      consecutive,
      durationMs: Math.round(now() - attemptStarted),
    });

    if (consecutive >= health.successes) {
      const streak = health.successes === 1 ? '' : `, ${consecutive} in a row`;
      return finish(true, (tally) => `health ${url}: ${verdict.reason}${streak} (${tally})`);
    }
    if (health.maxAttempts !== undefined && attempts >= health.maxAttempts) break;
    const remaining = deadline - now();
    if (remaining < MIN_REQUEST_MS) break;
    await sleep(Math.ceil(Math.min(health.interval, remaining)));
    if (deadline - now() < MIN_REQUEST_MS) break;
  }
  if (deps.signal?.aborted) return cancelled();
  // Transport failures already name the url; do not say it twice.
  const subject = last.reason.includes(url) ? '' : `health ${url}: `;
  return finish(false, (tally) => `${subject}${last.reason} (${tally})`);
}

/** One request, turned into what the verdict needs. */
async function observe(
  fetchImpl: typeof fetch,
  url: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<HealthObservation> {
  const timeout = deadline(timeoutMs, signal);
  try {
    const response = await fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'cache-control': 'no-cache', 'user-agent': 'rewind-health' },
      // A redirect (to a login page, say) is reported as its own status, not followed.
      redirect: 'manual',
      signal: timeout.signal,
    });
    // The body is read under the same deadline: a server may send headers and then stall.
    const body = await response.text();
    return { status: response.status, body };
  } catch (error) {
    return { error: describeFetchFailure(error, url, timeoutMs) };
  } finally {
    timeout.clear();
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch {
    // Aborted: the loop sees the signal and stops.
  }
}
