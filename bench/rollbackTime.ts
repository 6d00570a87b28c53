import type { BenchFleet } from './fleet.js';
import { timedRollback, type Timed } from './sample.js';
import { SANDBOX_EXTRA_CA_CERTS, sandboxCaEnv } from './userEnv.js';

export interface RollbackTimes {
  rewind: Timed[];
  baseline: Timed[];
  /** rewind with the sandbox's NODE_EXTRA_CA_CERTS (userEnv.ts); none when the sandbox does not set it. */
  rewindWithCa: Timed[];
}

/** (a) Baseline and rewind samples taken in turn, v3 put back live before each. */
export async function rollbackTimes(bf: BenchFleet, samples: number, log: (line: string) => void): Promise<RollbackTimes> {
  const result: RollbackTimes = { rewind: [], baseline: [], rewindWithCa: [] };
  const tools = SANDBOX_EXTRA_CA_CERTS === undefined ? (['baseline', 'rewind'] as const) : (['baseline', 'rewind', 'rewindWithCa'] as const);
  for (let i = 0; i < samples; i += 1) {
    for (const tool of tools) {
      await bf.putBackV3(tool === 'baseline' ? 'baseline' : 'rewind');
      const start = tool === 'baseline' ? bf.baseline : () => bf.rollback([], tool === 'rewindWithCa' ? sandboxCaEnv() : {});
      const timed = await timedRollback(start, bf.baseUrls, bf.sha.v2);
      result[tool].push(timed);
      log(`  ${tool} #${i + 1}: ${Math.round(timed.toHealthMs)} ms to the target's sha (exit at ${Math.round(timed.toExitMs)} ms)`);
    }
  }
  return result;
}
