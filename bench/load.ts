import { Agent, get } from 'node:http';

/** One request of the steady load: when it was sent, when it ended, and whether it got a 200. */
export interface Shot {
  sentAt: number;
  endedAt: number;
  ok: boolean;
  /** Why it failed: `status 502`, an error code (ECONNRESET, ECONNREFUSED), `timeout`. */
  failure?: string;
}

export interface Load {
  /** Stop sending; resolves once every request in flight has ended (each has a 2 s timeout). */
  stop: () => Promise<Shot[]>;
}

/** keep-alive: requests reuse open connections, as browsers and most clients do; close: a new connection each. */
export type Connections = 'keep-alive' | 'close';

/**
 * A steady `rate` requests per second to `url` from this process: a timer
 * every 5 ms sends whatever is due since the start (so timer drift does not
 * lower the rate), each request with a 2 s timeout. At most maxMs long.
 */
export function startLoad(url: string, connections: Connections, rate = 200, maxMs = 30_000): Load {
  const agent = connections === 'keep-alive' ? new Agent({ keepAlive: true }) : undefined;
  const shots: Array<Promise<Shot>> = [];
  const start = performance.now();
  const fire = (): void => {
    const due = Math.min(Math.floor(((performance.now() - start) / 1000) * rate) + 1, Math.ceil((maxMs / 1000) * rate));
    while (shots.length < due) shots.push(shoot(url, agent));
  };
  const timer = setInterval(fire, 5);
  fire();
  return {
    stop: async () => {
      clearInterval(timer);
      const done = await Promise.all(shots);
      agent?.destroy();
      return done;
    },
  };
}

function shoot(url: string, agent: Agent | undefined): Promise<Shot> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const end = (failure?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ sentAt, endedAt: performance.now(), ok: failure === undefined, ...(failure === undefined ? {} : { failure }) });
    };
    const request = get(url, { agent: agent ?? false }, (response) => {
      response.resume();
      response.once('end', () => end(response.statusCode === 200 ? undefined : `status ${response.statusCode}`));
      response.once('error', (error: NodeJS.ErrnoException) => end(error.code ?? error.message));
    });
    request.once('error', (error: NodeJS.ErrnoException) => end(error.code ?? error.message));
    const timer = setTimeout(() => {
      end('timeout');
      request.destroy();
    }, 2000);
  });
}

export interface LoadSummary {
  sent: number;
  failed: number;
  /** The longest time between the last success sent before a run of failures and the first success sent after it (0 without failures). */
  longestGapMs: number;
  slowestMs: number;
  /** How many failed for each reason. */
  failures: Record<string, number>;
}

export function summarize(shots: Shot[]): LoadSummary {
  const inOrder = [...shots].sort((a, b) => a.sentAt - b.sentAt);
  let longestGapMs = 0;
  let lastOk: number | undefined;
  let failing = false;
  for (const shot of inOrder) {
    if (!shot.ok) {
      failing = true;
      continue;
    }
    if (failing && lastOk !== undefined) longestGapMs = Math.max(longestGapMs, shot.sentAt - lastOk);
    failing = false;
    lastOk = shot.sentAt;
  }
  // Failures up to the end of the window: the gap lasts at least until the last request sent.
  const last = inOrder.at(-1);
  if (failing && lastOk !== undefined && last) longestGapMs = Math.max(longestGapMs, last.sentAt - lastOk);
  return {
    sent: shots.length,
    failed: shots.filter((s) => !s.ok).length,
    longestGapMs,
    slowestMs: Math.max(0, ...shots.map((s) => s.endedAt - s.sentAt)),
    failures: shots.reduce<Record<string, number>>((counts, s) => {
      if (s.failure !== undefined) counts[s.failure] = (counts[s.failure] ?? 0) + 1;
      return counts;
    }, {}),
  };
}
