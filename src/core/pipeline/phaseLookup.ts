import { RewindError } from '../errors.js';
import { phaseIndex, type PhaseState, type PipelineDefinition } from './phases.js';

/** The index of a phase named on the command line, or the one-line error that names the flag. */
export function requirePhase(definition: PipelineDefinition, id: string, named: string): number {
  const index = phaseIndex(definition, id);
  if (index < 0) {
    const known = definition.phases.map((phase) => phase.id).join(', ');
    throw new RewindError(
      'PHASE_UNKNOWN',
      `unknown phase ${JSON.stringify(id)} for ${named} (expected one of: ${known})`,
      { phase: id, phases: definition.phases.map((phase) => phase.id) },
    );
  }
  return index;
}

/** "P5 (in_progress)", or "none" when there is no such phase. */
export function describePosition(state: PhaseState | undefined): string {
  return state ? `${state.id} (${state.status})` : 'none';
}
