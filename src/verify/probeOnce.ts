import type { ProbeAnswer } from '../core/verification.js';
import { describeFetchFailure } from './fetchFailure.js';

export type { ProbeAnswer };

/** Ask an endpoint once whether it answers at all (a drill: the target is not running yet). */
export async function probeOnce(url: string, deps: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<ProbeAnswer> {
  const timeoutMs = deps.timeoutMs ?? 5000;
  try {
    const response = await (deps.fetch ?? fetch)(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { status: response.status, reason: null };
  } catch (error) {
    return { status: null, reason: describeFetchFailure(error, url, timeoutMs) };
  }
}
