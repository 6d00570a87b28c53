import { stepFailed } from '../core/stepFailed.js';
import type { PlanStep } from '../core/plan.js';
import type { Step } from '../engine/runSteps.js';
import type { StepContext } from './stepContext.js';
import { onHosts, settle } from './targets.js';

/**
 * The steps only a rollback has: make sure the target is there on every
 * host before anything changes, and, once the target is verified, mark the
 * failed release so it is never chosen again.
 */

/** Targets the plan found without the target, or with it damaged, get it made again. */
export function ensureStep(_step: PlanStep, ctx: StepContext): Step {
  const { deps, release: to, missingOn } = ctx;
  return {
    name: `check ${to.version} is present`,
    run: async () => {
      // prepare() reuses an intact release at once; a missing one (pruned, damaged, a new host)
      // is rebuilt from its source; the git driver builds the target in a scratch worktree first.
      const outcomes = await onHosts(deps.targets, deps.fleet.concurrency, async (t) => {
        const prepared = await t.driver.prepare(to.version, { rebuild: missingOn.includes(t.name), run: ctx.run });
        if (to.sha && prepared.sha && prepared.sha !== to.sha) {
          throw stepFailed('commitChanged', { version: to.version, now: prepared.sha, verified: to.sha });
        }
        return prepared.reused ? `${to.version} is present and intact` : `${to.version} was not ready: made from source`;
      });
      return settle(outcomes, (line) => line);
    },
    simulate: async () => {
      const outcomes = await onHosts(deps.targets, deps.fleet.concurrency, async (t) =>
        (await t.driver.isPresent(to.version))
          ? `${to.version} is present and intact`
          : `${to.version} is missing: a real rollback would rebuild it from source first`);
      return settle(outcomes, (line) => line);
    },
  };
}

export function markStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, leaving } = ctx;
  return {
    name: `mark ${step.version} rolled_back`,
    run: async () => {
      if (leaving) await deps.ledger.updateRelease(leaving.id, { status: 'rolled_back', markedBadAt: deps.clock.now().toISOString() });
      return `${step.version} will not be chosen as a rollback target`;
    },
    simulate: async () => `would mark ${step.version} rolled_back`,
  };
}

/** After the target is verified: the failed version is deprecated where it is published, so nobody installs it by mistake. */
export function deprecateStep(step: PlanStep, ctx: StepContext): Step {
  const { deps } = ctx;
  const message = step.message ?? '';
  return {
    name: `deprecate ${step.version}`,
    run: async () => {
      const outcomes = await onHosts(deps.targets, deps.fleet.concurrency, async (t) => {
        if (!t.driver.deprecate) throw new Error(`the ${deps.driverKind} driver cannot deprecate a version`);
        return t.driver.deprecate(step.version, message);
      });
      return settle(outcomes, (line) => line);
    },
    simulate: async () => `would deprecate ${step.version}: "${message}"`,
  };
}
