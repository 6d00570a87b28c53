/**
 * The users behind the proxy during a blue/green switch: a steady `rate`
 * requests per second to one URL on at most 8 reused keep-alive connections
 * (what a browser or a proxy in front does), each with a 2 s timeout, from
 * this process; bounded in count (rate x maxMs) and in time (stop, or maxMs).
 *
 * Every failure is counted with its reason. A request reset before any
 * answer on a reused keep-alive connection (the server closed that idle
 * connection just as the request left on it) is also sent once more on a new
 * connection, as browsers and Go's net/http do for a GET (RFC 9110 9.2.2):
 * the summary has both counts, with and without that retry.
 */
import { Agent, get, type ClientRequest } from 'node:http';

export interface ProxyShot {
  sentAt: number;
  endedAt: number;
  /** Why it failed (`status 502`, ECONNRESET, ECONNREFUSED, timeout), with `on a reused connection` where so; none for a 200. */
  failure?: string;
  /** The failure after the retry on a new connection, when there was one; none when the retry got a 200. */
  afterRetry?: string;
  retried: boolean;
  /** The `version` of the JSON answer. */
  version?: string;
}

export interface ProxyLoad {
  /** Stop sending; resolves once every request in flight has ended. */
  stop(): Promise<ProxyShot[]>;
}

const RETRIED = new Set(['ECONNRESET', 'EPIPE']);

export function startProxyLoad(url: string, rate = 200, maxMs = 30_000): ProxyLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const shots: Array<Promise<ProxyShot>> = [];
  const start = performance.now();
  const most = Math.ceil((maxMs / 1000) * rate);
  const fire = (): void => {
    const due = Math.min(Math.floor(((performance.now() - start) / 1000) * rate) + 1, most);
    while (shots.length < due) shots.push(shoot(url, agent));
  };
  const timer = setInterval(fire, 5);
  fire();
  let stopped: Promise<ProxyShot[]> | undefined;
  return {
    stop: () => {
      clearInterval(timer);
      stopped ??= Promise.all(shots).then((done) => {
        agent.destroy();
        return done;
      });
      return stopped;
    },
  };
}

async function shoot(url: string, agent: Agent): Promise<ProxyShot> {
  const sentAt = performance.now();
  const first = await attempt(url, agent);
  if (first.failure === undefined || !(first.reused && RETRIED.has(first.failure) && !first.answered)) {
    const failure = first.failure === undefined ? undefined : `${first.failure}${first.reused ? ' on a reused connection' : ''}`;
    const version = first.version;
    return { sentAt, endedAt: performance.now(), retried: false, ...(failure && { failure }), ...(version && { version }) };
  }
  const again = await attempt(url, false);
  return {
    sentAt, endedAt: performance.now(), retried: true, failure: `${first.failure} on a reused connection`,
    ...(again.failure !== undefined && { afterRetry: again.failure }), ...(again.version && { version: again.version }),
  };
}

interface Attempt {
  failure?: string;
  version?: string;
  reused: boolean;
  /** The answer had begun (status line received) when it failed. */
  answered: boolean;
}

function attempt(url: string, agent: Agent | false): Promise<Attempt> {
  return new Promise((resolve) => {
    let settled = false;
    let answered = false;
    let request: ClientRequest | undefined;
    const end = (failure: string | undefined, body = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...(failure !== undefined && { failure }), ...versionOf(body), reused: request?.reusedSocket ?? false, answered });
    };
    request = get(url, { agent }, (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      response.once('end', () => end(response.statusCode === 200 ? undefined : `status ${response.statusCode}`, body));
      response.once('error', (error: NodeJS.ErrnoException) => end(`${error.code ?? error.message} mid-answer`));
    });
    request.once('error', (error: NodeJS.ErrnoException) => end(error.code ?? error.message));
    const timer = setTimeout(() => {
      end('timeout');
      request?.destroy();
    }, 2000);
  });
}

function versionOf(body: string): { version?: string } {
  try {
    const version = (JSON.parse(body) as { version?: unknown }).version;
    return typeof version === 'string' ? { version } : {};
  } catch {
    return {};
  }
}

export interface ProxyLoadSummary {
  sent: number;
  /** Failed requests, no retry counted: what a client that never retries sees. */
  failed: number;
  failures: Record<string, number>;
  /** Resets on reused connections sent once more on a new connection, and how many of those failed again. */
  retried: number;
  failedAfterRetry: number;
  /** The longest time from the last success sent before a run of failures to the first success sent after it. */
  longestGapMs: number;
  slowestMs: number;
  /** Answers per version. */
  versions: Record<string, number>;
}

export function summarizeProxyLoad(shots: ProxyShot[]): ProxyLoadSummary {
  const inOrder = [...shots].sort((a, b) => a.sentAt - b.sentAt);
  let longestGapMs = 0;
  let lastOk: number | undefined;
  let failing = false;
  for (const shot of inOrder) {
    if (shot.failure !== undefined) {
      failing = true;
      continue;
    }
    if (failing && lastOk !== undefined) longestGapMs = Math.max(longestGapMs, shot.sentAt - lastOk);
    failing = false;
    lastOk = shot.sentAt;
  }
  const count = (values: Array<string | undefined>): Record<string, number> => values.reduce<Record<string, number>>((counts, value) => {
    if (value !== undefined) counts[value] = (counts[value] ?? 0) + 1;
    return counts;
  }, {});
  return {
    sent: shots.length,
    failed: shots.filter((s) => s.failure !== undefined).length,
    failures: count(shots.map((s) => s.failure)),
    retried: shots.filter((s) => s.retried).length,
    failedAfterRetry: shots.filter((s) => s.failure !== undefined && (!s.retried || s.afterRetry !== undefined)).length,
    longestGapMs,
    slowestMs: Math.max(0, ...shots.map((s) => s.endedAt - s.sentAt)),
    versions: count(shots.map((s) => s.version)),
  };
}
