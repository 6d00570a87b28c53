/**
 * The clock's stop: /health through the proxy asked every `everyMs` on a NEW
 * connection each time (agent: false), whether or not the last one has
 * answered (at most 100 in flight), each with a 2 s timeout. A new connection
 * is what a new user gets; a pooled keep-alive one would stay on an old nginx
 * worker. Every answer is kept, so that what came after the first answer
 * from the target (old workers still answering) can be told too.
 */
import { get } from 'node:http';

export interface PollAnswer {
  sentAt: number;
  endedAt: number;
  /** The sha /health reported; none when it failed. */
  sha?: string;
  /** Why there was no sha: `status 502`, ECONNRESET, timeout, `no sha`. */
  failure?: string;
}

export interface ProxyPoll {
  /** performance.now() when the first answer reporting `sha` arrived; rejects at the deadline. */
  firstTarget: Promise<number>;
  /** Stop asking; resolves once every request in flight has ended, with every answer. */
  stop(): Promise<PollAnswer[]>;
}

const MAX_IN_FLIGHT = 100;

export function pollProxy(healthUrl: string, sha: string, everyMs = 5, timeoutMs = 60_000): ProxyPoll {
  const answers: Array<Promise<PollAnswer>> = [];
  let inFlight = 0;
  let seen: ((at: number) => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  const firstTarget = new Promise<number>((resolve, reject) => {
    seen = resolve;
    failed = reject;
  });
  let found = false;
  const ask = (): void => {
    if (inFlight >= MAX_IN_FLIGHT) return;
    inFlight += 1;
    answers.push(askOnce(healthUrl).then((answer) => {
      inFlight -= 1;
      if (!found && answer.sha === sha) {
        found = true;
        seen?.(answer.endedAt);
      }
      return answer;
    }));
  };
  const timer = setInterval(ask, everyMs);
  const deadline = setTimeout(() => {
    clearInterval(timer);
    if (!found) failed?.(new Error(`bench: ${healthUrl} did not report ${sha.slice(0, 8)} within ${timeoutMs} ms`));
  }, timeoutMs);
  ask();
  // Nobody may be waiting on it when stop() comes first.
  firstTarget.catch(() => undefined);
  return {
    firstTarget,
    stop: async () => {
      clearInterval(timer);
      clearTimeout(deadline);
      return Promise.all(answers);
    },
  };
}

function askOnce(url: string): Promise<PollAnswer> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const end = (outcome: { sha?: string; failure?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ sentAt, endedAt: performance.now(), ...outcome });
    };
    const request = get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      response.once('end', () => {
        if (response.statusCode !== 200) return end({ failure: `status ${response.statusCode}` });
        try {
          const reported = (JSON.parse(body) as { sha?: unknown }).sha;
          end(typeof reported === 'string' ? { sha: reported } : { failure: 'no sha' });
        } catch {
          end({ failure: 'no sha' });
        }
      });
      response.once('error', (error: NodeJS.ErrnoException) => end({ failure: `${error.code ?? error.message} mid-answer` }));
    });
    request.once('error', (error: NodeJS.ErrnoException) => end({ failure: error.code ?? error.message }));
    const timer = setTimeout(() => {
      end({ failure: 'timeout' });
      request.destroy();
    }, 2000);
  });
}
