import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Timed } from './sample.js';

/** Where one rewind rollback spent its time, in ms, from its own journal lined up with the process's start and exit. */
export interface Phases {
  /** Process start to the run's record: node start-up, loading the CLI, config, ledger, SSH connect, assess, plan. */
  beforeRun: number;
  /** Run created to apply started: plan files saved, lock taken. */
  beforeSteps: number;
  /** Each step's own duration, by step name (host names left out). */
  steps: Record<string, number>;
  /** Each step's start, in ms since the process started, in order. */
  stepStarts: Array<{ name: string; at: number }>;
  /** Between and around steps: journaling each step before and after. */
  betweenSteps: number;
  /** When /health first reported the target, counted from the end of the reload step (negative: before it ended). */
  healthAfterReload: number;
  /** Last step's end to the run's end: statuses recorded. */
  afterSteps: number;
  /** Run finished to process exit: reports, audit, trend, closing connections. */
  afterRun: number;
}

interface RunRow { id: string; created_at: string; started_at: string | null; finished_at: string | null }
interface StepRow { name: string; started_at: string | null; finished_at: string | null; duration_ms: number | null }

/** A step's name without the hosts it ran on. */
const shortName = (name: string): string => name.replace(/ on \S+@\S+(, \S+@\S+)*$/, '');

const at = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso));

/** The phases of each timed rollback, found in the ledger by when it ran. */
export function ledgerPhases(root: string, samples: Timed[]): Phases[] {
  const db = new Database(join(root, '.rewind', 'ledger.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const runs = db.prepare("SELECT id, created_at, started_at, finished_at FROM runs WHERE kind = 'rollback' ORDER BY seq").all() as RunRow[];
    const stepsOf = db.prepare('SELECT name, started_at, finished_at, duration_ms FROM steps WHERE run_id = ? ORDER BY idx');
    return samples.flatMap((sample) => {
      const start = sample.run.startedWall;
      const exit = start + sample.toExitMs;
      const run = runs.find((r) => at(r.created_at) >= start - 5 && at(r.created_at) <= exit);
      if (!run) return [];
      const steps = stepsOf.all(run.id) as StepRow[];
      const reload = steps.find((s) => s.name.startsWith('reload'));
      const first = steps[0];
      const last = steps.at(-1);
      const stepSum = steps.reduce((sum, s) => sum + (s.duration_ms ?? 0), 0);
      return [{
        beforeRun: at(run.created_at) - start,
        beforeSteps: at(run.started_at) - at(run.created_at),
        steps: Object.fromEntries(steps.map((s) => [shortName(s.name), s.duration_ms ?? Number.NaN])),
        stepStarts: steps.map((s) => ({ name: shortName(s.name), at: at(s.started_at) - start })),
        betweenSteps: first && last ? at(last.finished_at) - at(run.started_at) - stepSum : Number.NaN,
        healthAfterReload: start + sample.toHealthMs - at(reload?.finished_at ?? null),
        afterSteps: at(run.finished_at) - at(last?.finished_at ?? null),
        afterRun: exit - at(run.finished_at),
      }];
    });
  } finally {
    db.close();
  }
}
