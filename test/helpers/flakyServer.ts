/**
 * An HTTP server on a free loopback port whose answers the test decides: a
 * share of requests answered 500 (0: all good, 1: all failing), or flapping
 * between all good and all failing every `flapMs`. What a watch's
 * `error_rate` condition samples. Closed when the test ends.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface FlakyServer {
  url: string;
  /** Answer this share of requests with 500, spread evenly. */
  fail(share: number): void;
  /** Alternate between all good and all failing every `ms`. */
  flap(ms: number): void;
  /** When the answers last changed from good to failing (ms, performance.now()). */
  failingSince(): number | null;
}

export async function startFlakyServer(t: TestContext): Promise<FlakyServer> {
  let share = 0;
  let flapMs: number | null = null;
  let counter = 0;
  let since: number | null = null;
  const failing = (): boolean => {
    if (flapMs !== null) return Math.floor(performance.now() / flapMs) % 2 === 1;
    counter += 1;
    return Math.floor(counter * share) !== Math.floor((counter - 1) * share);
  };
  const server = createServer((req, res) => {
    req.resume();
    const bad = failing();
    res.writeHead(bad ? 500 : 200, { 'content-type': 'text/plain' }).end(bad ? 'failing\n' : 'ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    fail: (next) => {
      if (share === 0 && next > 0) since = performance.now();
      share = next;
      flapMs = null;
    },
    flap: (ms) => {
      flapMs = ms;
    },
    failingSince: () => since,
  };
}
