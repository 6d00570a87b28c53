/**
 * What watching a live release reads and decides, as data. The probes that
 * take the readings live in verify/ (behind WatchProbe); the verdict over them
 * is pure (core/watch/verdict.ts); the watch run that acts on it is an
 * operation. Times are milliseconds on the watch's own clock.
 */

/** What a condition reads: a Prometheus query, rewind's own error-rate sampler, or the health check. */
export type ConditionSource =
  | { kind: 'query'; query: string }
  | { kind: 'error_rate'; url: string }
  | { kind: 'health' };

/**
 * One condition of a tier (`when:` item), as parsed. A health condition
 * (`{ health: failing }`) reads 1 when the check fails and 0 when it passes,
 * and holds while it reads above 0.
 */
export interface WatchCondition {
  source: ConditionSource;
  /** Holds while the value is above this (strictly). */
  above?: number;
  /** Holds while the value is below this (strictly). */
  below?: number;
  /** The condition must hold for this whole window (ms) before it counts as breached. */
  forMs: number;
  /** As written in rewind.yaml, for messages: `error rate of http://... above 0.05 for 2m`. */
  label: string;
}

export type TierAction = 'rollback' | 'page' | 'record';

export interface WatchTier {
  tier: 1 | 2 | 3;
  action: TierAction;
  when: WatchCondition[];
}

/** What an empty answer (no sample) counts as. */
export type NoDataPolicy = 'inconclusive' | 'fail' | 'pass';

/** The `watch:` section of an environment, durations in ms. */
export interface WatchConfig {
  forMs: number;
  intervalMs: number;
  prometheus?: { url: string; timeoutMs: number };
  noData: NoDataPolicy;
  /** Consecutive probe errors after which a condition's tier acts anyway (argo-rollouts' consecutiveErrorLimit). */
  errorLimit: number;
  tiers: WatchTier[];
}

/**
 * One reading of one condition's source at one instant. `value` may be NaN or
 * ±Infinity (Prometheus sends them as strings); `empty` is an answer with no
 * sample; `error` is no answer at all (unreachable, a rejected query, a
 * matrix, several samples): never a pass. `rejected`: the source refused the
 * question itself (a query Prometheus cannot parse), a configuration error.
 */
export type Measurement =
  | { at: number; kind: 'value'; value: number; detail?: string }
  | { at: number; kind: 'empty' }
  | { at: number; kind: 'error'; message: string; rejected?: boolean };

export type ConditionState = 'ok' | 'breached' | 'inconclusive' | 'error';

/** A condition's verdict at one instant. */
export interface ConditionVerdict {
  state: ConditionState;
  /** The latest numeric value, when the latest reading had one. */
  value: number | null;
  /** Since when (ms) it has held without a break, when it holds now. */
  holdingSince: number | null;
  /** Consecutive errors up to now. */
  errors: number;
  /** One line for the terminal, the ledger and the reason of a rollback. */
  reason: string;
}

/** Takes one reading of a source. Never throws: every failure is an `error` measurement. */
export interface WatchProbe {
  measure(source: ConditionSource, signal?: AbortSignal): Promise<Measurement>;
}

/** What the probes of one watch are made with (Verifier.watchProbe). */
export interface WatchProbeSettings {
  prometheus?: { url: string; timeoutMs: number };
  /** The health check once, on every target: a `health: failing` condition reads it. */
  health?: (signal?: AbortSignal) => Promise<{ ok: boolean; reason: string }>;
  /** What one error-rate reading covers (ms): the watch's interval. */
  errorRateWindowMs: number;
  /** The watch's clock, in ms: every measurement's `at`. */
  now: () => number;
  fetch?: typeof fetch;
}

/** A probe that holds samplers running in the background until it is closed. */
export interface ClosableWatchProbe extends WatchProbe {
  /** Stops every error-rate sampler; later readings are errors. */
  close(): Promise<void>;
}
