import type { RunContext } from '../core/driver.js';
import type { PlanMigration, PlanStep, RollbackPlan } from '../core/plan.js';
import type { Release } from '../core/release.js';
import type { Target } from '../core/target.js';
import type { Verification } from '../core/verification.js';
import type { EnvDeps } from './deps.js';

/** What every step factory is handed: the run, and the releases it moves between. */
export interface StepContext {
  deps: EnvDeps;
  run: RunContext;
  /** The release the run switches to: a rollback's target, a deploy's new release. */
  release: Release;
  /** A rollback's failed release: its code reverts migrations, and it is marked rolled_back. */
  leaving?: Release;
  /** A rollback's migrations to revert, as its plan lists them. */
  migrations: readonly PlanMigration[];
  /** Targets the plan found without the target release (present and intact): it is made again there. */
  missingOn: readonly string[];
  /** The manual migration step whose pause an operator confirmed (resume of a paused run). */
  confirmedStepId?: string;
  /** Each host's verification, for the report. */
  onVerified(verification: Verification): void;
}

/** A rollback's context: from the failed release (whose code reverts migrations) to the target. */
export function rollbackStepContext(
  deps: EnvDeps, runId: string, from: Release, to: Release, plan: Pick<RollbackPlan, 'migrations' | 'missingOn'>,
  more: Pick<StepContext, 'onVerified' | 'confirmedStepId'> & { reportDir: string },
): StepContext {
  return {
    deps,
    run: {
      runId, user: deps.user, previousVersion: from.version, targetArtifact: to.artifact, reportDir: more.reportDir, kind: 'rollback',
    },
    release: to, leaving: from,
    migrations: plan.migrations ?? [], missingOn: plan.missingOn ?? [], ...more,
  };
}

/** The targets a plan step acts on: its hosts, or every target. */
export function targetsOf(step: PlanStep, deps: Pick<EnvDeps, 'targets'>): Target[] {
  if (!step.hosts) return deps.targets;
  const wanted = new Set(step.hosts);
  return deps.targets.filter((t) => wanted.has(t.name));
}
