/** The blue/green benchmark's tables: per world, rewind against its proxy's floors, and the goals of issue 19. */
import type { BlueGreenWorld } from './blueGreenWorld.js';
import type { SwitchTimed } from './blueGreenSample.js';
import { max, median, min, sum } from './stats.js';
import { markdownTable, ms, ratio } from './table.js';

export type Tool = 'rewind' | 'floor' | 'floorNoTest';
export const TOOLS: readonly Tool[] = ['floor', 'rewind', 'floorNoTest'];

export interface ModeResult {
  world: Pick<BlueGreenWorld, 'mode' | 'label'>;
  /** The floors by hand this world's proxy has, in column order, with their headers. */
  floors: Array<{ tool: Exclude<Tool, 'rewind'>; label: string }>;
  runs: Record<Tool, SwitchTimed[]>;
  /** One more rewind rollback with REWIND_TIMELINE=1: its milestones, ms from its start, and when the target answered. */
  traced: { milestones: Array<{ at: number; what: string }>; toTargetMs: number };
}

export const GOAL_RATIO = 1.2;

export function modeTable(result: ModeResult): string {
  const { runs, floors } = result;
  const n = runs.rewind.length;
  const header = ['measure', 'rewind', ...floors.map((f) => f.label), ...floors.map((f) => `rewind / ${f.label.replace(/:.*/, '')}` +
    (floors.length > 1 ? ` (${f.tool === 'floor' ? 'with' : 'without'} -t)` : ''))];
  const timeRow = (label: string, pick: (x: SwitchTimed) => number, stat: (v: number[]) => number): string[] => {
    const r = stat(runs.rewind.map(pick));
    const fs = floors.map((f) => stat(runs[f.tool].map(pick)));
    return [label, ms(r), ...fs.map(ms), ...fs.map((f) => ratio(r / f))];
  };
  const cells = (text: (runs: SwitchTimed[]) => string): string[] =>
    [text(runs.rewind), ...floors.map((f) => text(runs[f.tool])), ...floors.map(() => '')];
  const toTarget = (x: SwitchTimed) => x.toTargetMs;
  const rows = [
    timeRow(`start to the first answer through the proxy with the target's sha, median of ${n}`, toTarget, median),
    timeRow(`same, min of ${n}`, toTarget, min),
    timeRow(`same, max of ${n}`, toTarget, max),
    timeRow(`start to the command's exit, median of ${n}`, (x) => x.toExitMs, median),
    [`failed requests at ${'200'} req/s keep-alive through the proxy, all ${n} runs (no retry)`, ...cells(failedText)],
    ['same, a reset on a reused connection sent again once on a new connection (as browsers do)', ...cells(afterRetryText)],
    ['longest gap in the load (last success before failures to the first success after), worst run',
      ...cells((r) => ms(max(r.map((x) => x.load.longestGapMs))))],
    ['slowest request of the load, worst run', ...cells((r) => ms(max(r.map((x) => x.load.slowestMs))))],
    ['new connections answered by the old slot after the first target answer, median (max) per run',
      ...cells((r) => `${median(r.map((x) => x.oldAfter))} (${max(r.map((x) => x.oldAfter))})`)],
    ['the last of those sent after the first target answer, worst run',
      ...cells((r) => ms(max(r.map((x) => (x.lastOldSentMs === undefined ? 0 : x.lastOldSentMs - x.toTargetMs)))))],
    ['poll requests (new connections, every 5 ms) that failed, all runs', ...cells(pollFailedText)],
  ];
  return `${result.world.mode}: ${result.world.label}\n\n${markdownTable(header, rows)}\n`;
}

export function goalsTable(results: ModeResult[]): string {
  const rows = results.flatMap((result) => {
    const { rewind, floor, floorNoTest } = result.runs;
    const failed = sum(rewind.map((x) => x.load.failed));
    const r = median(rewind.map((x) => x.toTargetMs));
    const withTest = r / median(floor.map((x) => x.toTargetMs));
    const without = floorNoTest.length === 0 ? undefined : r / median(floorNoTest.map((x) => x.toTargetMs));
    return [
      [`${result.world.mode}: 0 failed requests during rewind's rollbacks`,
        `${failedText(rewind)}; after a browser's retry of resets on reused connections: ` +
        `${sum(rewind.map((x) => x.load.failedAfterRetry))}; ` +
        `the floors in the same run: ${failedText([...floor, ...floorNoTest])}`,
        failed === 0 ? 'yes' : '**no**'],
      [`${result.world.mode}: time within ${GOAL_RATIO}x of the floor (medians)`,
        without === undefined ? `${ratio(withTest)} of the floor` :
          `${ratio(withTest)} of file + nginx -t + reload, ${ratio(without)} of file + reload`,
        withTest <= GOAL_RATIO ? (without === undefined || without <= GOAL_RATIO ? 'yes' : 'yes against nginx -t && reload only') : '**no**'],
    ];
  });
  return markdownTable(['goal (issue 19)', 'this run', 'met?'], rows);
}

export function milestonesTable(result: ModeResult): string {
  const events = [...result.traced.milestones, { at: result.traced.toTargetMs, what: "first answer through the proxy with the target's sha" }]
    .sort((a, b) => a.at - b.at)
    .map((e) => [String(Math.round(e.at)), e.what]);
  return `${result.world.mode}: one more rewind rollback with REWIND_TIMELINE=1\n\n${markdownTable(['ms since start', 'event'], events)}\n`;
}

function failedText(runs: SwitchTimed[]): string {
  const failed = sum(runs.map((x) => x.load.failed));
  const reasons: Record<string, number> = {};
  for (const run of runs) for (const [why, count] of Object.entries(run.load.failures)) reasons[why] = (reasons[why] ?? 0) + count;
  const why = Object.entries(reasons).map(([reason, count]) => `${count} ${reason}`).join(', ');
  return `${failed} of ${sum(runs.map((x) => x.load.sent))}${why ? ` (${why})` : ''}`;
}

function afterRetryText(runs: SwitchTimed[]): string {
  return `${sum(runs.map((x) => x.load.failedAfterRetry))} failed (${sum(runs.map((x) => x.load.retried))} sent again)`;
}

function pollFailedText(runs: SwitchTimed[]): string {
  const reasons: Record<string, number> = {};
  for (const run of runs) for (const [why, count] of Object.entries(run.pollFailures)) reasons[why] = (reasons[why] ?? 0) + count;
  const failed = sum(Object.values(reasons));
  const why = Object.entries(reasons).map(([reason, count]) => `${count} ${reason}`).join(', ');
  return `${failed} of ${sum(runs.map((x) => x.polls))}${why ? ` (${why})` : ''}`;
}
