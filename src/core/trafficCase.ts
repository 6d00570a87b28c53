/**
 * How a blue/green rollback goes back, decided from what the proxy and the
 * slots say (never from the ledger alone). Inside the warm window, with the
 * slot the proxy left still running the target and healthy, going back is a
 * proxy switch: no start-up, no gap. Otherwise the target is started in the
 * idle slot and verified there first, then the proxy switches. Pure: the plan
 * says which case it is and why.
 */
import { RewindError } from './errors.js';
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

/**
 * One case for a fleet, from each host's: a switch back only when every
 * host can switch back to the same slot; else the target starts in the
 * idle slot everywhere (starting it again where it is warm costs a start
 * on a slot that takes no traffic, never a gap). Hosts whose proxies send
 * to different slots cannot share one plan: refused, naming them.
 */
export function fleetRollbackCase(cases: readonly { host: string; case: TrafficRollbackCase }[]): TrafficRollbackCase {
  const [first] = cases;
  if (first === undefined) throw new RewindError('INTERNAL', 'a blue/green rollback without hosts');
  const split = cases.filter((c) => c.case.slot !== first.case.slot || c.case.failed !== first.case.failed);
  if (split.length > 0) throw trafficSplit(cases.map((c) => ({ host: c.host, live: c.case.failed })));
  if (cases.length === 1) return first.case;
  const cold = cases.filter((c) => c.case.kind === 'start_then_switch');
  if (cold.length === 0) return { ...first.case, why: `on every host, ${first.case.why}` };
  const why = cold.map((c) => `${c.host}: ${c.case.why}`).join('; ');
  return { kind: 'start_then_switch', slot: first.case.slot, failed: first.case.failed, why };
}

/** Hosts whose proxies send traffic to different slots: which slot is idle has no one answer. */
export function trafficSplit(hosts: readonly { host: string; live: Slot | null }[]): RewindError {
  const said = hosts.map((h) => `${h.host} sends to ${h.live ?? 'no single slot'}`).join(', ');
  return new RewindError('TRAFFIC_SPLIT', `the hosts' proxies disagree (${said}): one plan cannot say which slot is idle; ` +
    'set them to one slot by hand (`rewind status` shows each), then run again', { hosts });
}
