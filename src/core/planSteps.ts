/**
 * The steps of a plan, with stable ids: the plan is the program. The engine
 * builds what runs from these (one factory per kind), journals each step by
 * its id and resumes by it, so what plan.md shows is what runs.
 */
import { batchesOf, onHostsLabel, type FleetShape } from './fleet.js';
import type { PlanMigration, PlanStep } from './plan.js';
import { trafficPlanSteps } from './trafficSteps.js';
import type { TrafficRollbackCase } from './trafficCase.js';
import type { Slot } from './traffic.js';

export type { FleetShape } from './fleet.js';

/** Switch, reload and verify, batch by batch (the canary alone first); one batch has no batch suffix. */
export function batchPlanSteps(version: string, sha: string | null, fleet: FleetShape, reload: boolean): PlanStep[] {
  const batches = batchesOf(fleet.targets, fleet.canary, fleet.batch ?? fleet.targets.length);
  return batches.flatMap((hosts, index) => {
    const suffix = batches.length === 1 ? '' : `:batch-${index + 1}`;
    const on = onHostsLabel(hosts, fleet.targets);
    const final = index === batches.length - 1;
    const steps: PlanStep[] = [
      { id: `switch:${version}${suffix}`, kind: 'switch', title: `switch to ${version}${on}`, version, hosts, final },
    ];
    if (reload) steps.push({ id: `reload:${version}${suffix}`, kind: 'reload', title: `reload the app${on}`, version, hosts, final });
    steps.push({
      id: `verify:${version}${suffix}`,
      kind: 'verify',
      title: `verify ${version}${sha ? ` reports ${sha.slice(0, 7)}` : ''}${on}`,
      version,
      hosts,
      final,
    });
    return steps;
  });
}

export interface RollbackStepFacts {
  from: { version: string };
  to: { version: string; sha: string | null };
  migrations: readonly PlanMigration[];
  missingOn: readonly string[];
  fleet: FleetShape;
  reload: boolean;
  /** Diagnostics are configured: they capture the failed release first (see operations/diagnosticsStep). */
  diagnostics?: boolean;
  /** Deprecate the failed version with this message once the target is verified (`--deprecate-failed`). */
  deprecate?: string;
  /** Blue/green: how the traffic goes back to the target. */
  traffic?: TrafficRollbackCase;
}

export function rollbackPlanSteps(facts: RollbackStepFacts): PlanStep[] {
  const { from, to, missingOn } = facts;
  return [
    ...(facts.diagnostics
      ? [{ id: `snapshot:${from.version}`, kind: 'snapshot' as const, title: `capture diagnostics of ${from.version}`,
        version: from.version }]
      : []),
    {
      id: `ensure:${to.version}`,
      kind: 'ensure_release',
      title: `check ${to.version} is present and intact${missingOn.length > 0 ? ` (rebuild it on ${missingOn.join(', ')})` : ''}`,
      version: to.version,
    },
    ...facts.migrations.map((m): PlanStep => ({
      id: `migration:${m.id}`,
      kind: 'migration',
      title:
        m.reversibility === 'manual'
          ? `pause: an operator reverts migration ${m.id}, then \`rewind resume\``
          : `revert migration ${m.id} with ${from.version}'s down step`,
      version: from.version,
      migration: m.id,
    })),
    ...(facts.traffic
      ? trafficPlanSteps({
        version: to.version, sha: to.sha, slot: facts.traffic.slot, start: facts.traffic.kind === 'start_then_switch',
        stop: { slot: facts.traffic.failed, version: from.version },
      }, facts.fleet)
      : batchPlanSteps(to.version, to.sha, facts.fleet, facts.reload)),
    { id: `mark:${from.version}`, kind: 'mark', title: `mark ${from.version} rolled_back`, version: from.version },
    ...(facts.deprecate === undefined
      ? []
      : [{ id: `deprecate:${from.version}`, kind: 'deprecate' as const, title: `deprecate ${from.version}: "${facts.deprecate}"`,
        version: from.version, message: facts.deprecate }]),
  ];
}

export interface DeployStepFacts {
  version: string;
  migrations: boolean;
  fleet: FleetShape;
  reload: boolean;
  /** Blue/green: the idle slot the version starts in. */
  slot?: Slot;
}

export function deployPlanSteps(facts: DeployStepFacts): PlanStep[] {
  const { version } = facts;
  return [
    { id: `make:${version}`, kind: 'make', title: `make release ${version}`, version },
    ...(facts.migrations
      ? [{ id: `migrate:${version}`, kind: 'migrate', title: `migrate the database for ${version}`, version } satisfies PlanStep]
      : []),
    ...(facts.slot ? trafficPlanSteps({ version, sha: null, slot: facts.slot, start: true }, facts.fleet)
      : batchPlanSteps(version, null, facts.fleet, facts.reload)),
  ];
}

