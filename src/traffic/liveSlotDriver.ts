/**
 * A blue/green host as the rest of rewind sees it: one Driver whose live
 * state is the slot the proxy sends traffic to, read from the proxy each
 * time (never from the ledger). Releases and images are shared by both
 * slots, so making one, checking one and pruning go through either slot;
 * pruning keeps what both slots run.
 */
import type { Driver, LiveState } from '../core/driver.js';
import { isRewindError } from '../core/errors.js';
import type { TargetTraffic } from '../core/target.js';
import { SLOTS, type ProxyState, type Slot } from '../core/traffic.js';

export function liveSlotDriver(traffic: Omit<TargetTraffic, 'url'>): Driver {
  const { slots } = traffic;
  const any = slots.blue;
  const liveSlot = async (): Promise<Slot | null> => (await proxyStateOrNone(traffic)).live;
  const live = async (): Promise<Driver> => slots[(await liveSlot()) ?? 'blue'];
  return {
    kind: any.kind,
    async inspect(): Promise<LiveState> {
      const proxy = await proxyStateOrNone(traffic);
      if (proxy.live === null) return { version: null, artifact: null, problems: proxyProblems(proxy) };
      const state = await slots[proxy.live].inspect();
      return { ...state, problems: state.problems.map((p) => `${proxy.live} slot: ${p}`) };
    },
    prepare: (version, options) => any.prepare(version, options),
    isPresent: (version, artifact) => any.isPresent(version, artifact),
    activate: async (version, run) => (await live()).activate(version, run),
    prune: async (protect) => {
      const running = await Promise.all(SLOTS.map(async (slot) => (await slots[slot].inspect()).version));
      return any.prune([...protect, ...running.filter((v): v is string => v !== null)]);
    },
    vars: async (version) => (await live()).vars(version),
    ...(any.madeReleases ? { madeReleases: () => (any.madeReleases as NonNullable<Driver['madeReleases']>)() } : {}),
    // Both slots are instances of one module: what one has, the other has too.
    ...(any.confirmRunning ? { confirmRunning: async (version: string, artifact: string | null) =>
      (await live()).confirmRunning?.(version, artifact) ?? '' } : {}),
    ...(any.snapshot ? { snapshot: async (dir: string) => (await live()).snapshot?.(dir) ?? [] } : {}),
    ...(any.describeActivate ? { describeActivate: async (version: string) =>
      (await live()).describeActivate?.(version) ?? `would point the live slot at ${version}` } : {}),
  };
}

/** The proxy as it is, where an nginx upstream file not written yet is a proxy that sends to no slot (a first deploy). */
export async function proxyStateOrNone(traffic: Pick<TargetTraffic, 'proxy'>): Promise<ProxyState> {
  try {
    return await traffic.proxy.read();
  } catch (error) {
    if (isRewindError(error) && error.details?.missing === true) {
      return { live: null, slots: { blue: { address: null, enabled: false }, green: { address: null, enabled: false } },
        source: String(error.message) };
    }
    throw error;
  }
}

function proxyProblems(proxy: ProxyState): string[] {
  const both = proxy.slots.blue.enabled && proxy.slots.green.enabled;
  return [both ? `the proxy sends traffic to both slots (${proxy.source})` : `the proxy sends traffic to no slot (${proxy.source})`];
}
