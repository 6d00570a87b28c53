import type { BenchFleet } from './fleet.js';
import { timedRollback, type Timed } from './sample.js';

export interface FleetRun {
  hosts: number;
  /** ms until the LAST host reports the target's sha, per sample. */
  rewind: Timed[];
  /** The same for the baseline's ssh call on every host at once. */
  baseline: Timed[];
}

/** (c) The whole fleet rolled back, rewind and the baseline in turn. */
export async function fleetTimes(bf: BenchFleet, samples: number, log: (line: string) => void): Promise<FleetRun> {
  const run: FleetRun = { hosts: bf.baseUrls.length, rewind: [], baseline: [] };
  for (let i = 0; i < samples; i += 1) {
    for (const tool of ['rewind', 'baseline'] as const) {
      await bf.putBackV3(tool);
      const timed = await timedRollback(tool === 'rewind' ? () => bf.rollback() : bf.baseline, bf.baseUrls, bf.sha.v2);
      run[tool].push(timed);
      log(`  ${run.hosts} host(s) ${tool} #${i + 1}: ${Math.round(timed.toHealthMs)} ms to the last host's sha (exit at ${Math.round(timed.toExitMs)} ms)`);
    }
  }
  return run;
}
