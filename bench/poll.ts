/** The sha a host's /health reports, or undefined (no answer, no JSON, aborted). */
export async function servedSha(baseUrl: string, signal: AbortSignal = AbortSignal.timeout(2000)): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal });
    const body = (await response.json()) as { sha?: string };
    return body.sha;
  } catch {
    return undefined;
  }
}

/**
 * performance.now() at which every host's /health first reported `sha`.
 * Each host gets a request every ~5 ms whether or not the last one has
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
