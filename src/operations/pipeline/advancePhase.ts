import { guardedChanges, effectiveStatuses, type PhaseState } from '../../core/pipeline/phases.js';
import { planAdvance } from '../../core/pipeline/planAdvance.js';
import type { PipelineDeps } from './pipelineDeps.js';
import { auditPipeline, writeStateMirror } from './pipelineFiles.js';
import { stateFile } from './pipelineLayout.js';

export interface AdvanceResult {
  phase: string;
  next?: string;
  states: PhaseState[];
}

/** `rewind pipeline advance P4`: P4 done, the next phase in progress. */
export async function advancePhase(deps: PipelineDeps, phase: string): Promise<AdvanceResult> {
  const stored = await deps.ledger.listPhaseStatuses(deps.app);
  const plan = planAdvance(deps.definition, effectiveStatuses(deps.definition, stored), phase);
  await deps.files.assertWritable(stateFile(deps));
  const at = deps.clock.now().toISOString();
  await deps.ledger.changePhases({ app: deps.app, at, by: deps.user, statuses: guardedChanges(plan.changes, stored) });
  await auditPipeline(deps, 'pipeline.advance', at, { phase: plan.phase, next: plan.next ?? null });
  await writeStateMirror(deps, at);
  return { phase: plan.phase, next: plan.next, states: effectiveStatuses(deps.definition, await deps.ledger.listPhaseStatuses(deps.app)) };
}
