import type { PhaseState } from '../../core/pipeline/phases.js';
import { requirePhase } from '../../core/pipeline/phaseLookup.js';
import { reentryContext } from '../../core/pipeline/reentryContext.js';
import type { PipelineDeps } from './pipelineDeps.js';
import { currentStates } from './pipelineFiles.js';

export interface PipelineStatus {
  app: string;
  phases: (PhaseState & { rollbacksTo: number })[];
  rollbacks: number;
}

/** Every phase with its status and how often the pipeline came back to it. */
export async function pipelineStatus(deps: PipelineDeps): Promise<PipelineStatus> {
  const rollbacks = await deps.ledger.listPhaseRollbacks(deps.app);
  const states = await currentStates(deps);
  return {
    app: deps.app,
    phases: states.map((state) => ({ ...state, rollbacksTo: rollbacks.filter((rollback) => rollback.toPhase === state.id).length })),
    rollbacks: rollbacks.length,
  };
}

/** The re-entry context of a phase, from the ledger (the same text the rollback wrote). */
export async function phaseContext(deps: PipelineDeps, phase: string): Promise<string> {
  requirePhase(deps.definition, phase, 'context');
  return reentryContext(deps.definition, phase, await deps.ledger.listPhaseRollbacks(deps.app));
}
