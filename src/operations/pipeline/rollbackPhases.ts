/**
 * `rewind pipeline rollback`: decide (prepare), then carry out (apply), so
 * the CLI can ask for confirmation in between with nothing changed yet.
 */
import { makeId } from '../../core/ids.js';
import {
  effectiveStatuses,
  guardedChanges,
  type ArtifactDigest,
  type PhaseRollbackEntry,
  type PhaseState,
  type StoredPhaseStatus,
} from '../../core/pipeline/phases.js';
import { planPhaseRollback, type PhaseRollbackPlan, type PhaseRollbackRequest } from '../../core/pipeline/planPhaseRollback.js';
import { reentryContext } from '../../core/pipeline/reentryContext.js';
import type { PipelineDeps } from './pipelineDeps.js';
import { DECISIONS_HEADER, decisionLine, rollbackRecordYaml } from './pipelineDocuments.js';
import { auditPipeline, writeStateMirror } from './pipelineFiles.js';
import { contextFile, decisionsFile, phaseDir, recordFile, shownPath, stateFile } from './pipelineLayout.js';

export interface PreparedPhaseRollback {
  plan: PhaseRollbackPlan;
  /** The ledger rows the plan was made from: the change is refused if they moved. */
  stored: StoredPhaseStatus[];
  rollbacks: PhaseRollbackEntry[];
  states: PhaseState[];
}

export interface PhaseRollbackResult {
  entry: PhaseRollbackEntry;
  states: PhaseState[];
  /** The files written, as shown to users: relative to the config file's directory. */
  files: { record: string; context: string; state: string; decisions: string };
}

/** Read the ledger and decide; writes nothing. */
export async function preparePhaseRollback(deps: PipelineDeps, request: PhaseRollbackRequest): Promise<PreparedPhaseRollback> {
  const stored = await deps.ledger.listPhaseStatuses(deps.app);
  const rollbacks = await deps.ledger.listPhaseRollbacks(deps.app);
  const states = effectiveStatuses(deps.definition, stored);
  return { plan: planPhaseRollback(deps.definition, states, rollbacks, request), stored, rollbacks, states };
}

/**
 * The ledger row is the frozen record (it holds every artifact's sha256); it
 * is written first and atomically, with the statuses, so a failure later
 * leaves files that can be rewritten from it, never a ledger that disagrees
 * with itself. Artifacts are only ever read.
 */
export async function applyPhaseRollback(deps: PipelineDeps, prepared: PreparedPhaseRollback): Promise<PhaseRollbackResult> {
  const { plan } = prepared;
  const files = {
    record: recordFile(deps, plan.from),
    context: contextFile(deps, plan.to),
    state: stateFile(deps),
    decisions: decisionsFile(deps),
  };
  // Refuse before changing anything when a file we must write is outside the write roots.
  for (const file of Object.values(files)) await deps.files.assertWritable(file);

  const now = deps.clock.now();
  const at = now.toISOString();
  const entry: PhaseRollbackEntry = {
    id: makeId('phase-rollback', now, deps.random()),
    fromPhase: plan.from,
    toPhase: plan.to,
    phases: plan.phases,
    reason: plan.reason,
    trigger: plan.trigger,
    revisionTargets: plan.revisionTargets,
    artifacts: await preservedArtifacts(deps, plan.phases),
    escalationOverride: plan.escalationOverride,
    actor: deps.user,
    at,
  };
  await deps.ledger.changePhases({
    app: deps.app, at, by: deps.user, statuses: guardedChanges(plan.changes, prepared.stored), rollback: entry,
  });
  await auditPipeline(deps, 'pipeline.rollback', at, {
    rollback_id: entry.id, from: entry.fromPhase, to: entry.toPhase, phases: entry.phases, reason: entry.reason, trigger: entry.trigger,
    revision_targets: entry.revisionTargets, artifacts_preserved: entry.artifacts.length, escalation_override: entry.escalationOverride,
  });

  await deps.files.mkdir(phaseDir(deps, plan.from));
  const earlier = prepared.rollbacks.filter((rollback) => rollback.fromPhase === plan.from);
  await deps.files.writeFileAtomic(files.record, rollbackRecordYaml(entry, earlier));
  await writeStateMirror(deps, at);
  await deps.files.mkdir(phaseDir(deps, plan.to));
  await deps.files.writeFileAtomic(files.context, reentryContext(deps.definition, plan.to, [entry, ...prepared.rollbacks]));
  const decisions = (await deps.files.readFile(files.decisions)) ?? DECISIONS_HEADER;
  await deps.files.writeFileAtomic(files.decisions, decisions + decisionLine(entry, shownPath(deps, files.record)));

  const states = effectiveStatuses(deps.definition, await deps.ledger.listPhaseStatuses(deps.app));
  const shown = (file: string) => shownPath(deps, file);
  return {
    entry,
    states,
    files: { record: shown(files.record), context: shown(files.context), state: shown(files.state), decisions: shown(files.decisions) },
  };
}

/** Every file in the directories of the phases being rolled back, except the ones rewind itself writes there. */
async function preservedArtifacts(deps: PipelineDeps, phases: readonly string[]): Promise<ArtifactDigest[]> {
  const digests: ArtifactDigest[] = [];
  for (const phase of phases) {
    const owned = new Set([recordFile(deps, phase), contextFile(deps, phase)]);
    for (const found of await deps.artifacts.digestTree(phaseDir(deps, phase))) {
      if (!owned.has(found.file)) digests.push({ path: shownPath(deps, found.file), sha256: found.sha256 });
    }
  }
  return digests;
}
