import type { BenchFleet } from './fleet.js';
import type { Connections, LoadSummary } from './load.js';
import { loadedRollback } from './sample.js';

export interface LoadRuns {
  connections: Connections;
  rewind: LoadSummary[];
  baseline: LoadSummary[];
}

/** (b) Rollbacks under a steady 200 requests/s to `/`, baseline and rewind in turn. */
export async function underLoad(bf: BenchFleet, connections: Connections, samples: number, log: (line: string) => void): Promise<LoadRuns> {
  const result: LoadRuns = { connections, rewind: [], baseline: [] };
  for (let i = 0; i < samples; i += 1) {
    for (const tool of ['baseline', 'rewind'] as const) {
      await bf.putBackV3(tool);
      const run = await loadedRollback(tool === 'rewind' ? () => bf.rollback() : bf.baseline, bf.baseUrls, bf.sha.v2, connections);
      result[tool].push(run.load);
      const why = Object.entries(run.load.failures).map(([reason, count]) => `${count} ${reason}`).join(', ');
      log(`  ${bf.mode} ${connections} ${tool} #${i + 1}: ${run.load.failed} of ${run.load.sent} requests failed${why ? ` (${why})` : ''}, longest gap ${Math.round(run.load.longestGapMs)} ms, slowest ${Math.round(run.load.slowestMs)} ms`);
    }
  }
  return result;
}
