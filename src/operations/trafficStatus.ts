/**
 * Blue/green as `status` shows it, read from the proxy and the slots
 * themselves: where the proxy sends traffic (nginx: its upstream file;
 * HAProxy: `show servers state`), and for each slot its port, the version
 * its driver finds there and one look at its health on its own port.
 */
import type { Target } from '../core/target.js';
import { SLOTS, type ProxyState, type Slot } from '../core/traffic.js';
import type { HealthResult } from '../core/verification.js';
import { proxyStateOrNone } from '../traffic/liveSlotDriver.js';
import type { EnvDeps } from './deps.js';
import { healthFor } from './healthFor.js';

export interface SlotStatus {
  port: number;
  /** What the slot's driver finds there (its link, its container); null: nothing. */
  version: string | null;
  /** One look at its health on its own port; null without a health check. */
  health: HealthResult | null;
  /** Whether the proxy sends traffic to it. */
  live: boolean;
}

export interface TrafficStatus {
  /** null when the proxy could not be read: `proxyError` says why. */
  proxy: ProxyState | null;
  proxyError?: string;
  slots: Record<Slot, SlotStatus>;
}

/** How long one look at a slot may take: status reports, it does not wait for a slot to come up. */
const SLOT_PROBE_MS = 2000;

export async function trafficStatusOf(
  deps: Pick<EnvDeps, 'env' | 'verifier' | 'fetch'>, target: Target,
): Promise<TrafficStatus | undefined> {
  const traffic = target.traffic;
  if (!traffic) return undefined;
  const proxy: { state: ProxyState | null; error?: string } = await proxyStateOrNone(traffic).then(
    (state) => ({ state }),
    (error: Error) => ({ state: null, error: error.message }),
  );
  const slots = await Promise.all(SLOTS.map(async (slot): Promise<[Slot, SlotStatus]> => {
    const version = await traffic.slots[slot].inspect().then((s) => s.version, () => null);
    const health = healthFor(deps.env.health, target, slot);
    const result = health
      ? await deps.verifier.checkHealth(
        { ...health, expect_version: false, successes: 1, maxAttempts: 1, timeout: Math.min(health.timeout, SLOT_PROBE_MS) },
        { version: version ?? '', sha: null }, { fetch: deps.fetch },
      )
      : null;
    return [slot, { port: traffic.ports[slot], version, health: result, live: proxy.state?.slots[slot].enabled ?? false }];
  }));
  return {
    proxy: proxy.state,
    ...(proxy.error === undefined ? {} : { proxyError: proxy.error }),
    slots: Object.fromEntries(slots) as Record<Slot, SlotStatus>,
  };
}
