import type { HealthConfig } from '../config/schema/health.js';
import type { Target } from '../core/target.js';
import { expandItem } from '../core/template.js';
import type { Slot } from '../core/traffic.js';

/**
 * The health URL as it applies to one host: `{host}` becomes that host's
 * address. Blue/green: a slot is checked on its own port (`{port}`, before
 * traffic moves to it); otherwise what users reach is checked, through the proxy.
 */
export function healthUrl(url: string, target: Target, slot?: Slot): string {
  const traffic = target.traffic;
  if (!traffic) return expandItem(url, { host: target.address });
  if (slot === undefined) return traffic.url;
  return expandItem(url, { host: target.address, slot, port: String(traffic.ports[slot]) });
}

/** The health check as it applies to one host (and slot): see healthUrl. */
export function healthFor(health: HealthConfig | undefined, target: Target, slot?: Slot): HealthConfig | undefined {
  return health ? { ...health, url: healthUrl(health.url, target, slot) } : undefined;
}
