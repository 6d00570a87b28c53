import type { BenchFleet } from './fleet.js';
import { ledgerPhases } from './ledgerPhases.js';
import { timedRollback } from './sample.js';
import { watchLog } from './sshdTimeline.js';

export interface TimelineEvent {
  /** ms since the command started. */
  at: number;
  what: string;
}

/**
 * One more rollback on the first host, by rewind or by the baseline, its
 * events on one time axis: what its sshd logged (connection, login, each
 * session), for rewind the run's steps from the ledger and its own marks,
 * and when /health first reported the target.
 */
export async function rollbackTimeline(bf: BenchFleet, tool: 'rewind' | 'baseline' = 'rewind'): Promise<TimelineEvent[]> {
  const sshd = bf.fleet.sshds[0];
  if (!sshd) return [];
  await bf.putBackV3(tool);
  const watch = await watchLog(sshd.logFile);
  let lines: Awaited<ReturnType<typeof watch.stop>> = [];
  const start = tool === 'rewind' ? () => bf.rollback([], { REWIND_TIMELINE: '1' }) : () => bf.baseline();
  const timed = await timedRollback(start, bf.baseUrls, bf.sha.v2).finally(async () => { lines = await watch.stop(); });
  const startedAt = timed.run.startedAt;
  const events: TimelineEvent[] = lines.flatMap(({ at, line }) => {
    const what = sshdEvent(line);
    return what === undefined ? [] : [{ at: at - startedAt, what: `sshd: ${what}` }];
  });
  const phases = tool === 'rewind' ? ledgerPhases(bf.root, [timed])[0] : undefined;
  if (phases) events.push({ at: phases.beforeRun, what: 'ledger: run recorded (assessed and planned)' });
  events.push(...processMarks(timed.run.stderr));
  events.push({ at: timed.toHealthMs, what: '/health reports the target sha' }, { at: timed.toExitMs, what: 'process exits' });
  return events.sort((a, b) => a.at - b.at);
}

/** What rewind itself printed under REWIND_TIMELINE=1: ms since its own start, which is where the benchmark's clock starts too. */
function processMarks(stderr: string): TimelineEvent[] {
  return stderr.split('\n').flatMap((line) => {
    const mark = /^rewind: timeline (\d+) (.*)$/.exec(line);
    return mark ? [{ at: Number(mark[1]), what: `rewind: ${mark[2]}` }] : [];
  });
}

/** sshd's VERBOSE log lines that mark a connection's life, in a few words; others undefined. */
function sshdEvent(line: string): string | undefined {
  const id = / id (\d+)/.exec(line)?.[1];
  if (line.startsWith('Connection from')) return 'TCP connection accepted';
  if (line.startsWith('Accepted publickey')) return 'logged in';
  if (line.startsWith('Starting session: subsystem')) return `session ${id} opened: SFTP`;
  if (line.startsWith('Starting session: command')) return `session ${id} opened: a command`;
  if (line.startsWith('Close session')) return `session ${id} closed`;
  if (line.startsWith('Disconnected')) return 'connection closed';
  return undefined;
}
