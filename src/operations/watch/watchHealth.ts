import { healthUrl } from '../healthFor.js';
import type { EnvDeps } from '../deps.js';

/**
 * The health check once, on every target at the same time, for a watch's
 * `health: failing` condition: failing when any target fails (a fleet is
 * broken when one host is), with that host's reason. One attempt each: the
 * watch asks again at its next tick instead of retrying.
 */
export function watchHealth(
  deps: EnvDeps,
  expected: { version: string; sha: string | null },
  timeoutMs?: number,
): ((signal?: AbortSignal) => Promise<{ ok: boolean; reason: string }>) | undefined {
  const health = deps.env.health;
  if (!health) return undefined;
  return async (signal) => {
    const results = await Promise.all(deps.targets.map(async (target) => {
      const check = {
        ...health, url: healthUrl(health.url, target), successes: 1, maxAttempts: 1,
        ...(timeoutMs === undefined ? {} : { timeout: Math.min(health.timeout, timeoutMs) }),
      };
      const result = await deps.verifier.checkHealth(check, expected, { ...(deps.fetch ? { fetch: deps.fetch } : {}) });
      return { target: target.name, result };
    }));
    if (signal?.aborted) return { ok: false, reason: 'health check cancelled' };
    const failing = results.find((r) => !r.result.ok);
    if (!failing) return { ok: true, reason: results[0]?.result.reason ?? 'healthy' };
    return { ok: false, reason: deps.targets.length > 1 ? `${failing.target}: ${failing.result.reason}` : failing.result.reason };
  };
}
