import type { PlanStep } from '../core/plan.js';
import type { Step } from '../engine/runSteps.js';
import type { StepContext } from './stepContext.js';
import { onHosts, settle } from './targets.js';

/** Deploy: make the release on every target; the sha the source gives, and its commit time when known, are recorded on it. */
export function makeStep(_step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  return {
    name: `make release ${release.version}`,
    run: async () => {
      const outcomes = await onHosts(deps.targets, deps.fleet.concurrency, (t) => t.driver.prepare(release.version, { run: ctx.run }));
      const prepared = outcomes.find((o) => o.ok)?.value;
      if (prepared) {
        // The later steps hold this same object, so they see the sha once it is known.
        const committed = prepared.committedAt ? { committedAt: prepared.committedAt } : {};
        const made = { sha: prepared.sha, artifact: prepared.artifact, ...committed };
        Object.assign(release, made);
        await deps.ledger.updateRelease(release.id, made);
      }
      return settle(outcomes, (p) => `${p.reused ? 'reused' : 'made'} ${p.artifact}${p.sha ? ` at ${p.sha.slice(0, 7)}` : ''}`);
    },
  };
}
