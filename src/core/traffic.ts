/**
 * Blue/green: two slots of one environment, each running a version on its
 * own port, and a proxy that sends the traffic to one of them. Switching
 * back inside the warm window is a proxy change, not a restart. The proxy is
 * behind this port (src/traffic/: nginx, HAProxy); what the proxy says is
 * the truth about where traffic goes, never what the ledger believes.
 */
export type Slot = 'blue' | 'green';

export const SLOTS: readonly Slot[] = ['blue', 'green'];

export function otherSlot(slot: Slot): Slot {
  return slot === 'blue' ? 'green' : 'blue';
}

/** Where the proxy sends traffic now, as read from the proxy itself. */
export interface ProxyState {
  /** The slot that takes the traffic; null when none does or both do (a proxy edited by hand). */
  live: Slot | null;
  /** Each slot as the proxy has it: the address it sends to, and whether it sends traffic there. */
  slots: Record<Slot, { address: string | null; enabled: boolean }>;
  /** Where this was read: `upstream file /etc/nginx/conf.d/shop.conf`, `haproxy /run/haproxy.sock backend shop`. */
  source: string;
}

export interface TrafficProxy {
  readonly kind: string;
  /** What the proxy says now; throws (naming the proxy) when it cannot be read. */
  read(): Promise<ProxyState>;
  /**
   * Send all traffic to `slot`. Either it is done, or nothing changed and it
   * throws saying why (a config that does not validate, a reload refused, a
   * socket without permission). Returns one line for the step's output.
   */
  switchTo(slot: Slot): Promise<string>;
  /** What switchTo would do, without doing it (a drill). */
  describeSwitch(slot: Slot): string;
}
