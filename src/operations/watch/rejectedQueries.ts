import { RewindError } from '../../core/errors.js';
import type { WatchConfig } from '../../core/watch/measurement.js';
import type { EnvDeps } from '../deps.js';

/**
 * Before a watch starts (and holds the environment), each query is asked
 * once: one that Prometheus rejects (400 bad_data, 422 execution) would
 * never be a reading, only errors until the tier acted on them, so it is a
 * configuration error at its line, with Prometheus's own message (exit 2).
 * Prometheus not answering is not judged here: that is what the watch's
 * errors and error_limit are for.
 */
export async function refuseRejectedQueries(deps: EnvDeps, config: WatchConfig): Promise<void> {
  const queries = config.tiers.flatMap((tier, t) => tier.when.flatMap((condition, c) =>
    condition.source.kind === 'query' ? [{ query: condition.source.query, path: [t, c] as const }] : []));
  if (queries.length === 0 || !config.prometheus) return;
  const probe = deps.verifier.watchProbe({
    prometheus: config.prometheus, errorRateWindowMs: config.intervalMs, now: () => deps.clock.now().getTime(),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  try {
    const asked = await Promise.all(queries.map(async (q) => ({ ...q, reading: await probe.measure({ kind: 'query', query: q.query }) })));
    const problems = asked.flatMap(({ reading, path: [t, c] }) => (reading.kind === 'error' && reading.rejected
      ? [{
        path: ['environments', deps.envName, 'watch', 'tiers', t, 'when', c, 'query'],
        message: `Prometheus rejects it: ${reading.message}`,
      }]
      : []));
    if (problems.length === 0) return;
    throw deps.configError?.(problems) ?? new RewindError('CONFIG_INVALID', problems.map((p) => p.message).join('; '));
  } finally {
    await probe.close();
  }
}
