/**
 * The readable files of a pipeline, rendered from ledger facts: the ledger
 * stays the truth, these are what people and phase tools read.
 */
import { stringify } from 'yaml';
import type { PhaseRollbackEntry, PhaseState } from '../../core/pipeline/phases.js';
import { markdownKit } from '../../core/markdown.js';
import { oneLine } from '../../core/pipeline/reentryContext.js';

/** `rollback-record.yaml` in the from-phase's directory, in seed 004's shape. */
export function rollbackRecordYaml(entry: PhaseRollbackEntry, earlierFromSamePhase: readonly PhaseRollbackEntry[]): string {
  const document: Record<string, unknown> = {
    rollback: {
      id: entry.id,
      from_phase: entry.fromPhase,
      to_phase: entry.toPhase,
      reason: entry.reason,
      trigger: entry.trigger,
      timestamp: entry.at,
      actor: entry.actor,
      phases_rolled_back: entry.phases,
      escalation_override: entry.escalationOverride,
      artifacts_preserved: entry.artifacts.map((artifact) => ({ path: artifact.path, sha256: artifact.sha256 })),
      revision_targets: entry.revisionTargets,
    },
  };
  // A later rollback from the same phase replaces this file; say what it replaced (the ledger keeps all of it).
  if (earlierFromSamePhase.length > 0) {
    document.earlier_rollbacks_from_this_phase = earlierFromSamePhase.map((earlier) => ({
      id: earlier.id, to_phase: earlier.toPhase, timestamp: earlier.at, trigger: earlier.trigger, reason: earlier.reason,
    }));
  }
  return '# Written by `rewind pipeline rollback`. The ledger holds the same facts; editing this file changes nothing.\n' +
    `${stringify(document, { lineWidth: 0 })}`;
}

/** `state.yaml`: the phase statuses as the ledger has them. */
export function stateYaml(app: string, states: readonly PhaseState[], at: string): string {
  const document = { app, updated_at: at, phases: states.map((state) => ({ id: state.id, name: state.name, status: state.status })) };
  return `# Mirror of the phase statuses in rewind's ledger, rewritten after every change; editing it changes nothing.\n` +
    `${stringify(document, { lineWidth: 0 })}`;
}

export const DECISIONS_HEADER =
  '# Pipeline decisions\n\nOne line per phase rollback, oldest first, written by `rewind pipeline rollback`.\n\n';

/** One line of `decisions.md`. */
export function decisionLine(entry: PhaseRollbackEntry, record: string): string {
  const { md, document } = markdownKit();
  const revise = entry.revisionTargets.length > 0 ? md` Revise: ${entry.revisionTargets.map(oneLine).join('; ')}.` : md``;
  const override = entry.escalationOverride ? ' Escalation limit overridden (--override-escalation).' : '';
  const rolledBack = `${entry.phases.join(', ')} ROLLED_BACK`;
  const reason = oneLine(entry.reason).replace(/\.+$/, '');
  const what = md`rollback ${entry.fromPhase} -> ${entry.toPhase} (${rolledBack}) by ${oneLine(entry.actor)}, trigger ${entry.trigger}`;
  return document([md`- ${entry.at} ${what}: ${reason}.${revise}${override} Record: ${record}`, md``]);
}
