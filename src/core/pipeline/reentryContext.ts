/**
 * What a re-entered phase is handed (seed 004, step 3): why the pipeline came
 * back to it, what to revise, and what every earlier attempt produced and why
 * it was rolled back, oldest first. Pure Markdown from ledger rows.
 */
import { phaseIndex, type PhaseRollbackEntry, type PipelineDefinition } from './phases.js';

/**
 * The rollbacks that concern `phase`: those that came back to it, and those
 * that rolled it back on the way to an earlier phase. `rollbacks` come newest
 * first, as the ledger lists them (its order, not timestamps, is the truth:
 * two rollbacks can share a millisecond); the result is oldest first.
 */
export function rollbacksConcerning(
  definition: PipelineDefinition,
  phase: string,
  rollbacks: readonly PhaseRollbackEntry[],
): PhaseRollbackEntry[] {
  const at = phaseIndex(definition, phase);
  return rollbacks
    .filter((rollback) => {
      const to = phaseIndex(definition, rollback.toPhase);
      const from = phaseIndex(definition, rollback.fromPhase);
      return to >= 0 && from >= 0 && to <= at && at <= from;
    })
    .reverse();
}

/** Markdown that keeps one line per value: text from the command line may hold newlines. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function phaseLabel(definition: PipelineDefinition, id: string): string {
  const name = definition.phases.find((phase) => phase.id === id)?.name;
  return name ? `${id} (${name})` : id;
}

function targets(list: readonly string[]): string[] {
  return list.length > 0 ? list.map((target) => `- ${oneLine(target)}`) : ['- none named'];
}

function attempt(definition: PipelineDefinition, rollback: PhaseRollbackEntry, number: number, latest: boolean): string[] {
  const produced = rollback.artifacts.length > 0
    ? rollback.artifacts.map((artifact) => `- \`${artifact.path}\` (sha256 ${artifact.sha256})`)
    : ['- no files'];
  return [
    `### ${number}. ${rollback.fromPhase} -> ${rollback.toPhase}, ${rollback.at}${latest ? ' (the latest)' : ''}`,
    '',
    `- Rolled back by ${oneLine(rollback.actor)}, trigger: ${rollback.trigger}` +
      `${rollback.escalationOverride ? ', past the escalation limit (--override-escalation)' : ''}`,
    `- Why: ${oneLine(rollback.reason)}`,
    `- Phases rolled back: ${rollback.phases.map((id) => phaseLabel(definition, id)).join(', ')}`,
    `- Revision targets: ${rollback.revisionTargets.length > 0 ? rollback.revisionTargets.map(oneLine).join('; ') : 'none named'}`,
    '',
    'What it produced (preserved where it was):',
    '',
    ...produced,
    '',
  ];
}

export function reentryContext(definition: PipelineDefinition, phase: string, rollbacks: readonly PhaseRollbackEntry[]): string {
  const concerning = rollbacksConcerning(definition, phase, rollbacks);
  const title = `# Re-entry context: ${phaseLabel(definition, phase)}`;
  const latest = concerning[concerning.length - 1];
  if (latest === undefined) return `${title}\n\nNo rollback has touched ${phase}: there is nothing to re-enter with.\n`;
  return [
    title,
    '',
    `${phase} is being worked on again after a rollback. ` +
      'The earlier work listed below is reference, not a starting point; every file of it is still where it was.',
    '',
    '## Why',
    '',
    `Rolled back from ${phaseLabel(definition, latest.fromPhase)} to ${phaseLabel(definition, latest.toPhase)} ` +
      `at ${latest.at} (trigger: ${latest.trigger}):`,
    '',
    `> ${oneLine(latest.reason)}`,
    '',
    '## Revision targets',
    '',
    ...targets(latest.revisionTargets),
    '',
    `## Earlier attempts, oldest first (${concerning.length})`,
    '',
    ...concerning.flatMap((rollback, index) => attempt(definition, rollback, index + 1, rollback === latest)),
  ].join('\n');
}
