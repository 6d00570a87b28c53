/**
 * One timed blue/green switch under load. A steady 200 requests/s on
 * keep-alive connections through the proxy starts 0.5 s before the switch
 * and runs until 0.5 s after the command has exited (at least 1 s after the
 * target first answered). The clock starts just before the command (or the
 * floor's first write) and stops at the first /health answer through the
 * proxy, on a new connection, that reports the target's sha; the poller goes
 * on 1 s longer, to see what other answers new connections still got.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BlueGreenWorld } from './blueGreenWorld.js';
import { describe, type Finished } from './cli.js';
import { pollProxy, type PollAnswer } from './proxyPoll.js';
import { startProxyLoad, summarizeProxyLoad, type ProxyLoadSummary } from './proxyLoad.js';

export const POLL_EVERY_MS = 5;
export const LOAD_RATE = 200;

export interface SwitchTimed {
  /** From the start to the first answer through the proxy reporting the target's sha. */
  toTargetMs: number;
  /** From the start to the command's exit (the floor: to the reload's exit). */
  toExitMs: number;
  /** New-connection answers sent after the first target answer arrived that still reported another sha. */
  oldAfter: number;
  /** When the last of those was sent, ms from the start; undefined when there was none. */
  lastOldSentMs?: number;
  /** Poll requests (new connections) that got no sha at all, by reason. */
  pollFailures: Record<string, number>;
  polls: number;
  load: ProxyLoadSummary;
  /** When each failed request of the load was sent, ms from the start, with its reason. */
  failedAt: Array<{ at: number; failure: string }>;
  run: Finished;
}

export async function timedSwitch(world: BlueGreenWorld, start: () => Promise<Finished>, sha: string): Promise<SwitchTimed> {
  // No old nginx worker of the put-back left to answer (HAProxy has none).
  await world.front.settled();
  const load = startProxyLoad(`${world.front.base}/`, LOAD_RATE, 90_000);
  let poll: ReturnType<typeof pollProxy> | undefined;
  try {
    await sleep(500);
    poll = pollProxy(`${world.front.base}/health`, sha, POLL_EVERY_MS, 60_000);
    const running = start();
    const seenAt = await poll.firstTarget.catch(async (error: unknown) => {
      await running.catch(() => undefined);
      throw error;
    });
    await sleep(Math.max(0, seenAt + 1000 - performance.now()));
    const answers = await poll.stop();
    const run = await running;
    await sleep(Math.max(0, Math.max(seenAt + 1000, run.endedAt + 500) - performance.now()));
    const shots = await load.stop();
    if (run.code !== 0) throw new Error(`bench: the switch failed: ${describe(run)}`);
    return { ...afterFirst(answers, sha, seenAt, run.startedAt), toTargetMs: seenAt - run.startedAt,
      toExitMs: run.endedAt - run.startedAt, load: summarizeProxyLoad(shots), run,
      failedAt: shots.flatMap((s) => (s.failure === undefined ? [] : [{ at: s.sentAt - run.startedAt, failure: s.failure }])) };
  } finally {
    await poll?.stop();
    await load.stop();
  }
}

function afterFirst(answers: PollAnswer[], sha: string, seenAt: number, startedAt: number) {
  const old = answers.filter((a) => a.sentAt > seenAt && a.sha !== undefined && a.sha !== sha);
  const pollFailures: Record<string, number> = {};
  for (const a of answers) if (a.failure !== undefined) pollFailures[a.failure] = (pollFailures[a.failure] ?? 0) + 1;
  const last = old.at(-1);
  return { oldAfter: old.length, ...(last && { lastOldSentMs: last.sentAt - startedAt }), pollFailures, polls: answers.length };
}
