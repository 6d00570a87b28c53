/**
 * A multi-phase pipeline (seed 004): phases P1..Pn in order, each with a
 * status kept in the ledger. Pure types and lookups; no I/O.
 */
export const PHASE_STATUSES = ['pending', 'in_progress', 'done', 'ROLLED_BACK'] as const;

export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export const ROLLBACK_TRIGGERS = ['gate', 'user', 'blocker'] as const;

export type RollbackTrigger = (typeof ROLLBACK_TRIGGERS)[number];

export interface PhaseDefinition {
  id: string;
  name: string;
}

/** The `pipeline:` section of rewind.yaml, as the pure logic needs it. */
export interface PipelineDefinition {
  phases: readonly PhaseDefinition[];
  /** When set, the only rollbacks allowed; when absent, any earlier phase is a valid target. */
  paths?: readonly { from: string; to: string }[];
  /** Who may pass --override-escalation. */
  approvers: readonly string[];
}

export interface PhaseState extends PhaseDefinition {
  status: PhaseStatus;
}

/** A phase status as the ledger stores it. */
export interface StoredPhaseStatus {
  phase: string;
  status: PhaseStatus;
  updatedAt: string;
  updatedBy: string;
}

export interface ArtifactDigest {
  /** Relative to the config file's directory, with `/` separators. */
  path: string;
  sha256: string;
}

/** One phase rollback as the ledger keeps it: the escalation rule counts these. */
export interface PhaseRollbackEntry {
  id: string;
  fromPhase: string;
  toPhase: string;
  /** The phases marked ROLLED_BACK, in pipeline order. */
  phases: string[];
  reason: string;
  trigger: RollbackTrigger;
  revisionTargets: string[];
  artifacts: ArtifactDigest[];
  /** True when it went past the escalation limit with --override-escalation. */
  escalationOverride: boolean;
  actor: string;
  at: string;
}

/** A status change the store applies only if the phase still has `expected` (null: no row yet). */
export interface PhaseStatusChange {
  phase: string;
  expected: PhaseStatus | null;
  next: PhaseStatus;
}

/** One atomic change of a pipeline: its statuses and, for a rollback, the rollback row. */
export interface PhaseChange {
  app: string;
  at: string;
  by: string;
  statuses: PhaseStatusChange[];
  rollback?: PhaseRollbackEntry;
}

export function phaseIndex(definition: PipelineDefinition, id: string): number {
  return definition.phases.findIndex((phase) => phase.id === id);
}

/**
 * The status of every phase, in pipeline order. A phase without a row is
 * pending, except that a pipeline nobody has touched starts at its first
 * phase: there is always somewhere to begin.
 */
export function effectiveStatuses(definition: PipelineDefinition, stored: readonly StoredPhaseStatus[]): PhaseState[] {
  const byPhase = new Map(stored.map((row) => [row.phase, row.status]));
  const known = definition.phases.some((phase) => byPhase.has(phase.id));
  return definition.phases.map((phase, index) => ({
    ...phase,
    status: byPhase.get(phase.id) ?? (!known && index === 0 ? 'in_progress' : 'pending'),
  }));
}

/** The furthest phase that was reached (in progress or done); undefined when none was. */
export function furthestReached(states: readonly PhaseState[]): PhaseState | undefined {
  return [...states].reverse().find((state) => state.status === 'in_progress' || state.status === 'done');
}

/** Turn effective changes into the guarded changes a store applies. */
export function guardedChanges(
  changes: readonly { phase: string; next: PhaseStatus }[],
  stored: readonly StoredPhaseStatus[],
): PhaseStatusChange[] {
  const byPhase = new Map(stored.map((row) => [row.phase, row.status]));
  return changes.map((change) => ({ phase: change.phase, expected: byPhase.get(change.phase) ?? null, next: change.next }));
}
