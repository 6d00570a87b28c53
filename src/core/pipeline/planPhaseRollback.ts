/**
 * Which phases a rollback invalidates and whether it may happen at all:
 * pure, so every rule of seed 004 is decided here and tested without files.
 */
import { RewindError } from '../errors.js';
import { describePosition, requirePhase } from './phaseLookup.js';
import {
  furthestReached,
  type PhaseRollbackEntry,
  type PhaseState,
  type PhaseStatus,
  type PipelineDefinition,
  type RollbackTrigger,
} from './phases.js';

/** More phases than this rolled back at once needs someone to confirm. */
export const CONFIRM_ABOVE_PHASES = 2;
/** Rollbacks to one phase before the next one needs a fundamental reassessment. */
export const ESCALATION_LIMIT = 2;

export interface PhaseRollbackRequest {
  from: string;
  to: string;
  reason: string;
  trigger: RollbackTrigger;
  revisionTargets: readonly string[];
  overrideEscalation: boolean;
  /** Who is asking (REWIND_USER, git user.email, OS user). */
  actor: string;
}

export interface PhaseRollbackPlan {
  from: string;
  to: string;
  reason: string;
  trigger: RollbackTrigger;
  revisionTargets: string[];
  /** The phases that become ROLLED_BACK: after the target, up to and including the from-phase. */
  phases: string[];
  changes: { phase: string; next: PhaseStatus }[];
  needsConfirmation: boolean;
  /** Rollbacks to the target that happened before this one. */
  priorRollbacksToTarget: number;
  /** This rollback goes past the escalation limit on an approver's say-so. */
  escalationOverride: boolean;
}

/**
 * Everything that can be judged from the request and the config alone. It
 * runs before the ledger is opened, so bad input leaves nothing behind.
 */
export function checkPhaseRollbackRequest(definition: PipelineDefinition, request: PhaseRollbackRequest): void {
  if (request.reason.trim() === '') {
    throw new RewindError('USAGE', '--reason is required: say why the pipeline goes back (it is written into the rollback record)');
  }
  if (request.revisionTargets.some((target) => target.trim() === '')) {
    throw new RewindError('USAGE', '--revise needs a text naming what must be revised');
  }
  const from = requirePhase(definition, request.from, '--from');
  const to = requirePhase(definition, request.to, '--to');
  if (to >= from) {
    throw new RewindError(
      'PHASE_ORDER',
      `--to ${request.to} is not earlier than --from ${request.from}: a rollback goes back to an earlier phase`,
      { from: request.from, to: request.to },
    );
  }
  if (definition.paths !== undefined && !definition.paths.some((path) => path.from === request.from && path.to === request.to)) {
    const allowed = definition.paths.filter((path) => path.from === request.from).map((path) => path.to);
    const hint = allowed.length > 0 ? `from ${request.from} only to: ${allowed.join(', ')}` : `none from ${request.from}`;
    throw new RewindError(
      'PHASE_PATH_NOT_ALLOWED',
      `rollback ${request.from} -> ${request.to} is not in pipeline.paths (allowed ${hint})`,
      { from: request.from, to: request.to },
    );
  }
  if (request.overrideEscalation && !definition.approvers.includes(request.actor)) {
    throw new RewindError(
      'APPROVAL_REFUSED',
      `--override-escalation is for pipeline.approvers only, and ${request.actor} is not one ` +
        `(${definition.approvers.length > 0 ? definition.approvers.join(', ') : 'the list is empty'})`,
      { actor: request.actor },
    );
  }
}

/** The rollback, given where the pipeline is and the rollbacks the ledger holds. */
export function planPhaseRollback(
  definition: PipelineDefinition,
  states: readonly PhaseState[],
  rollbacks: readonly PhaseRollbackEntry[],
  request: PhaseRollbackRequest,
): PhaseRollbackPlan {
  checkPhaseRollbackRequest(definition, request);
  const furthest = furthestReached(states);
  if (furthest?.id !== request.from) {
    // Rolling back from behind the furthest phase would leave later work standing on invalidated work.
    throw new RewindError(
      'PHASE_STATE',
      `cannot roll back from ${request.from}: a rollback starts from the furthest phase reached (now: ${describePosition(furthest)})`,
      { from: request.from, furthest: furthest?.id ?? null },
    );
  }
  const prior = rollbacks.filter((rollback) => rollback.toPhase === request.to);
  const escalated = prior.length >= ESCALATION_LIMIT;
  if (escalated && !request.overrideEscalation) {
    const when = prior.map((rollback) => `${rollback.fromPhase} at ${rollback.at}`).join(', ');
    throw new RewindError(
      'PHASE_ESCALATION',
      `${request.to} was already rolled back to ${prior.length} times (from ${when}): ` +
        `stop and reassess the pipeline fundamentally instead of a rollback number ${prior.length + 1}; ` +
        'an approver may pass --override-escalation',
      { to: request.to, priorRollbacks: prior.length },
    );
  }
  const fromIndex = states.findIndex((state) => state.id === request.from);
  const toIndex = states.findIndex((state) => state.id === request.to);
  const phases = states.slice(toIndex + 1, fromIndex + 1).map((state) => state.id);
  return {
    from: request.from,
    to: request.to,
    reason: request.reason.trim(),
    trigger: request.trigger,
    revisionTargets: request.revisionTargets.map((target) => target.trim()),
    phases,
    changes: [{ phase: request.to, next: 'in_progress' }, ...phases.map((phase) => ({ phase, next: 'ROLLED_BACK' as const }))],
    needsConfirmation: phases.length > CONFIRM_ABOVE_PHASES,
    priorRollbacksToTarget: prior.length,
    escalationOverride: escalated,
  };
}
