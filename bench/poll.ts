import { get } from 'node:http';
/**
 * The sha a host's /health reports, or undefined (no answer, no JSON, aborted).
 * A new connection every time: a pooled keep-alive connection would stick to
 * one PM2 worker and see the old release until that worker is retired, long
 * after a new worker serves the target.
 */
export function servedSha(baseUrl: string, signal: AbortSignal = AbortSignal.timeout(2000)): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = get(`${baseUrl}/health`, { agent: false, signal }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      response.on('end', () => {
        try {
          resolve((JSON.parse(body) as { sha?: string }).sha);
        } catch {
          resolve(undefined);
        }
      });
      response.on('error', () => resolve(undefined));
    });
    request.on('error', () => resolve(undefined));
  });
}

/**
 * performance.now() at which every host's /health first reported `sha`.
 * Each host gets a request every `everyMs` whether or not the last one has
 * answered (a request stuck on a dying worker must not delay the reading),
 * each with a 2 s timeout, until it reports the sha; throws at the deadline.
 */
export async function whenAllServe(baseUrls: string[], sha: string, timeoutMs: number, everyMs = 5): Promise<number> {
  const times = await Promise.all(baseUrls.map((url) => whenServes(url, sha, timeoutMs, everyMs)));
  return Math.max(...times);
}

function whenServes(url: string, sha: string, timeoutMs: number, everyMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const stop = new AbortController();
    const finish = (settle: () => void): void => {
      clearInterval(timer);
      clearTimeout(deadline);
      stop.abort();
      settle();
    };
    const attempt = (): void => {
      void servedSha(url, AbortSignal.any([stop.signal, AbortSignal.timeout(2000)])).then((seen) => {
        if (seen === sha && !stop.signal.aborted) {
          const at = performance.now();
          finish(() => resolve(at));
        }
      });
    };
    const timer = setInterval(attempt, everyMs);
    const deadline = setTimeout(() => finish(() => reject(new Error(`bench: ${url} did not report ${sha.slice(0, 8)} within ${timeoutMs} ms`))), timeoutMs);
    attempt();
  });
}
