import type { BenchFleet } from './fleet.js';
import { timedRollback, type Timed } from './sample.js';

export interface RollbackTimes {
  rewind: Timed[];
  baseline: Timed[];
}

/** (a) Baseline and rewind samples taken in turn, v3 put back live before each. */
export async function rollbackTimes(bf: BenchFleet, samples: number, log: (line: string) => void): Promise<RollbackTimes> {
  const result: RollbackTimes = { rewind: [], baseline: [] };
  for (let i = 0; i < samples; i += 1) {
    for (const tool of ['baseline', 'rewind'] as const) {
      await bf.putBackV3(tool);
      const timed = await timedRollback(tool === 'rewind' ? () => bf.rollback() : bf.baseline, bf.baseUrls, bf.sha.v2);
      result[tool].push(timed);
      log(`  ${tool} #${i + 1}: ${Math.round(timed.toHealthMs)} ms to the target's sha (exit at ${Math.round(timed.toExitMs)} ms)`);
    }
  }
  return result;
}
