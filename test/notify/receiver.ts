import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  /** The Authorization header, as sent. */
  authorization: string | undefined;
  /** The request body parsed as JSON. */
  body: unknown;
}

/** What the receiver does with the n-th request (1-based): answer, or never answer. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface TestReceiver {
  /** http://127.0.0.1:<port> with no path. */
  origin: string;
  port: number;
  received: Received[];
}

/**
 * A real HTTP receiver on 127.0.0.1 and a free port that records every
 * request's body and answers as scripted; closed (hung requests included)
 * when the test ends.
 */
export async function startReceiver(t: TestContext, reply: (n: number, request: Received) => Reply = () => ({ status: 200, body: 'ok' })): Promise<TestReceiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text so a test can show what arrived.
      }
      const request: Received = { method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, body };
      received.push(request);
      answer(res, reply(received.length, request));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, received };
}

function answer(res: ServerResponse, reply: Reply): void {
  if (reply === 'hang') return;
  res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
  res.end(reply.body ?? '');
}

/** A port that was just open and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
