import type { FleetRun } from './fleetSize.js';
import type { LoadSummary } from './load.js';
import type { Phases } from './ledgerPhases.js';
import type { Probes } from './probes.js';
import type { RollbackTimes } from './rollbackTime.js';
import type { TimelineEvent } from './timeline.js';
import { max, median, min, sum } from './stats.js';
import { markdownTable, ms, ratio } from './table.js';
import type { LoadRuns } from './underLoad.js';

export interface Results {
  times: RollbackTimes;
  /** Cluster x2 under load: keep-alive clients, then a new connection per request. */
  cluster: LoadRuns[];
  fork: LoadRuns;
  fleet: FleetRun[];
  /** Phases of the (a) samples (1 host) and of the 16-host samples. */
  phases: { one: Phases[]; sixteen: Phases[] };
  probes: Probes;
  timeline: TimelineEvent[];
}

const failures = (runs: LoadSummary[]): string => {
  const reasons = new Map<string, number>();
  for (const run of runs) for (const [why, count] of Object.entries(run.failures)) reasons.set(why, (reasons.get(why) ?? 0) + count);
  const why = [...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ');
  return `${sum(runs.map((r) => r.failed))} of ${sum(runs.map((r) => r.sent))}${why ? ` (${why})` : ''}`;
};

const healthMedian = (samples: Array<{ toHealthMs: number }>): number => median(samples.map((t) => t.toHealthMs));

/** The main table: | measure | rewind | baseline | ratio |. */
export function mainTable(r: Results): string {
  const health = (tool: 'rewind' | 'baseline') => r.times[tool].map((t) => t.toHealthMs);
  const exit = (tool: 'rewind' | 'baseline') => r.times[tool].map((t) => t.toExitMs);
  const n = r.times.rewind.length;
  const one = r.fleet.find((f) => f.hosts === 1);
  const gap = (runs: LoadSummary[]) => max(runs.map((x) => x.longestGapMs));
  const loads = (label: string, runs: LoadRuns) => [`(b) failed requests at 200 req/s to \`/\`, ${label}, ${runs.connections === 'close' ? 'a new connection per request' : 'keep-alive connections'}, ${runs.rewind.length} rollbacks each`, failures(runs.rewind), failures(runs.baseline), ''];
  const vsOne = (samples: Array<{ toHealthMs: number }>, oneSamples: Array<{ toHealthMs: number }> | undefined) =>
    `${ms(healthMedian(samples))} (${ratio(healthMedian(samples) / healthMedian(oneSamples ?? []))} of 1 host)`;
  return markdownTable(['measure', 'rewind', 'baseline', 'ratio rewind/baseline'], [
    [`(a) 1 host, PM2 cluster x2: start to /health reporting the target sha, median of ${n}`, ms(median(health('rewind'))), ms(median(health('baseline'))), ratio(median(health('rewind')) / median(health('baseline')))],
    [`(a) same, min of ${n}`, ms(min(health('rewind'))), ms(min(health('baseline'))), ratio(min(health('rewind')) / min(health('baseline')))],
    ...(r.times.rewindWithCa.length === 0 ? [] : [[`(a) same, rewind with the NODE_EXTRA_CA_CERTS this sandbox sets, median of ${r.times.rewindWithCa.length}`, ms(healthMedian(r.times.rewindWithCa)), ms(median(health('baseline'))), ratio(healthMedian(r.times.rewindWithCa) / median(health('baseline')))]]),
    [`(a) same, start to the command's exit, median of ${n}`, ms(median(exit('rewind'))), ms(median(exit('baseline'))), ratio(median(exit('rewind')) / median(exit('baseline')))],
    ...r.cluster.map((runs) => loads('cluster x2', runs)),
    loads('fork x1', r.fork),
    ['(b) fork x1: longest gap (last success before failures to first success after), worst rollback', ms(gap(r.fork.rewind)), ms(gap(r.fork.baseline)), ratio(gap(r.fork.rewind) / gap(r.fork.baseline))],
    ...r.fleet.map((f) => [
      `(c) ${f.hosts} host${f.hosts === 1 ? '' : 's'} (fork x1 each; rewind: concurrency 16, no canary; baseline: one ssh per host, all at once): start to the LAST host reporting the target sha, median of ${f.rewind.length}`,
      vsOne(f.rewind, one?.rewind), vsOne(f.baseline, one?.baseline), ratio(healthMedian(f.rewind) / healthMedian(f.baseline)),
    ]),
  ]);
}

/**
 * (c) The machine's CPU during the fleet runs. When a run keeps every core
 * busy, its time is what the work costs on this machine: CPU time over the
 * number of cores is a floor no tool can beat here.
 */
export function fleetCpuTable(r: Results): string {
  const cell = (samples: Array<{ cpu?: { busyShare: number; cpuMs: number } }>): string => {
    const measured = samples.flatMap((t) => (t.cpu ? [t.cpu] : []));
    if (measured.length === 0) return 'n/a';
    return `${Math.round(median(measured.map((c) => c.busyShare)) * 100)}% busy, ${(median(measured.map((c) => c.cpuMs)) / 1000).toFixed(2)} CPU-s`;
  };
  const own = (f: FleetRun): string => (f.rewindOwnCpuMs.length === 0 ? 'n/a' : `${(median(f.rewindOwnCpuMs) / 1000).toFixed(2)} CPU-s`);
  return markdownTable(
    ['(c) hosts: the whole machine from the start to the last host\'s sha, medians', 'rewind', 'baseline', 'rewind\'s own process, start to exit'],
    r.fleet.map((f) => [String(f.hosts), cell(f.rewind), cell(f.baseline), own(f)]),
  );
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean;
}

/** Issue 4's goals, judged on this run. */
export function goals(r: Results): Goal[] {
  const a = healthMedian(r.times.rewind) / healthMedian(r.times.baseline);
  const clusterFailed = sum(r.cluster.flatMap((runs) => runs.rewind.map((x) => x.failed)));
  const clusterSent = sum(r.cluster.flatMap((runs) => runs.rewind.map((x) => x.sent)));
  const one = healthMedian(r.fleet.find((f) => f.hosts === 1)?.rewind ?? []);
  const sixteen = healthMedian(r.fleet.find((f) => f.hosts === 16)?.rewind ?? []) / one;
  return [
    { goal: 'single-host rollback within 1.2x of the baseline', measured: `${ratio(a)} (medians)`, met: a <= 1.2 },
    { goal: '0 failed requests during a rollback in PM2 cluster mode', measured: `${clusterFailed} of ${clusterSent} failed`, met: clusterFailed === 0 },
    { goal: '16 hosts in less than 1.5x the single-host time', measured: `${ratio(sixteen)}${busyNote(r.fleet.find((f) => f.hosts === 16)?.rewind ?? [])}`, met: sixteen < 1.5 },
  ];
}

function busyNote(samples: Array<{ cpu?: { busyShare: number } }>): string {
  const shares = samples.flatMap((t) => (t.cpu ? [t.cpu.busyShare] : []));
  return shares.length === 0 ? '' : ` (the machine's CPUs ${Math.round(median(shares) * 100)}% busy meanwhile)`;
}

export function goalsTable(list: Goal[]): string {
  return markdownTable(['goal (issue 4)', 'this run', 'met?'], list.map((g) => [g.goal, g.measured, g.met ? 'yes' : '**no**']));
}

/** Where rewind's rollback spends its time (medians over the samples), and the pieces on their own. */
export function breakdownTable(r: Results): string {
  const m = (list: Phases[], pick: (p: Phases) => number): string => (list.length === 0 ? 'n/a' : ms(median(list.map(pick))));
  const both = (label: string, pick: (p: Phases) => number): string[] => [label, m(r.phases.one, pick), m(r.phases.sixteen, pick)];
  const stepNames = [...new Set([...r.phases.one, ...r.phases.sixteen].flatMap((p) => Object.keys(p.steps)))];
  const phases = markdownTable(['phase of `rewind rollback --apply`', '1 host, cluster x2', '16 hosts, fork x1'], [
    both('process start to the run recorded: node start-up, loading the CLI, config, ledger, SSH connect, reading `current` on every host, planning', (p) => p.beforeRun),
    both('run recorded to its first step: plan files saved, lock taken', (p) => p.beforeSteps),
    ...stepNames.map((name) => both(`step: ${name}`, (p) => p.steps[name] ?? Number.NaN)),
    both('journal writes between and around the steps', (p) => p.betweenSteps),
    both('/health reported the target (last host), counted from the end of the reload step', (p) => p.healthAfterReload),
    both('last step to the run finished: statuses recorded', (p) => p.afterSteps),
    both('run finished to process exit: reports, audit log, trend, closing SSH', (p) => p.afterRun),
  ]);
  const p = r.probes;
  const pieces = markdownTable(['piece, on its own (1 host)', 'median'], [
    ['`node -e 0` (node start-up)', ms(p.nodeStart)],
    ...(p.nodeStartWithCa === undefined ? [] : [['`node -e 0` with the NODE_EXTRA_CA_CERTS this sandbox sets', ms(p.nodeStartWithCa)]]),
    ['`node bin/rewind.js --version` (node start-up + loading the CLI)', ms(p.rewindVersion)],
    ['`ssh host true` (OpenSSH client: connect, log in, run, exit)', ms(p.opensshTrue)],
    ['`ssh host true` over an open connection (OpenSSH ControlMaster): one more session', ms(p.opensshSession)],
    ['ssh2 connect + log in (what rewind uses), in a warm process', ms(p.ssh2Connect)],
    ['ssh2: the first command on a new connection (waits for its command session\'s login shell to start)', ms(p.ssh2Exec)],
    ['`pm2 reload demo-shop` run locally, cluster x2 (no SSH)', ms(p.pm2Reload)],
  ]);
  return `${phases}\n\n${pieces}`;
}

export function timelineTable(events: TimelineEvent[]): string {
  return markdownTable(['ms since start', 'event'], events.map((e) => [String(Math.round(e.at)), e.what.replaceAll('|', '\\|')]));
}
