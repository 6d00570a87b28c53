import { RewindError } from '../errors.js';
import { describePosition, requirePhase } from './phaseLookup.js';
import type { PhaseState, PhaseStatus, PipelineDefinition } from './phases.js';

export interface AdvancePlan {
  phase: string;
  /** The phase that starts next; undefined when the last phase was finished. */
  next?: string;
  changes: { phase: string; next: PhaseStatus }[];
}

/**
 * Finish the phase in progress and start the next one. Only the phase in
 * progress can be finished: finishing another would skip work silently.
 */
export function planAdvance(definition: PipelineDefinition, states: readonly PhaseState[], phase: string): AdvancePlan {
  const index = requirePhase(definition, phase, 'advance');
  const state = states[index]!;
  if (state.status !== 'in_progress') {
    const current = states.find((each) => each.status === 'in_progress');
    throw new RewindError(
      'PHASE_STATE',
      `${phase} is ${state.status}: only the phase in progress can be advanced (now in progress: ${describePosition(current)})`,
      { phase, status: state.status },
    );
  }
  const next = states[index + 1];
  return {
    phase,
    next: next?.id,
    changes: [{ phase, next: 'done' }, ...(next ? [{ phase: next.id, next: 'in_progress' as const }] : [])],
  };
}
