/**
 * The watch's loop: at every interval, read every source once (all at once,
 * bounded by the interval), judge the tiers (core/watch), add the tick to the
 * run's compact history and save it when the verdict changes (and every few
 * seconds otherwise), until a tier 1 or 2 acts or the window ends. A tier-3
 * breach is recorded once per condition and watching goes on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { deadline } from '../../core/deadline.js';
import type { HeldLock } from '../../engine/envLock.js';
import type { ClosableWatchProbe, ConditionSource, Measurement, WatchConfig } from '../../core/watch/measurement.js';
import { sourceKey, trimWatchReadings, watchedSources } from '../../core/watch/readings.js';
import { assessTiers } from '../../core/watch/tiers.js';
import { addTick, tickLine, tickSegment, type WatchDecision, type WatchPlan } from '../../core/watch/watchPlan.js';
import { audit } from '../audit.js';
import type { EnvDeps } from '../deps.js';

/** The history is saved at least this often while the verdict stays the same: a resumed watch loses no more. */
const SAVE_EVERY_MS = 5000;
/** A tick's readings may take the interval, but never less than this: a Prometheus query over loopback needs a few ms. */
const MIN_READING_MS = 1000;

export async function watchTicks(
  deps: EnvDeps,
  runId: string,
  start: WatchPlan,
  config: WatchConfig,
  probe: ClosableWatchProbe,
  lock: HeldLock,
): Promise<WatchPlan> {
  const sources = watchedSources(config);
  const clock = () => deps.clock.now().getTime();
  const until = Date.parse(start.until);
  let plan = start;
  let readings = new Map<string, Measurement[]>();
  let saved = clock();
  const save = async (next: WatchPlan) => {
    await deps.ledger.updateRun(runId, { plan: next });
    saved = clock();
  };
  for (;;) {
    lock.assertHeld();
    const tickStarted = clock();
    const bound = deadline(Math.max(config.intervalMs, MIN_READING_MS));
    const measure = async (source: ConditionSource) => [sourceKey(source), await probe.measure(source, bound.signal)] as const;
    const taken = await Promise.all([...sources.values()].map(measure)).finally(bound.clear);
    for (const [key, reading] of taken) readings.set(key, [...(readings.get(key) ?? []), reading]);
    const now = clock();
    const assessment = assessTiers(config, readings, now);
    readings = trimWatchReadings(config, readings);
    const tick = tickSegment(assessment, new Date(now).toISOString());
    const before = plan.segments.length;
    plan = { ...plan, segments: addTick(plan.segments, tick) };
    const changed = plan.segments.length !== before;
    deps.events({ type: 'watch.tick', runId, line: tickLine(tick, until - now), changed });
    const triggered = assessment.triggered;
    if (triggered) {
      const decision: WatchDecision = {
        tier: triggered.tier, action: triggered.action, condition: triggered.condition.label, reason: triggered.verdict.reason,
        at: new Date(now).toISOString(),
      };
      if (triggered.action !== 'record') {
        plan = { ...plan, decision };
        await save(plan);
        return plan;
      }
      if (!plan.recorded.includes(decision.condition)) {
        plan = { ...plan, recorded: [...plan.recorded, decision.condition] };
        await audit(deps, 'watch.recorded', 'warning', { tier: 3, condition: decision.condition, reason: decision.reason }, runId);
        deps.events({ type: 'note', text: `tier 3 recorded (watching goes on): ${decision.reason}` });
        await save(plan);
      }
    }
    if (now >= until) {
      await save(plan);
      return plan;
    }
    if (changed || now - saved >= SAVE_EVERY_MS) await save(plan);
    const next = Math.min(config.intervalMs - (clock() - tickStarted), until - clock());
    if (next > 0) await sleep(next);
  }
}
