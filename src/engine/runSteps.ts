import { asRewindError, isRewindError, type RewindError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { Clock, Ledger } from '../core/ports.js';
import type { BoundaryHook } from '../core/boundaryHook.js';

export interface Step {
  /** The plan step's id (see core/planSteps), journaled with the step. */
  id?: string;
  /** What the journal and the step list show. */
  name: string;
  /** Returns a one-line summary of what it did (journaled and shown). */
  run: () => Promise<string | void>;
  /**
   * For a dry run (a drill): check what can be checked without changing
   * anything and say what `run` would do. A step without it only reads, so a
   * dry run runs it for real.
   */
  simulate?: () => Promise<string>;
}

export type { BoundaryHook };

export interface StepOutcome {
  id?: string;
  name: string;
  ok: boolean;
  durationMs: number;
  detail: string;
}

export interface StepsResult {
  ok: boolean;
  outcomes: StepOutcome[];
  /** The first failure, when !ok. */
  error?: RewindError;
  failedStep?: string;
  /** The run stopped to wait for an operator (a step threw MANUAL_STEP): not a failure. */
  paused?: boolean;
}

export interface StepJournal {
  ledger: Ledger;
  clock: Clock;
  events: EventSink;
  runId: string;
  /** Index of the first step in this batch (a resumed run starts past the steps it already did). */
  firstIndex?: number;
  /** Simulate the steps that change things (see Step.simulate). */
  dryRun?: boolean;
  onBoundary?: BoundaryHook;
  /**
   * Called before each step is journaled; throws to stop the run there (the
   * callers pass their lock's assertHeld, so a run that lost its lock starts no further step).
   */
  beforeStep?: () => void;
}

/**
 * Errors after which the run can no longer record itself: it lost its lock
 * (LOCK_LOST: a fenced ledger refuses its writes) or its ledger (LEDGER_ERROR).
 * They are not a step's failure: runSteps stops and rethrows them at once.
 */
export function stopsTheRun(error: unknown): error is RewindError {
  return isRewindError(error) && (error.code === 'LOCK_LOST' || error.code === 'LEDGER_ERROR');
}

/**
 * Run steps in order, journaling each in the ledger before it starts and
 * after it ends, so that a report and a resume know exactly how far a run
 * got. Steps must be idempotent: a resumed run repeats the step it was in. Stops at the first failure and returns it instead of throwing:
 * the caller decides what a failure means (roll back, mark bad, escalate).
 * A step that throws MANUAL_STEP pauses the run instead: it is journaled as
 * `pending`, not `failed`, and the result says `paused`.
 * An error that stops the run (see stopsTheRun), from `beforeStep`, the
 * journal or inside a step, is thrown as it is, and the step it interrupted
 * stays journaled as `running`: the run reads as interrupted, and resumable.
 */
export async function runSteps(steps: readonly Step[], journal: StepJournal): Promise<StepsResult> {
  const { ledger, clock, events, runId } = journal;
  const outcomes: StepOutcome[] = [];
  let index = journal.firstIndex ?? 0;
  for (const step of steps) {
    journal.beforeStep?.();
    const started = clock.now();
    await ledger.startStep(runId, index, step.name, started.toISOString(), step.id);
    events({ type: 'step.started', runId, index, name: step.name });
    journal.onBoundary?.(index, 'before');
    let outcome: StepOutcome;
    let error: RewindError | undefined;
    try {
      const detail = (await (journal.dryRun && step.simulate ? step.simulate() : step.run())) ?? '';
      outcome = { id: step.id, name: step.name, ok: true, durationMs: elapsed(clock, started), detail };
    } catch (thrown) {
      if (stopsTheRun(thrown)) throw thrown;
      error = asRewindError(thrown);
      outcome = { id: step.id, name: step.name, ok: false, durationMs: elapsed(clock, started), detail: error.message };
    }
    // A step that waits for an operator stays `pending`: a resumed run starts again at it.
    const paused = error?.code === 'MANUAL_STEP';
    await ledger.finishStep(runId, index, {
      status: outcome.ok ? 'succeeded' : paused ? 'pending' : 'failed',
      at: clock.now().toISOString(),
      durationMs: outcome.durationMs,
      output: outcome.ok ? outcome.detail : '',
      error: error ? error.message : null,
    });
    events({
      type: 'step.finished',
      runId,
      index,
      name: step.name,
      ok: outcome.ok,
      durationMs: outcome.durationMs,
      detail: outcome.detail,
    });
    outcomes.push(outcome);
    journal.onBoundary?.(index, 'after');
    index += 1;
    if (error) return { ok: false, outcomes, error, failedStep: step.name, ...(paused ? { paused: true } : {}) };
  }
  return { ok: true, outcomes };
}

function elapsed(clock: Clock, since: Date): number {
  return clock.now().getTime() - since.getTime();
}
