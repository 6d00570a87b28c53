/**
 * `npm run bench:quick [samples]`: only measure (a), one host in PM2 cluster
 * mode, rewind against the one-ssh-call baseline in turn; prints the medians
 * and their ratio. For trying a change; `npm run bench` gives the figures the
 * README quotes.
 */
import { describe, REPO, runProcess } from './cli.js';
import { abortFleets, stopFleetsOnSignal, withFleet } from './fleet.js';
import { ledgerPhases } from './ledgerPhases.js';
import { timelineTable } from './report.js';
import { rollbackTimes } from './rollbackTime.js';
import { rollbackTimeline } from './timeline.js';
import { median, min } from './stats.js';
import { runAsAUsersShell } from './userEnv.js';

const samples = Number(process.argv[2] ?? 7);
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

runAsAUsersShell();
stopFleetsOnSignal();
const watchdog = setTimeout(() => abortFleets('still running after 5 minutes', 1), 5 * 60_000);
try {
  const build = await runProcess(['npm', 'run', 'build'], { cwd: REPO, timeoutMs: 120_000 });
  if (build.code !== 0) throw new Error(`bench: the build failed: ${describe(build)}`);
  const { times, phases, timeline, baselineTimeline } = await withFleet(1, 'cluster', async (bf) => {
    const measured = await rollbackTimes(bf, samples, log);
    return { times: measured, phases: ledgerPhases(bf.root, measured.rewind), timeline: await rollbackTimeline(bf), baselineTimeline: await rollbackTimeline(bf, 'baseline') };
  });
  const of = (tool: 'rewind' | 'baseline', pick: (v: number[]) => number) => pick(times[tool].map((t) => t.toHealthMs));
  const line = (label: string, pick: (v: number[]) => number) =>
    `${label}: rewind ${Math.round(of('rewind', pick))} ms, baseline ${Math.round(of('baseline', pick))} ms, ${(of('rewind', pick) / of('baseline', pick)).toFixed(2)}x`;
  process.stdout.write(`${line(`median of ${samples}`, median)}\n${line(`min of ${samples}`, min)}\n`);
  if (times.rewindWithCa.length > 0) process.stdout.write(`  rewind with the sandbox's NODE_EXTRA_CA_CERTS: median ${Math.round(median(times.rewindWithCa.map((t) => t.toHealthMs)))} ms\n`);
  const phase = (pick: (p: (typeof phases)[number]) => number) => Math.round(median(phases.map(pick)));
  process.stdout.write(`  before the run: ${phase((p) => p.beforeRun)} ms; before the steps: ${phase((p) => p.beforeSteps)} ms; health after the reload step: ${phase((p) => p.healthAfterReload)} ms\n`);
  for (const name of Object.keys(phases[0]?.steps ?? {})) process.stdout.write(`  step ${name}: ${phase((p) => p.steps[name] ?? Number.NaN)} ms\n`);
  process.stdout.write(`\nrewind:\n${timelineTable(timeline)}\n\nthe baseline:\n${timelineTable(baselineTimeline)}\n`);
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
