/**
 * The real WatchProbe of an environment, from its `watch:` section and its
 * health check: what `rewind verify` (and the watch run) read conditions
 * through. The operations only see the port (core/watch/measurement.ts).
 */
import type { ExpectedBuild, HealthCheck } from '../core/verification.js';
import type { WatchConfig, WatchProbe } from '../core/watch/measurement.js';
import { createWatchProbe, healthOnce, type HealthOnce } from '../verify/watchProbe.js';

export interface WatchProbeInput {
  watch: WatchConfig;
  /** The health check as it applies to each host (`{host}` expanded); none when the environment has no health check. */
  health: readonly { host: string; check: HealthCheck }[];
  /** The build a healthy service must report: the live release's. */
  expected: ExpectedBuild;
  /** A test's stand-in for the global fetch. */
  fetch?: typeof fetch | undefined;
}

export interface OpenedWatchProbe extends WatchProbe {
  /** Stops the error-rate samplers it started. */
  close(): Promise<void>;
}

export function openWatchProbe(input: WatchProbeInput): OpenedWatchProbe {
  const fetchSeam = input.fetch ? { fetch: input.fetch } : {};
  return createWatchProbe({
    prometheus: input.watch.prometheus,
    health: everyHost(input.health, input.expected, fetchSeam),
    // Each reading is the error rate since the one before: one interval.
    errorRate: { windowMs: input.watch.intervalMs },
    ...fetchSeam,
  });
}

/** `health: failing` on a fleet: one attempt on every host at once, failing when any host fails, naming it. */
function everyHost(
  hosts: WatchProbeInput['health'],
  expected: ExpectedBuild,
  fetchSeam: { fetch?: typeof fetch },
): HealthOnce | undefined {
  if (hosts.length === 0) return undefined;
  const checks = hosts.map((host) => ({ host: host.host, once: healthOnce(host.check, expected, fetchSeam) }));
  if (checks.length === 1) return (checks[0] as (typeof checks)[number]).once;
  return async (signal) => {
    const results = await Promise.all(checks.map(async (check) => ({ host: check.host, ...(await check.once(signal)) })));
    const failed = results.filter((result) => !result.ok);
    const shown = failed.length > 0 ? failed : results;
    return { ok: failed.length === 0, reason: shown.map((result) => `${result.host}: ${result.reason}`).join('; ') };
  };
}
