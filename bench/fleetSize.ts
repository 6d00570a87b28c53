import { join } from 'node:path';
import type { BenchFleet } from './fleet.js';
import { ownCpuPrefix, readOwnCpu } from './ownCpu.js';
import { timedRollback, type Timed } from './sample.js';

export interface FleetRun {
  hosts: number;
  /** ms until the LAST host reports the target's sha, per sample. */
  rewind: Timed[];
  /** The same for the baseline's ssh call on every host at once. */
  baseline: Timed[];
  /** CPU ms of rewind's own process, per sample (ownCpu.ts); empty without GNU time. */
  rewindOwnCpuMs: number[];
}

/** (c) The whole fleet rolled back, rewind and the baseline in turn. */
export async function fleetTimes(bf: BenchFleet, samples: number, log: (line: string) => void): Promise<FleetRun> {
  const run: FleetRun = { hosts: bf.baseUrls.length, rewind: [], baseline: [], rewindOwnCpuMs: [] };
  for (let i = 0; i < samples; i += 1) {
    for (const tool of ['rewind', 'baseline'] as const) {
      await bf.putBackV3(tool);
      const cpuFile = join(bf.root, `own-cpu-${run.hosts}-${i}.txt`);
      const timed = await timedRollback(tool === 'rewind' ? () => bf.rollback([], {}, ownCpuPrefix(cpuFile)) : bf.baseline, bf.baseUrls, bf.sha.v2);
      run[tool].push(timed);
      const ownCpu = tool === 'rewind' ? await readOwnCpu(cpuFile) : undefined;
      if (ownCpu !== undefined) run.rewindOwnCpuMs.push(ownCpu);
      log(`  ${run.hosts} host(s) ${tool} #${i + 1}: ${Math.round(timed.toHealthMs)} ms to the last host's sha (exit at ${Math.round(timed.toExitMs)} ms)`);
    }
  }
  return run;
}
