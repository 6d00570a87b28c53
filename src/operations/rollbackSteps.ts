import { RewindError } from '../core/errors.js';
import type { Release } from '../core/release.js';
import type { Step } from '../engine/runSteps.js';
import type { Verification } from '../verify/verifyRelease.js';
import type { EnvDeps } from './deps.js';
import { reloadStep, switchStep, verifyStep } from './releaseSteps.js';

/**
 * The steps of a rollback from `from` to `to`, always the same list for the
 * same plan: a resumed run rebuilds it and skips what its journal says is done.
 */
export function rollbackSteps(deps: EnvDeps, from: Release, to: Release, onVerified: (v: Verification) => void): Step[] {
  const reload = reloadStep(deps, to);
  return [
    ensureStep(deps, to),
    switchStep(deps, to),
    ...(reload ? [reload] : []),
    verifyStep(deps, to, onVerified),
    markStep(deps, from),
  ];
}

/** The name of the switch step, by which a journal tells whether the target was touched. */
export function switchStepName(to: Pick<Release, 'version'>): string {
  return `switch to ${to.version}`;
}

function ensureStep(deps: EnvDeps, to: Release): Step {
  return {
    name: `check ${to.version} is present`,
    run: async () => {
      if (await deps.driver.isPresent(to.version)) return `${to.version} is present and intact`;
      // Pruned or damaged: rebuild it from its source rather than switch to nothing.
      const prepared = await deps.driver.prepare(to.version);
      if (to.sha && prepared.sha && prepared.sha !== to.sha) {
        throw new RewindError('STEP_FAILED', `${to.version} was missing and its source now gives commit ${prepared.sha.slice(0, 7)}, not the verified ${to.sha.slice(0, 7)}`);
      }
      return `${to.version} was missing: rebuilt from source`;
    },
    simulate: async () =>
      (await deps.driver.isPresent(to.version))
        ? `${to.version} is present and intact`
        : `${to.version} is missing: a real rollback would rebuild it from source first`,
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
