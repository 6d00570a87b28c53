/**
 * What a blue/green plan is made from, read from the proxies and the slots
 * themselves: which slot each host's proxy sends to, what each slot runs and
 * whether it passes its health check, and (from the ledger) when each slot
 * last stopped taking traffic, which starts its warm window.
 */
import type { Release } from '../core/release.js';
import type { Target, TargetTraffic } from '../core/target.js';
import { otherSlot, SLOTS, type Slot } from '../core/traffic.js';
import { fleetRollbackCase, trafficRollbackCase, trafficSplit, type SlotNow, type TrafficRollbackCase } from '../core/trafficCase.js';
import { proxyStateOrNone } from '../traffic/liveSlotDriver.js';
import type { EnvDeps } from './deps.js';
import { healthFor } from './healthFor.js';
import { onHosts } from './targets.js';

/** How far back the ledger is searched for the last switch of the traffic: runs, newest first. */
const RUNS_SEARCHED = 50;

type Traffic = Pick<EnvDeps, 'targets' | 'fleet'>;

/** Blue/green targets only; empty for an environment without `traffic:`. */
function slotted(deps: Traffic): Target[] {
  return deps.targets.filter((t) => t.traffic !== undefined);
}

function trafficOf(target: Target): TargetTraffic {
  return target.traffic as TargetTraffic;
}

/** The slot a deploy starts in: the one no host's proxy sends traffic to. Hosts that disagree are refused. */
export async function deploySlot(deps: Traffic): Promise<Slot | undefined> {
  const targets = slotted(deps);
  if (targets.length === 0) return undefined;
  const states = await onHosts(targets, deps.fleet.concurrency, (t) => proxyStateOrNone(trafficOf(t)));
  const failed = states.find((s) => !s.ok);
  if (failed?.error) throw failed.error;
  const live = states.map((s) => ({ host: s.host, live: s.value?.live ?? null }));
  if (new Set(live.map((l) => l.live)).size > 1) throw trafficSplit(live);
  const now = live[0]?.live ?? null;
  return now === null ? 'blue' : otherSlot(now);
}

/** How a rollback to `target` goes on every host, and why; undefined without `traffic:`. */
export async function rollbackTrafficCase(
  deps: EnvDeps, target: Pick<Release, 'version' | 'sha'>,
): Promise<TrafficRollbackCase | undefined> {
  const targets = slotted(deps);
  if (targets.length === 0) return undefined;
  // The ledger is read while the proxies and the slots answer: none of these reads waits for another.
  const routing = lastRouted(deps);
  // Awaited below in any case; until then a failure must not count as unhandled.
  routing.catch(() => undefined);
  const now = deps.clock.now().toISOString();
  const cases = await onHosts(targets, deps.fleet.concurrency, async (t) => {
    const [proxy, looks] = await Promise.all([
      proxyStateOrNone(trafficOf(t)),
      Promise.all(SLOTS.map((slot) => slotNow(deps, t, slot, target))),
    ]);
    const routed = (await routing).get(t.name);
    const slots = Object.fromEntries(SLOTS.map((slot, i) => [slot, { ...looks[i], idleSince: idleSince(routed, slot) }])) as
      Record<Slot, SlotNow>;
    return trafficRollbackCase({ proxy, slots, keepWarmMs: trafficOf(t).keepWarmMs, now }, target.version);
  });
  // The ledger's failure first, as when it was read before the hosts.
  await routing;
  const failed = cases.find((c) => !c.ok);
  if (failed?.error) throw failed.error;
  return fleetRollbackCase(cases.map((c) => ({ host: c.host, case: c.value as TrafficRollbackCase })));
}

async function slotNow(
  deps: EnvDeps, t: Target, slot: Slot, target: Pick<Release, 'version' | 'sha'>,
): Promise<Omit<SlotNow, 'idleSince'>> {
  const version = (await trafficOf(t).slots[slot].inspect()).version;
  if (version !== target.version) return { version, healthy: false };
  // One look, not a wait: a warm slot answers at once, and a rollback must not stall on one that does not.
  const health = healthFor(deps.env.health, t, slot);
  const result = health
    ? await deps.verifier.checkHealth({ ...health, successes: 1, maxAttempts: 1, timeout: Math.min(health.timeout, 2000) },
      { version: target.version, sha: target.sha }, { fetch: deps.fetch })
    : { ok: false };
  return { version, healthy: result.ok };
}

/** A slot went idle when the traffic was last sent to the other one. */
function idleSince(last: { slot: Slot; at: string } | undefined, slot: Slot): string | null {
  return last !== undefined && last.slot === otherSlot(slot) ? last.at : null;
}

/** Per host, the last finished step that sent its traffic to a slot, and when it finished. */
async function lastRouted(deps: EnvDeps): Promise<Map<string, { slot: Slot; at: string }>> {
  const found = new Map<string, { slot: Slot; at: string }>();
  const runs = await deps.ledger.listRuns({ app: deps.app, env: deps.envName, limit: RUNS_SEARCHED });
  for (const run of runs) {
    // A drill's steps are journaled as it rehearsed them: it sent no traffic anywhere.
    if (run.kind === 'drill') continue;
    const steps = (run.plan as { steps?: { kind: string; slot?: Slot; hosts?: string[] }[] } | null)?.steps ?? [];
    if (!steps.some((s) => s.kind === 'route')) continue;
    for (const record of await deps.ledger.listSteps(run.id)) {
      const step = steps[record.index];
      if (step?.kind !== 'route' || record.status !== 'succeeded' || !step.slot || !record.finishedAt) continue;
      for (const host of step.hosts ?? deps.targets.map((t) => t.name)) {
        const known = found.get(host);
        if (!known || known.at < record.finishedAt) found.set(host, { slot: step.slot, at: record.finishedAt });
      }
    }
  }
  return found;
}
