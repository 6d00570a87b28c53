/**
 * The WatchProbe port (core/watch/measurement.ts) over this folder's probes:
 * a query goes to Prometheus, an error rate to a sampler of its URL (made and
 * started at its first reading, stopped by close()), `health` to one attempt
 * of the health check. Never throws: every failure is an `error` measurement.
 */
import type { ExpectedBuild, HealthCheck } from '../core/verification.js';
import type { ClosableWatchProbe, ConditionSource, Measurement } from '../core/watch/measurement.js';

export type { ClosableWatchProbe };
import { ErrorRateSampler } from './errorRate.js';
import { checkHealth } from './httpHealth.js';
import type { HealthDeps } from './httpHealth.js';
import { queryPrometheus } from './prometheus.js';
import type { PrometheusTarget } from './prometheus.js';

/** The health check run once: did it pass, and why not. */
export type HealthOnce = (signal?: AbortSignal) => Promise<{ ok: boolean; reason: string }>;

export interface ErrorRateSettings {
  /** What one reading covers (ms): the watch's interval, so that each reading is the rate since the previous one. */
  windowMs: number;
  sampleEveryMs?: number;
  requestTimeoutMs?: number;
}

export interface WatchProbeOptions {
  /** `watch.prometheus`; a query without it reads as an error. */
  prometheus?: PrometheusTarget | undefined;
  /** The environment's health check (see healthOnce); `health: failing` without it reads as an error. */
  health?: HealthOnce | undefined;
  /** 10s windows by default. */
  errorRate?: ErrorRateSettings | undefined;
  fetch?: typeof fetch;
  /** Milliseconds on the watch's clock (the `at` of every measurement); monotonic by default. */
  now?: () => number;
}

export const DEFAULT_ERROR_RATE_WINDOW_MS = 10_000;

export function createWatchProbe(options: WatchProbeOptions = {}): ClosableWatchProbe {
  const now = options.now ?? (() => performance.now());
  const samplers = new Map<string, { sampler: ErrorRateSampler; first: Promise<void> }>();
  let closed = false;
  const error = (message: string): Measurement => ({ at: now(), kind: 'error', message });

  const read = async (source: ConditionSource, signal: AbortSignal | undefined): Promise<Measurement> => {
    switch (source.kind) {
      case 'query': {
        if (!options.prometheus) return error(`no watch.prometheus is configured to run the query ${source.query}`);
        const answer = await queryPrometheus(options.prometheus, source.query, { signal, ...fetchOf(options) });
        if (signal?.aborted) return error(`query cancelled: ${source.query}`);
        if (answer.kind === 'error') return { ...error(answer.message), ...(answer.problem === 'rejected' ? { rejected: true } : {}) };
        return answer.kind === 'value' ? { at: now(), kind: 'value', value: answer.value } : { at: now(), kind: 'empty' };
      }
      case 'error_rate': {
        let sampling = samplers.get(source.url);
        if (!sampling) {
          const settings = options.errorRate ?? { windowMs: DEFAULT_ERROR_RATE_WINDOW_MS };
          const sampler = new ErrorRateSampler({ url: source.url, ...settings, now, ...fetchOf(options) });
          sampler.start();
          // A first reading taken before any request came back would always be empty.
          sampling = { sampler, first: sampler.nextSample() };
          samplers.set(source.url, sampling);
        }
        await untilAborted(sampling.first, signal);
        if (signal?.aborted) return error(`error rate of ${source.url}: reading cancelled`);
        return sampling.sampler.measure();
      }
      case 'health': {
        if (!options.health) return error('no health check is configured for `health: failing`');
        const result = await options.health(signal);
        if (signal?.aborted) return error('health check cancelled');
        return { at: now(), kind: 'value', value: result.ok ? 0 : 1, ...(result.ok ? {} : { detail: result.reason }) };
      }
    }
  };

  return {
    async measure(source, signal) {
      if (closed) return error('the watch probe is closed');
      if (signal?.aborted) return error('reading cancelled');
      try {
        return await read(source, signal);
      } catch (thrown) {
        return error(`reading ${source.kind} failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
      }
    },
    async close() {
      closed = true;
      await Promise.all([...samplers.values()].map(({ sampler }) => sampler.stop()));
      samplers.clear();
    },
  };
}

/** The environment's health check as one attempt now: the watch asks again at its next tick instead of retrying. */
export function healthOnce(health: HealthCheck, expected: ExpectedBuild, deps: Omit<HealthDeps, 'signal'> = {}): HealthOnce {
  return async (signal) => {
    const result = await checkHealth({ ...health, successes: 1, maxAttempts: 1 }, expected, { ...deps, ...(signal ? { signal } : {}) });
    return { ok: result.ok, reason: result.reason };
  };
}

function fetchOf(options: WatchProbeOptions): { fetch?: typeof fetch } {
  return options.fetch ? { fetch: options.fetch } : {};
}

/** Waits for `promise`, or less when `signal` aborts first. */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void promise.then(done);
  });
}
