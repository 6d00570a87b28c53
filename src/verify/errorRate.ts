/**
 * rewind's own error-rate probe, for apps without Prometheus: while started,
 * it requests one URL at a steady pace in the background and remembers, for
 * the last window only, which requests failed (a non-2xx status, a refused or
 * reset connection, no answer within the request timeout). A reading is the
 * failing fraction of the samples that completed in the window.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { deadline } from '../core/deadline.js';
import type { Measurement } from '../core/watch/measurement.js';
import { describeFetchFailure } from './fetchFailure.js';

export interface ErrorRateOptions {
  url: string;
  /** A reading covers the samples that completed in this many ms before it. */
  windowMs: number;
  /** One request starts this often (ms; 100 by default), or as soon as the previous ends if it took longer. */
  sampleEveryMs?: number;
  /** A request without a full answer by then counts as failed (ms; 2000 by default). */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Milliseconds on the watch's clock; monotonic by default. */
  now?: () => number;
}

export interface ErrorRateTally {
  samples: number;
  failures: number;
  /** Why the latest failing sample in the window failed: `status 500`, `connection refused at ...`. */
  lastFailure: string | null;
}

export const DEFAULT_SAMPLE_EVERY_MS = 100;
export const DEFAULT_REQUEST_TIMEOUT_MS = 2000;

interface Sample {
  at: number;
  failure: string | null;
}

export class ErrorRateSampler {
  readonly url: string;
  private readonly windowMs: number;
  private readonly sampleEveryMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  /** In completion order, which is time order: one request at a time. */
  private samples: Sample[] = [];
  private running: { controller: AbortController; loop: Promise<void>; unlink: () => void } | null = null;
  private waiting: (() => void)[] = [];

  constructor(options: ErrorRateOptions) {
    this.url = options.url;
    this.windowMs = options.windowMs;
    this.sampleEveryMs = options.sampleEveryMs ?? DEFAULT_SAMPLE_EVERY_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const durations = { windowMs: this.windowMs, sampleEveryMs: this.sampleEveryMs, requestTimeoutMs: this.requestTimeoutMs };
    for (const [name, value] of Object.entries(durations)) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new RangeError(`error_rate ${this.url}: ${name} must be a positive number of ms, got ${value}`);
      }
    }
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? (() => performance.now());
  }

  get started(): boolean {
    return this.running !== null;
  }

  /** Starts sampling (again no-op while running); `signal` stops it as stop() does. */
  start(signal?: AbortSignal): void {
    if (this.running || signal?.aborted) return;
    const controller = new AbortController();
    const onAbort = () => void this.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    const unlink = () => signal?.removeEventListener('abort', onAbort);
    this.running = { controller, loop: this.loop(controller.signal), unlink };
  }

  /** Stops sampling and waits for the request in flight to be cancelled. The samples stay for measure(). */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = null;
    running.unlink();
    running.controller.abort();
    await running.loop;
    this.wakeWaiters();
  }

  /** Resolves when the next sample completes, or sampling stops: a first reading then has something to say. */
  nextSample(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The failing fraction of the window's samples; `empty` when none completed in it. */
  measure(): Measurement {
    const at = this.now();
    const { samples, failures } = this.tally(at);
    if (samples === 0) return { at, kind: 'empty' };
    return { at, kind: 'value', value: failures / samples };
  }

  tally(at = this.now()): ErrorRateTally {
    this.forgetBefore(at - this.windowMs);
    const inWindow = this.samples.filter((sample) => sample.at <= at);
    const failed = inWindow.filter((sample) => sample.failure !== null);
    return { samples: inWindow.length, failures: failed.length, lastFailure: failed.at(-1)?.failure ?? null };
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.now();
      const failure = await this.request(signal);
      // A request cancelled by stop() says nothing about the app.
      if (signal.aborted) return;
      const at = this.now();
      this.samples.push({ at, failure });
      this.forgetBefore(at - this.windowMs);
      this.wakeWaiters();
      const rest = this.sampleEveryMs - (this.now() - started);
      if (rest > 0) await delay(rest, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One request: null when it answered 2xx, else why it failed in one line. */
  private async request(stop: AbortSignal): Promise<string | null> {
    const timeout = deadline(this.requestTimeoutMs, stop);
    try {
      const response = await this.fetchImpl(this.url, {
        method: 'GET',
        headers: { 'cache-control': 'no-cache', 'user-agent': 'rewind-error-rate' },
        // A redirect is an answer of its own (to a login page, say), not followed.
        redirect: 'manual',
        signal: timeout.signal,
      });
      // Read to the end, under the same deadline: a stalled body is a failure, and the connection is kept for the next sample.
      await response.arrayBuffer();
      return response.status >= 200 && response.status < 300 ? null : `status ${response.status}`;
    } catch (error) {
      return describeFetchFailure(error, this.url, this.requestTimeoutMs);
    } finally {
      timeout.clear();
    }
  }

  /** Only the window is kept: older samples can never be read again. */
  private forgetBefore(cutoff: number): void {
    let drop = 0;
    while (drop < this.samples.length && (this.samples[drop] as Sample).at <= cutoff) drop += 1;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }

  private wakeWaiters(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}
