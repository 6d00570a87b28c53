/**
 * The two copies of an app behind a blue/green proxy, as small node:http
 * servers on loopback, each answering its slot's name; and the clients that
 * ask through the proxy which slot answers. Stopped when the test ends.
 */
import { Agent, createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { Slot } from '../../src/core/traffic.js';

export interface SlotApps {
  ports: Record<Slot, number>;
  /** Requests each slot has answered. */
  served: Record<Slot, number>;
}

/** `delayMs`: each answer waits this long, so requests are in flight when the proxy switches. */
export async function startSlotApps(t: TestContext, delayMs = 0): Promise<SlotApps> {
  const served: Record<Slot, number> = { blue: 0, green: 0 };
  const start = async (slot: Slot): Promise<number> => {
    const server: Server = createServer((_request, response) => {
      setTimeout(() => {
        served[slot] += 1;
        response.writeHead(200, { 'content-type': 'text/plain' }).end(slot);
      }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
    return (server.address() as AddressInfo).port;
  };
  return { ports: { blue: await start('blue'), green: await start('green') }, served };
}

/** One request on a connection of its own: the body, or `HTTP <status>` / the error code. */
export function answerOf(url: string): Promise<string> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 3000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? body : `HTTP ${response.statusCode}`));
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Ten requests one after the other, each on a new connection: what the proxy answers now. */
export async function tenAnswers(url: string): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < 10; i += 1) answers.push(await answerOf(url));
  return answers;
}

export interface LoadResult {
  sent: number;
  /** Each failed request's reason: `HTTP 502`, ECONNRESET, timeout. */
  failures: string[];
  /** How many requests each answer got. */
  answers: Record<string, number>;
  /** Requests reset before any answer and sent again (only with retryResetOnNewConnection), whether the retry passed or not. */
  resetsRetried: number;
}

export interface LoadOptions {
  requests: number;
  overMs: number;
  /**
   * Send a GET that was reset before any answer again, once, on a new
   * connection: what browsers and Go's net/http do for idempotent requests
   * (RFC 9110 9.2.2), and what Node's docs advise for a reset on a reused
   * keep-alive connection. A server that closes an idle keep-alive
   * connection just as a request leaves on it resets that request unread.
   */
  retryResetOnNewConnection: boolean;
}

/**
 * A bounded keep-alive load: `requests` requests spread evenly over
 * `overMs`, on at most 8 reused connections (what a browser or a proxy in
 * front does), each with a 3 s timeout. Resolves when every one has ended.
 */
export async function keepAliveLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const result: LoadResult = { sent: 0, failures: [], answers: {}, resetsRetried: 0 };
  const one = async (): Promise<void> => {
    result.sent += 1;
    let outcome = await attempt(url, agent);
    if (options.retryResetOnNewConnection && (outcome.failure === 'ECONNRESET' || outcome.failure === 'EPIPE')) {
      result.resetsRetried += 1;
      outcome = await attempt(url, false);
    }
    if (outcome.failure === undefined) result.answers[outcome.body] = (result.answers[outcome.body] ?? 0) + 1;
    else result.failures.push(outcome.failure);
  };
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < options.requests; i += 1) {
    const due = started + (i * options.overMs) / options.requests;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    pending.push(one());
  }
  await Promise.all(pending);
  agent.destroy();
  return result;
}

interface Outcome {
  failure?: string;
  body: string;
}

function attempt(url: string, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (failure: string | undefined, body = ''): void => {
      if (settled) return;
      settled = true;
      resolve({ ...(failure !== undefined && { failure }), body });
    };
    const request = get(url, { agent, timeout: 3000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => settle(response.statusCode === 200 ? undefined : `HTTP ${response.statusCode}`, body));
      response.on('error', (error: NodeJS.ErrnoException) => settle(`${error.code ?? error.message} after the answer began`));
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    request.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
  });
}
