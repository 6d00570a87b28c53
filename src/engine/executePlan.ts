/**
 * The one journaled executor: a plan's steps in, each built by the factory
 * of its kind, run in order; a run that already finished some of them (a
 * resume) starts at the first one its journal does not show as succeeded,
 * found by the steps' ids. Operations say what each kind does; only this
 * decides what runs.
 */
import { RewindError } from '../core/errors.js';
import type { PlanStep, PlanStepKind } from '../core/plan.js';
import type { StepRecord } from '../core/run.js';
import { runSteps, type Step, type StepJournal, type StepsResult } from './runSteps.js';

/** Builds what runs for one plan step. */
export type StepFactory<Context> = (step: PlanStep, context: Context) => Step;

/** The program's instruction set: what each kind of plan step does. */
export type StepFactories<Context> = Partial<Record<PlanStepKind, StepFactory<Context>>>;

export interface PlanExecution extends StepsResult {
  /** How many steps the journal showed as done before this call: they were skipped. */
  skipped: number;
}

export function buildSteps<Context>(plan: readonly PlanStep[], factories: StepFactories<Context>, context: Context): Step[] {
  return plan.map((step) => {
    const factory = factories[step.kind];
    if (!factory) throw new RewindError('INTERNAL', `no step factory for plan steps of kind ${step.kind} (step ${step.id})`);
    return { ...factory(step, context), id: step.id };
  });
}

/**
 * Where a run stands against its plan: the index of the first step not yet
 * done. A journaled step names its plan step by id; steps journaled before
 * ids existed are matched by position.
 */
export function firstUndone(plan: readonly PlanStep[], journal: readonly StepRecord[]): number {
  const byIndex = new Map(journal.map((s) => [s.index, s]));
  const index = plan.findIndex((step, i) => {
    const record = byIndex.get(i);
    return !record || record.status !== 'succeeded' || (record.stepId !== undefined && record.stepId !== step.id);
  });
  return index === -1 ? plan.length : index;
}

/** Did the run get that far: does its journal show a step of this kind as succeeded? */
export function journalReached(plan: readonly PlanStep[], journal: readonly StepRecord[], kinds: readonly PlanStepKind[]): boolean {
  return journal.some((record) => {
    const step = plan[record.index];
    return record.status === 'succeeded' && step !== undefined && kinds.includes(step.kind) &&
      (record.stepId === undefined || record.stepId === step.id);
  });
}

export interface PlanJournal extends StepJournal {
  /** The run's journal as the caller just read it; read from the ledger when absent. */
  done?: readonly StepRecord[];
}

export async function executePlan<Context>(
  plan: readonly PlanStep[],
  factories: StepFactories<Context>,
  context: Context,
  journal: PlanJournal,
): Promise<PlanExecution> {
  const steps = buildSteps(plan, factories, context);
  // A dry run journals a fresh run of its own: nothing is resumed.
  const first = journal.dryRun ? 0 : firstUndone(plan, journal.done ?? (await journal.ledger.listSteps(journal.runId)));
  const result = await runSteps(steps.slice(first), { ...journal, firstIndex: first });
  return { ...result, skipped: first };
}
