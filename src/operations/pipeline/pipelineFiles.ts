import { effectiveStatuses, type PhaseState } from '../../core/pipeline/phases.js';
import type { PipelineDeps } from './pipelineDeps.js';
import { stateFile } from './pipelineLayout.js';
import { stateYaml } from './pipelineDocuments.js';

/** Where the pipeline is now, as the ledger says. */
export async function currentStates(deps: Pick<PipelineDeps, 'ledger' | 'app' | 'definition'>): Promise<PhaseState[]> {
  return effectiveStatuses(deps.definition, await deps.ledger.listPhaseStatuses(deps.app));
}

/** Rewrite state.yaml from the ledger (never from what the caller believes it wrote). */
export async function writeStateMirror(deps: PipelineDeps, at: string): Promise<string> {
  const file = stateFile(deps);
  await deps.files.mkdir(deps.dir);
  await deps.files.writeFileAtomic(file, stateYaml(deps.app, await currentStates(deps), at));
  return file;
}

/** One entry in the hash-chained audit log; a pipeline belongs to the app, not to an environment. */
export async function auditPipeline(deps: PipelineDeps, action: string, at: string, detail: Record<string, unknown>): Promise<void> {
  await deps.ledger.appendAudit({ at, actor: deps.user, action, app: deps.app, env: null, runId: null, outcome: 'ok', detail });
}
