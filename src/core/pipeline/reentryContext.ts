/**
 * What a re-entered phase is handed (seed 004, step 3): why the pipeline came
 * back to it, what to revise, and what every earlier attempt produced and why
 * it was rolled back, oldest first. Pure Markdown from ledger rows.
 */
import { markdownKit, type Markdown, type MarkdownKit } from '../markdown.js';
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

/** One line, with runs of blanks made one space: text from the command line may hold newlines. Escaped by `md` after. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function phaseLabel(definition: PipelineDefinition, id: string): string {
  const name = definition.phases.find((phase) => phase.id === id)?.name;
  return name ? `${id} (${name})` : id;
}

function targets({ md }: MarkdownKit, list: readonly string[]): Markdown[] {
  return list.length > 0 ? list.map((target) => md`- ${oneLine(target)}`) : [md`- none named`];
}

function attempt(
  kit: MarkdownKit,
  definition: PipelineDefinition,
  rollback: PhaseRollbackEntry,
  number: number,
  latest: boolean,
): Markdown[] {
  const { md } = kit;
  const produced = rollback.artifacts.length > 0
    ? rollback.artifacts.map((artifact) => md`- ${kit.code(artifact.path)} (sha256 ${artifact.sha256})`)
    : [md`- no files`];
  const override = rollback.escalationOverride ? ', past the escalation limit (--override-escalation)' : '';
  const revise = rollback.revisionTargets.length > 0 ? rollback.revisionTargets.map(oneLine).join('; ') : 'none named';
  return [
    md`### ${number}. ${rollback.fromPhase} -> ${rollback.toPhase}, ${rollback.at}${latest ? ' (the latest)' : ''}`,
    md``,
    md`- Rolled back by ${oneLine(rollback.actor)}, trigger: ${rollback.trigger}${override}`,
    md`- Why: ${oneLine(rollback.reason)}`,
    md`- Phases rolled back: ${rollback.phases.map((id) => phaseLabel(definition, id)).join(', ')}`,
    md`- Revision targets: ${revise}`,
    md``,
    md`What it produced (preserved where it was):`,
    md``,
    ...produced,
    md``,
  ];
}

const REFERENCE_ONLY = 'The earlier work listed below is reference, not a starting point; every file of it is still where it was.';

export function reentryContext(definition: PipelineDefinition, phase: string, rollbacks: readonly PhaseRollbackEntry[]): string {
  const kit = markdownKit();
  const { md } = kit;
  const concerning = rollbacksConcerning(definition, phase, rollbacks);
  const title = md`# Re-entry context: ${phaseLabel(definition, phase)}`;
  const latest = concerning[concerning.length - 1];
  if (latest === undefined) {
    return kit.document([title, md``, md`No rollback has touched ${phase}: there is nothing to re-enter with.`, md``]);
  }
  const back = md`Rolled back from ${phaseLabel(definition, latest.fromPhase)} to ${phaseLabel(definition, latest.toPhase)}`;
  return kit.document([
    title,
    md``,
    md`${phase} is being worked on again after a rollback. ${REFERENCE_ONLY}`,
    md``,
    md`## Why`,
    md``,
    md`${back} at ${latest.at} (trigger: ${latest.trigger}):`,
    md``,
    md`> ${oneLine(latest.reason)}`,
    md``,
    md`## Revision targets`,
    md``,
    ...targets(kit, latest.revisionTargets),
    md``,
    md`## Earlier attempts, oldest first (${concerning.length})`,
    md``,
    ...concerning.flatMap((rollback, index) => attempt(kit, definition, rollback, index + 1, rollback === latest)),
  ]);
}
