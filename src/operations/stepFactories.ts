/**
 * What each kind of plan step does: the one map from step kind to step
 * factory. Deploy, rollback, drill and resume all carry out plan.steps
 * through it (engine/executePlan), so what a plan shows is what runs.
 */
import type { StepFactories } from '../engine/executePlan.js';
import { diagnosticsStep } from './diagnosticsStep.js';
import { makeStep } from './makeStep.js';
import { migrateStep, revertStep } from './migrationSteps.js';
import { reloadStep, switchStep, verifyStep } from './releaseSteps.js';
import { deprecateStep, ensureStep, markStep } from './rollbackSteps.js';
import type { StepContext } from './stepContext.js';
import { routeStep, startStep, stopStep, verifySlotStep } from './slotSteps.js';

export const STEP_FACTORIES: StepFactories<StepContext> = {
  snapshot: diagnosticsStep,
  make: makeStep,
  migrate: migrateStep,
  ensure_release: ensureStep,
  migration: revertStep,
  switch: switchStep,
  reload: reloadStep,
  verify: verifyStep,
  mark: markStep,
  deprecate: deprecateStep,
  start: startStep,
  verify_slot: verifySlotStep,
  route: routeStep,
  stop: stopStep,
};
