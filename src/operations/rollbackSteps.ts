import { RewindError } from '../core/errors.js';
import { batchesOf } from '../core/fleet.js';
import type { PlanMigration } from '../core/plan.js';
import type { Release } from '../core/release.js';
import type { Step } from '../engine/runSteps.js';
import type { Verification } from '../core/verification.js';
import type { EnvDeps } from './deps.js';
import { revertSteps } from './migrationSteps.js';
import { reloadStep, switchStep, verifyStep } from './releaseSteps.js';
import type { Target } from '../core/target.js';
import { onHosts, settle } from './targets.js';

/**
 * The steps of a rollback from `from` to `to`, always the same list for the
 * same plan and hosts: a resumed run rebuilds it and skips what its journal
 * says is done. Every host is checked for the target first; then the hosts
 * change batch by batch (the canary alone first), each batch verified before
 * the next is touched. Migrations are reverted before the first switch,
 * with the failed release's code: the target's code may not have them.
 */
export function rollbackSteps(deps: EnvDeps, from: Release, to: Release, missingOn: readonly string[], onVerified: (v: Verification) => void, migrations: MigrationPlan = { migrations: [], runId: '' }): Step[] {
  return [
    ensureStep(deps, to, missingOn),
    ...revertSteps(deps, from, migrations.migrations, 1, migrations.runId, migrations.confirmedIndex),
    ...batchSteps(deps, to, onVerified),
    markStep(deps, from),
  ];
}

export interface MigrationPlan {
  migrations: readonly PlanMigration[];
  runId: string;
  /** The step index of a manual migration an operator confirmed having reverted (resume of a paused run). */
  confirmedIndex?: number;
}

/** Switch, reload and verify, batch by batch. */
export function batchSteps(deps: EnvDeps, release: Release, onVerified: (v: Verification) => void): Step[] {
  const byName = new Map(deps.targets.map((t) => [t.name, t]));
  const batches = batchesOf(deps.targets.map((t) => t.name), deps.fleet.canary, deps.fleet.batch);
  return batches.flatMap((names, index) => {
    const hosts = names.map((n) => byName.get(n) as Target);
    const reload = reloadStep(deps, release, hosts);
    const final = index === batches.length - 1;
    return [switchStep(deps, release, hosts, final), ...(reload ? [reload] : []), verifyStep(deps, release, hosts, final, onVerified)];
  });
}

/** `missingOn`: the hosts the plan found without the target, or with it damaged: they get it made again. */
function ensureStep(deps: EnvDeps, to: Release, missingOn: readonly string[]): Step {
  return {
    name: `check ${to.version} is present`,
    run: async () => {
      // prepare() reuses an intact release at once; a missing one (pruned, damaged, a new host)
      // is rebuilt from its source; the git driver builds the target in a scratch worktree first.
      const outcomes = await onHosts(deps.targets, deps.fleet.concurrency, async (t) => {
        const prepared = await t.driver.prepare(to.version, { rebuild: missingOn.includes(t.name) });
        if (to.sha && prepared.sha && prepared.sha !== to.sha) {
          throw new RewindError('STEP_FAILED', `${to.version} now gives commit ${prepared.sha.slice(0, 7)}, not the verified ${to.sha.slice(0, 7)}`);
        }
        return prepared.reused ? `${to.version} is present and intact` : `${to.version} was not ready: made from source`;
      });
      return settle(outcomes, (line) => line);
    },
    simulate: async () => {
      const outcomes = await onHosts(deps.targets, deps.fleet.concurrency, async (t) =>
        (await t.driver.isPresent(to.version)) ? `${to.version} is present and intact` : `${to.version} is missing: a real rollback would rebuild it from source first`);
      return settle(outcomes, (line) => line);
    },
  };
}

function markStep(deps: EnvDeps, from: Release): Step {
  return {
    name: `mark ${from.version} rolled_back`,
    run: async () => {
      await deps.ledger.updateRelease(from.id, { status: 'rolled_back', markedBadAt: deps.clock.now().toISOString() });
      return `${from.version} will not be chosen as a rollback target`;
    },
    simulate: async () => `would mark ${from.version} rolled_back`,
  };
}
