/**
 * `npm run bench:dashboard [samples] [--keep DIR] [--releases N] [--no-build]` (issue 18's speed goals): over a ledger of
 * 100,000 releases and their runs in three years (dashboardLedger.ts), how long `rewind metrics --json`
 * takes from process start to exit, and how long `rewind serve` takes to answer the overview `GET /` and
 * the timeline `GET /env/production`, from the request to the whole body: the first request of a server
 * just started, and warm. Each against the floor measured in the same run: Debian's sqlite3 CLI, started
 * as a process, answering the aggregate (deploys and failed deploys of the last 30 days per environment).
 * Rounds interleave every measure, so a busy machine slows all alike. `--keep DIR` keeps the project in
 * DIR and reuses it for a day; otherwise it is made in a temp dir and removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, REPO, rewindCli, runProcess } from './cli.js';
import { dashboardProject, ENVS } from './dashboardLedger.js';
import { machineLine } from './machine.js';
import { startServe, timedGet, type Serving } from './serveProcess.js';
import { median, min } from './stats.js';
import { runAsAUsersShell } from './userEnv.js';

runAsAUsersShell();
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? '') : undefined);
const keep = option('--keep');
const positional = args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--'));
const samples = Math.min(Math.max(Math.trunc(Number(positional ?? 7)) || 7, 1), 100);
/** `--releases N` makes a smaller ledger, for trying a change. */
const RELEASES = Math.min(Math.max(Math.trunc(Number(option('--releases') ?? 100_000)) || 100_000, 100), 1_000_000);
const MAKE_LIMIT_MS = 30 * 60_000;
const TIMELINE_ENV = 'production';
const GOALS = { metrics: 300, overview: 300, timeline: 500 };
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

