/**
 * `npm run bench:watch [samples]` (issue 17's speed goal): how fast `rewind
 * watch` restores service after a tier-1 breach. The sample app runs under
 * its own PM2 on this host with v1 and v2 deployed by the built CLI; for each
 * sample v2 is deployed again, a watch started, and at T0 the error rate
 * jumps from 0% to 50%, (a) as a gauge Prometheus scrapes every second, (b)
 * as answers of the server rewind's error_rate probe requests. Measured: T0
 * to the first /health answer from v1, the last known good; goal under 5 s.
 * The two modes alternate; everything started is stopped by its pid.
 */
import type { TestContext } from 'node:test';
import { GOOD, makeWorld } from '../test/helpers/world.js';
import { Cleanups } from './cleanups.js';
import { describe, REPO, rewindCli, runProcess } from './cli.js';
import { leftovers } from './leftovers.js';
import { machineLine } from './machine.js';
import { median, min } from './stats.js';
import { runAsAUsersShell } from './userEnv.js';
import { errorRateMode, prometheusMode, useWatch, type WatchMode } from './watchModes.js';
import { HEALTH_POLL_MS, timedWatch, type WatchTimes } from './watchSample.js';

const samples = Number(process.argv[2] ?? 5);
const GOAL_MS = 5000;
const LIMIT_MS = 15 * 60_000;
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

// As from a user's shell: without the sandbox's NODE_EXTRA_CA_CERTS, which Node parses at every start (see README).
runAsAUsersShell();
const cleanups = new Cleanups();
const t = cleanups as unknown as TestContext;
const dirs: string[] = [];
const watchdog = setTimeout(() => {
  log(`bench: still running after ${LIMIT_MS / 60_000} minutes`);
  void cleanups.runAll().then(() => process.exit(1));
}, LIMIT_MS);
try {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`bench: samples must be a whole number of at least 1, got ${process.argv[2]}`);
  }
  const machine = await machineLine();
  log(`bench: ${machine}`);
  const build = await runProcess(['npm', 'run', 'build'], { cwd: REPO, timeoutMs: 120_000 });
  if (build.code !== 0) throw new Error(`bench: the build failed: ${describe(build)}`);
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
  dirs.push(world.root);
  const modes = [await prometheusMode(t), await errorRateMode(t)];
  dirs.push(...modes.flatMap((m) => m.dirs));
  const deploy = async (version: string) => {
    const run = await rewindCli(world.root, ['deploy', version], 120_000);
    if (run.code !== 0) throw new Error(`bench: deploy ${version}: ${describe(run)}`);
  };
  await deploy('v1');
  await deploy('v2');
  const v1Sha = await world.shaOf('v1');
  const baseUrl = `http://127.0.0.1:${world.layout.port}`;
  const times = new Map<WatchMode, WatchTimes[]>(modes.map((m) => [m, []]));
  let v2Live = true;
  for (let i = 0; i < samples; i += 1) {
    for (const mode of modes) {
      await useWatch(world.configFile, mode);
      await mode.calm();
      if (!v2Live) await deploy('v2');
      v2Live = false;
      const timed = await timedWatch(cleanups, world.root, baseUrl, v1Sha, mode);
      times.get(mode)?.push(timed);
      log(`  ${mode.name} #${i + 1}: ${ms(timed.toHealthMs)} to v1's answer (decision at ${ms(timed.toDecisionMs)}, ` +
        `rollback done ${ms(timed.decisionToDoneMs)} after it)`);
    }
  }
  process.stdout.write(`rewind watch: from the error rate's jump to 50% (T0) to the first /health answer from v1, ` +
    `polled every ${HEALTH_POLL_MS} ms\n${machine}\n`);
  for (const mode of modes) process.stdout.write(summary(mode, times.get(mode) ?? []));
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanups.runAll();
  const left = await leftovers(dirs);
  if (left.length > 0) {
    log(`bench: still running after the cleanup:\n${left.join('\n')}`);
    process.exitCode = 1;
  }
}

function summary(mode: WatchMode, runs: WatchTimes[]): string {
  const of = (pick: (x: WatchTimes) => number) => runs.map(pick);
  const toHealth = of((x) => x.toHealthMs);
  const met = median(toHealth) < GOAL_MS ? 'met' : 'NOT met';
  return `${mode.label}\n` +
    `  T0 -> v1's answer: median of ${runs.length} ${ms(median(toHealth))}, min ${ms(min(toHealth))}; ` +
    `goal under ${ms(GOAL_MS)}: ${met}; the config's floor ${floor(mode)}\n` +
    `  medians: T0 -> the watch's decision ${ms(median(of((x) => x.toDecisionMs)))}, ` +
    `decision -> v1's answer ${ms(median(of((x) => x.decisionToHealthMs)))}, ` +
    `decision -> rollback done ${ms(median(of((x) => x.decisionToDoneMs)))}\n`;
}

/** The `for` window, and for (a) the wait for the next scrape: between none and a whole interval, half of it on average. */
function floor(mode: WatchMode): string {
  if (mode.scrapeMs === 0) return `${ms(mode.floorMs)} (the for window)`;
  return `${ms(mode.floorMs)} to ${ms(mode.floorMs + mode.scrapeMs)} (the for window, plus 0 to 1 scrape interval until Prometheus ` +
    `has the new value; ${ms(mode.floorMs + mode.scrapeMs / 2)} on average)`;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}
