/**
 * How a blue/green rollback goes back, decided from what the proxy and the
 * slots say (never from the ledger alone). Inside the warm window, with the
 * slot the proxy left still running the target and healthy, going back is a
 * proxy switch: no start-up, no gap. Otherwise the target is started in the
 * idle slot and verified there first, then the proxy switches. Pure: the plan
 * says which case it is and why.
 */
import { otherSlot, type ProxyState, type Slot } from './traffic.js';

export interface SlotNow {
  /** The version the slot runs, as the driver and its health check find it; null when nothing answers there. */
  version: string | null;
  healthy: boolean;
  /** ISO: when the proxy last stopped sending traffic to this slot; null when unknown or it never had any. */
  idleSince: string | null;
}

export interface TrafficFacts {
  proxy: ProxyState;
  slots: Record<Slot, SlotNow>;
  keepWarmMs: number;
  now: string;
}

export type TrafficRollbackCase =
  /** Switch the proxy back to `slot`, which runs the target; then stop `failed`. */
  | { kind: 'switch_back'; slot: Slot; failed: Slot; why: string }
  /** Start the target in `slot` (the idle one), verify it there, then switch; then stop `failed`. */
  | { kind: 'start_then_switch'; slot: Slot; failed: Slot; why: string };

export function trafficRollbackCase(facts: TrafficFacts, target: string): TrafficRollbackCase {
  const live = facts.proxy.live;
  if (live === null) {
    // Nothing (or both) takes the traffic: start the target in blue, the fixed choice, and let the switch settle it.
    const why = `the proxy sends traffic to no single slot (${facts.proxy.source})`;
    return { kind: 'start_then_switch', slot: 'blue', failed: 'green', why };
  }
  const warm = otherSlot(live);
  const slot = facts.slots[warm];
  const cold = (why: string): TrafficRollbackCase => ({ kind: 'start_then_switch', slot: warm, failed: live, why });
  if (slot.version !== target) {
    return cold(slot.version === null ? `the ${warm} slot runs nothing` : `the ${warm} slot runs ${slot.version}, not ${target}`);
  }
  if (!slot.healthy) return cold(`the ${warm} slot runs ${target} but does not pass its health check`);
  if (slot.idleSince === null) return cold(`when the ${warm} slot left the traffic is not known, so it is not counted as warm`);
  const idleMs = Date.parse(facts.now) - Date.parse(slot.idleSince);
  if (idleMs > facts.keepWarmMs) {
    return cold(`the ${warm} slot runs ${target}, but its warm window ended ${Math.round((idleMs - facts.keepWarmMs) / 1000)}s ago ` +
      `(keep_warm ${Math.round(facts.keepWarmMs / 1000)}s)`);
  }
  return { kind: 'switch_back', slot: warm, failed: live, why: `the ${warm} slot still runs ${target}, healthy, ` +
    `${Math.round(idleMs / 1000)}s into its ${Math.round(facts.keepWarmMs / 1000)}s warm window` };
}

/** Where a blue/green deploy starts the new version: the slot the proxy does not send traffic to. */
export function idleSlot(proxy: ProxyState): Slot {
  return proxy.live === null ? 'blue' : otherSlot(proxy.live);
}
