/**
 * A blue/green plan's steps, batch by batch (the canary alone first), each
 * host's proxy switched in its own batch: start the version in its slot and
 * verify it there before any traffic moves, send the traffic to it, verify
 * through the proxy, then stop the slot left behind. Going back inside the
 * warm window has no start: the slot still runs the target.
 */
import { batchesOf, onHostsLabel, type FleetShape } from './fleet.js';
import type { PlanStep } from './plan.js';
import type { Slot } from './traffic.js';

export interface TrafficMove {
  version: string;
  sha: string | null;
  /** The slot that takes the traffic at the end. */
  slot: Slot;
  /** Start `version` in `slot` first; false when it already runs there (a switch back). */
  start: boolean;
  /** The slot to stop once the traffic left it (a rollback's failed slot); none on a deploy, which keeps it warm. */
  stop?: { slot: Slot; version: string };
}

export function trafficPlanSteps(move: TrafficMove, fleet: FleetShape): PlanStep[] {
  const { version, slot } = move;
  const batches = batchesOf(fleet.targets, fleet.canary, fleet.batch ?? fleet.targets.length);
  const reports = move.sha ? ` reports ${move.sha.slice(0, 7)}` : '';
  return batches.flatMap((hosts, index) => {
    const suffix = batches.length === 1 ? '' : `:batch-${index + 1}`;
    const on = onHostsLabel(hosts, fleet.targets);
    const final = index === batches.length - 1;
    const step = (id: string, kind: PlanStep['kind'], title: string, more: Partial<PlanStep> = {}): PlanStep =>
      ({ id: `${id}${suffix}`, kind, title: `${title}${on}`, version, hosts, final, slot, ...more });
    return [
      ...(move.start
        ? [
          step(`start:${version}:${slot}`, 'start', `start ${version} in the ${slot} slot`),
          step(`verify-slot:${version}:${slot}`, 'verify_slot', `verify ${version}${reports} in the ${slot} slot, before traffic moves`),
        ]
        : []),
      step(`route:${version}:${slot}`, 'route', `send traffic to the ${slot} slot (${version})`),
      step(`verify:${version}`, 'verify', `verify ${version}${reports} through the proxy`),
      ...(move.stop
        ? [step(`stop:${move.stop.slot}`, 'stop', `stop the ${move.stop.slot} slot (${move.stop.version})`,
          { slot: move.stop.slot, version: move.stop.version })]
        : []),
    ];
  });
}
