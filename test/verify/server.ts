import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface TestServer {
  url: string;
  /** Requests seen so far. */
  hits(): number;
}

/**
 * A real HTTP server on 127.0.0.1 and a free port, closed when the test ends.
 * The handler gets the 1-based request number so tests can script sequences.
 */
export async function startServer(
  t: TestContext,
  handler: (n: number, req: IncomingMessage, res: ServerResponse) => void,
  path = '/health',
): Promise<TestServer> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    handler(count, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, hits: () => count };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** A port that was just open and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
