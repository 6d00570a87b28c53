/**
 * `npm run bench`: builds dist, fakes hosts on loopback (one sshd and one PM2
 * per 127.0.0.N, in temp dirs), measures rewind against a one-ssh-call
 * baseline, prints a markdown table, writes bench/results.md, and stops
 * everything it started.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, REPO, runProcess } from './cli.js';
import { abortFleets, fleetDirs, stopFleetsOnSignal, withFleet } from './fleet.js';
import { fleetTimes } from './fleetSize.js';
import { ledgerPhases, type Phases } from './ledgerPhases.js';
import { leftovers } from './leftovers.js';
import { machineLine } from './machine.js';
import { probes } from './probes.js';
import { breakdownTable, fleetCpuTable, goals, goalsTable, mainTable, timelineTable, type Results } from './report.js';
import { rollbackTimes } from './rollbackTime.js';
import { rollbackTimeline } from './timeline.js';
import { underLoad } from './underLoad.js';
import { runAsAUsersShell } from './userEnv.js';

const SAMPLES = { time: 7, load: 2, fleet: 3 };
const LIMIT_MS = 10 * 60_000;

const log = (line: string): void => { process.stderr.write(`${line}\n`); };
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)}s`;

runAsAUsersShell();
stopFleetsOnSignal();
const watchdog = setTimeout(() => abortFleets(`still running after ${LIMIT_MS / 60_000} minutes`, 1), LIMIT_MS);

try {
  const machine = await machineLine();
  log('bench: npm run build');
  const build = await runProcess(['npm', 'run', 'build'], { cwd: REPO, timeoutMs: 120_000 });
  if (build.code !== 0) throw new Error(`bench: the build failed: ${describe(build)}`);

  log(`bench [${elapsed()}]: 1 host, PM2 cluster x2: (a) rollback time, (b) failed requests`);
  const cluster = await withFleet(1, 'cluster', async (bf) => {
    const times = await rollbackTimes(bf, SAMPLES.time, log);
    const phases = ledgerPhases(bf.root, times.rewind);
    const load = [await underLoad(bf, 'keep-alive', SAMPLES.load, log), await underLoad(bf, 'close', SAMPLES.load, log)];
    return { times, phases, load, probes: await probes(bf), timeline: await rollbackTimeline(bf) };
  });

  log(`bench [${elapsed()}]: 1 host, PM2 fork x1: (b) failed requests, (c) 1 host`);
  const fork = await withFleet(1, 'fork', async (bf) => ({ load: await underLoad(bf, 'keep-alive', SAMPLES.load, log), fleet: await fleetTimes(bf, SAMPLES.fleet, log) }));
  const fleet = [fork.fleet];
  let sixteen: Phases[] = [];
  for (const hosts of [4, 16]) {
    log(`bench [${elapsed()}]: ${hosts} hosts, PM2 fork x1 each: (c)`);
    fleet.push(await withFleet(hosts, 'fork', async (bf) => {
      const run = await fleetTimes(bf, SAMPLES.fleet, log);
      if (hosts === 16) sixteen = ledgerPhases(bf.root, run.rewind);
      return run;
    }));
  }

  const left = await leftovers(fleetDirs);
  if (left.length > 0) throw new Error(`bench: processes left behind:\n${left.join('\n')}`);
  log(`bench [${elapsed()}]: no sshd or PM2 process of this run is left`);

  const results: Results = { times: cluster.times, cluster: cluster.load, fork: fork.load, fleet, phases: { one: cluster.phases, sixteen }, probes: cluster.probes, timeline: cluster.timeline };
  const table = mainTable(results);
  process.stdout.write(`\n${table}\n\n${fleetCpuTable(results)}\n\n${goalsTable(goals(results))}\n`);
  await writeFile(join(REPO, 'bench', 'results.md'), resultsMarkdown(results, table, machine));
  log(`bench [${elapsed()}]: done; bench/results.md written`);
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}

function resultsMarkdown(results: Results, table: string, machine: string): string {
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: ${machine}.
Every host is an sshd of its own on 127.0.0.N with its own deploy path and PM2 daemon, configured like Debian's default
(\`Subsystem sftp /usr/lib/openssh/sftp-server\`, started through the user's login shell) when that server is installed; the app is the demo's sample app
(v1, v2 good, v3 broken: its /health answers 503). Before each sample the broken v3 is put back live (not timed).
rewind runs \`node bin/rewind.js rollback --apply --yes\` (the last known good: v2) with health every 50 ms, 1 success, and
\`pm2 reload demo-shop\` as its reload; the baseline is one \`ssh\` call running
\`cd <path> && ln -sfn releases/v2 current.tmp && mv -T current.tmp current && PM2_HOME=... node pm2 reload demo-shop\`.
Every command runs without the NODE_EXTRA_CA_CERTS this sandbox sets for all processes (bench/userEnv.ts: Node reads that file at every
start, ~0.1 s here; a user's shell does not set it); the rows marked so measure rewind with it.
Times run from the command's start to the moment /health (polled every 50 ms from the benchmark, on a new connection each time) reports v2's sha.
The load is 200 requests/s to \`/\` of the first host (node:http, 2 s timeout each; keep-alive connections, or a new connection per request)
from 0.5 s before the command to 1 s after the target is reported. In (c) the baseline is its one ssh call run on every host at once.

${table}

${fleetCpuTable(results)}

${goalsTable(goals(results))}

## Where rewind's time goes

${breakdownTable(results)}

One more rollback (1 host, cluster x2) on one time axis: what the host's sshd logged (stamped when the benchmark read its log,
every 2 ms), the run's steps from the ledger, and when /health reported the target.

${timelineTable(results.timeline)}
`;
}
