import type { PhaseState } from '../../core/pipeline/phases.js';
import type { AdvanceResult } from '../../operations/pipeline/advancePhase.js';
import type { PipelineStatus } from '../../operations/pipeline/pipelineStatus.js';
import type { PhaseRollbackResult } from '../../operations/pipeline/rollbackPhases.js';

const phasesJson = (states: readonly PhaseState[]) => states.map((state) => ({ id: state.id, name: state.name, status: state.status }));

export function rollbackJson(result: PhaseRollbackResult): unknown {
  const { entry } = result;
  return {
    ok: true,
    rollback: {
      id: entry.id,
      from_phase: entry.fromPhase,
      to_phase: entry.toPhase,
      phases_rolled_back: entry.phases,
      reason: entry.reason,
      trigger: entry.trigger,
      revision_targets: entry.revisionTargets,
      timestamp: entry.at,
      actor: entry.actor,
      escalation_override: entry.escalationOverride,
      artifacts_preserved: entry.artifacts,
    },
    phases: phasesJson(result.states),
    files: result.files,
  };
}

export function rollbackText(result: PhaseRollbackResult): string {
  const { entry } = result;
  return [
    `rolled the pipeline back from ${entry.fromPhase} to ${entry.toPhase}: ${entry.phases.join(', ')} ROLLED_BACK, ` +
      `${entry.toPhase} in_progress; ${entry.artifacts.length} artifact(s) preserved untouched`,
    ...(entry.escalationOverride ? ['escalation limit overridden (--override-escalation), recorded in the audit log'] : []),
    `record:           ${result.files.record}`,
    `re-entry context: ${result.files.context}  (also: rewind pipeline context ${entry.toPhase})`,
  ].join('\n');
}

export function statusJson(status: PipelineStatus): unknown {
  return {
    app: status.app,
    phases: status.phases.map((phase) => ({ id: phase.id, name: phase.name, status: phase.status, rollbacks_to: phase.rollbacksTo })),
    rollbacks: status.rollbacks,
  };
}

export function statusText(status: PipelineStatus): string {
  const rows = [
    ['PHASE', 'NAME', 'STATUS', 'ROLLBACKS TO'],
    ...status.phases.map((phase) => [phase.id, phase.name, phase.status, String(phase.rollbacksTo)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  return [`${status.app} pipeline (${status.rollbacks} rollback(s) so far)`, ...lines].join('\n');
}

export function advanceJson(result: AdvanceResult): unknown {
  return { ok: true, phase: result.phase, next: result.next ?? null, phases: phasesJson(result.states) };
}

export function advanceText(result: AdvanceResult): string {
  return result.next ? `${result.phase} done; ${result.next} in progress` : `${result.phase} done; that was the last phase`;
}
