import type { DeployPlan, PlanStep, RollbackPlan } from '../core/plan.js';
import { deployPlanSteps, rollbackPlanSteps, type FleetShape } from '../core/planSteps.js';
import type { EnvDeps } from './deps.js';
import type { Slot } from '../core/traffic.js';

/** How the environment's targets change together, for planning. */
export function fleetShape(deps: Pick<EnvDeps, 'targets' | 'fleet'>): FleetShape {
  return { targets: deps.targets.map((t) => t.name), canary: deps.fleet.canary, batch: deps.fleet.batch };
}

/** A rollback plan's steps; a plan saved before steps had ids gets them made again from the same facts. */
export function rollbackStepsOf(deps: Pick<EnvDeps, 'targets' | 'fleet' | 'env'>, plan: RollbackPlan): PlanStep[] {
  if (plan.steps.every((s) => typeof s.id === 'string')) return plan.steps;
  return rollbackPlanSteps({
    from: plan.from,
    to: plan.to,
    migrations: plan.migrations ?? [],
    missingOn: plan.missingOn ?? [],
    fleet: fleetShape(deps),
    reload: deps.env.reload !== undefined,
    diagnostics: deps.env.diagnostics.length > 0 || deps.targets.some((t) => t.driver.snapshot !== undefined),
    ...(plan.traffic ? { traffic: plan.traffic } : {}),
  });
}

type DeployDeps = Pick<EnvDeps, 'targets' | 'fleet' | 'env' | 'migrations'>;

/** The steps a deploy of `version` to this environment carries out; blue/green: starting in `slot`, the idle one. */
export function deployStepsFor(deps: DeployDeps, version: string, slot?: Slot): PlanStep[] {
  return deployPlanSteps({
    version,
    migrations: deps.migrations !== undefined,
    fleet: fleetShape(deps),
    reload: deps.env.reload !== undefined,
    ...(slot ? { slot } : {}),
  });
}

/** A deploy plan's steps; a plan saved before steps had ids gets them made again. */
export function deployStepsOf(deps: DeployDeps, plan: DeployPlan): PlanStep[] {
  return plan.steps ?? deployStepsFor(deps, plan.version, plan.slot);
}