const dir = keep ?? join(await mkdtemp(join(tmpdir(), 'rewind-bench-dashboard-')), 'project');
const servers: Serving[] = [];
try {
  if (keep === '') throw new Error('bench: --keep needs a directory');
  const which = await runProcess(['sqlite3', '--version'], { timeoutMs: 10_000 }).catch(() => undefined);
  if (which?.code !== 0) throw new Error('bench: the floor needs Debian\'s sqlite3 CLI: apt-get install -y sqlite3');
  if (args.includes('--no-build')) log('bench: using dist/ as it is');
  else {
    log('bench: npm run build');
    const build = await runProcess(['npm', 'run', 'build'], { cwd: REPO, timeoutMs: 180_000 });
    if (build.code !== 0) throw new Error(`bench: the build failed: ${describe(build)}`);
  }
  const making = performance.now();
  const made = await dashboardProject(dir, RELEASES, MAKE_LIMIT_MS, log);
  log(`bench: ${made.reused ? 'reusing' : 'made'} ${dir} (${Object.entries(made.counts).map(([k, v]) => `${v} ${k}`).join(', ')})` +
    (made.reused ? '' : ` in ${((performance.now() - making) / 1000).toFixed(0)} s`));
  const machine = await machineLine();
  log(`bench: ${machine}`);

  const floorQuery = () => `select env, count(*), sum(status in ('failed', 'rolled_back')) from releases where app = 'shop' and ` +
    `activated_at is not null and deployed_at >= '${new Date(Date.now() - 30 * 86_400_000).toISOString()}' group by env order by env`;
  const floor = async () => {
    const run = await runProcess(['sqlite3', made.ledgerFile, floorQuery()], { timeoutMs: 60_000 });
    if (run.code !== 0) throw new Error(`bench: sqlite3 failed: ${describe(run)}`);
    return { ms: run.endedAt - run.startedAt, stdout: run.stdout };
  };
  const metrics = async () => {
    const run = await rewindCli(dir, ['metrics', '--json'], 120_000);
    if (run.code !== 0) throw new Error(`bench: rewind metrics failed: ${describe(run)}`);
    return { ms: run.endedAt - run.startedAt, doc: JSON.parse(run.stdout) as MetricsDoc };
  };
  const page = async (server: Serving, path: string, expect: string) => {
    const got = await timedGet(`${server.url}${path}`);
    if (got.status !== 200 || !got.body.includes(expect)) {
      throw new Error(`bench: GET ${path} answered ${got.status} without ${JSON.stringify(expect)}:\n${got.body.slice(0, 2000)}`);
    }
    return got;
  };
  const OVERVIEW = ['/', `data-env="${ENVS.at(-1)}"`] as const;
  const TIMELINE = [`/env/${TIMELINE_ENV}`, 'older →'] as const;
  const firstOf = async (path: string, expect: string) => {
    const server = await startServe(dir);
    try {
      return { got: await page(server, path, expect), startMs: server.readyAt - server.spawnedAt };
    } finally {
      await server.stop();
    }
  };

  const warm = await startServe(dir);
  servers.push(warm);
  for (let i = 0; i < 2; i++) for (const [path, expect] of [OVERVIEW, TIMELINE]) await page(warm, path, expect);
  const t = { floor: [] as number[], metrics: [] as number[], overviewFirst: [] as number[], timelineFirst: [] as number[],
    overviewWarm: [] as number[], timelineWarm: [] as number[], serveStart: [] as number[], startup: [] as number[] };
  let lastFloor = '';
  let lastMetrics: MetricsDoc | undefined;
  const sizes = { overview: 0, timeline: 0 };
  for (let round = 0; round < samples; round++) {
    const f = await floor();
    t.floor.push(f.ms);
    lastFloor = f.stdout;
    const m = await metrics();
    t.metrics.push(m.ms);
    const version = await rewindCli(dir, ['--version']);
    t.startup.push(version.endedAt - version.startedAt);
    lastMetrics = m.doc;
    const o = await firstOf(...OVERVIEW);
    t.overviewFirst.push(o.got.ms);
    t.serveStart.push(o.startMs);
    const l = await firstOf(...TIMELINE);
    t.timelineFirst.push(l.got.ms);
    t.serveStart.push(l.startMs);
    const ow = await page(warm, ...OVERVIEW);
    t.overviewWarm.push(ow.ms);
    const lw = await page(warm, ...TIMELINE);
    t.timelineWarm.push(lw.ms);
    sizes.overview = ow.body.length;
    sizes.timeline = lw.body.length;
    log(`  round ${round + 1}: floor ${ms(f.ms)}, metrics ${ms(m.ms)}, overview ${ms(o.got.ms)} first / ${ms(ow.ms)} warm, ` +
      `timeline ${ms(l.got.ms)} first / ${ms(lw.ms)} warm`);
  }

  const floorMs = median(t.floor);
  const verdict = (value: number, goal?: number) =>
    (goal === undefined ? '' : `under ${ms(goal)}: ${value < goal ? 'met' : '**not met**'}`);
  const row = (label: string, values: number[], goal?: number) => `| ${label} | ${ms(median(values))} | ${ms(min(values))} | ` +
    `${(median(values) / floorMs).toFixed(1)}x | ${verdict(median(values), goal)} |`;
  const n = (key: string) => (made.counts[key] ?? 0).toLocaleString('en');
  process.stdout.write([
    `rewind dashboard and metrics over ${n('releases')} releases and ${n('runs')} runs in ${ENVS.length} environments ` +
      `(${n('rollbacks')} rollbacks, ${n('watches')} watches, ${n('audit')} audit entries), ${samples} rounds`,
    machine,
    '',
    `| measure | median of ${samples} | min | ratio to the floor (median) | goal |`,
    '| --- | --- | --- | --- | --- |',
    row('floor: `sqlite3 ledger.sqlite "select ..."` (30-day deploys and failures per env), start to exit', t.floor),
    row('`rewind metrics --json`, start to exit', t.metrics, GOALS.metrics),
    row('`GET /` overview, first request of a fresh `rewind serve`', t.overviewFirst, GOALS.overview),
    row('`GET /` overview, warm', t.overviewWarm, GOALS.overview),
    row(`\`GET /env/${TIMELINE_ENV}\` timeline, first request of a fresh server`, t.timelineFirst, GOALS.timeline),
    row(`\`GET /env/${TIMELINE_ENV}\` timeline, warm`, t.timelineWarm, GOALS.timeline),
    row('(`rewind --version`, start to exit: the CLI\'s start-up, part of the metrics row)', t.startup),
    row('(`rewind serve` from spawn to listening, not in the rows above)', t.serveStart),
    '',
    `pages: overview ${kb(sizes.overview)}, timeline ${kb(sizes.timeline)}`,
    `sqlite3 (env|deploys|failed): ${lastFloor.trim().split('\n').join('; ')}`,
    `rewind metrics (env deploys failed): ${(lastMetrics?.environments ?? [])
      .map((e) => `${e.env} ${e.change_failure_rate.deploys} ${e.change_failure_rate.failed}`).join('; ')}`,
    '',
  ].join('\n'));
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  for (const server of servers) await server.stop();
  if (!keep) await rm(join(dir, '..'), { recursive: true, force: true });
}

interface MetricsDoc {
  environments: { env: string; change_failure_rate: { deploys: number; failed: number } }[];
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1000)} kB`;
}
