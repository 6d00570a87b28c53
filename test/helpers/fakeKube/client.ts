/**
 * A bare HTTPS client for tests that talk to the fake directly (no kubectl): one request with the fake's CA and
 * token, or a watch whose events are collected as they arrive.
 */
import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { FakeKube } from './index.js';

type Obj = Record<string, any>;

export interface KubeAnswer {
  status: number;
  contentType: string;
  body: Obj;
}

function options(kube: FakeKube, method: string, path: string, headers: Record<string, string>, token?: string): RequestOptions {
  const url = new URL(path, kube.url);
  return {
    method, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, ca: readFileSync(kube.caFile),
    headers: { Authorization: `Bearer ${token ?? kube.token}`, Accept: 'application/json', ...headers },
  };
}

export function kubeRequest(
  kube: FakeKube, method: string, path: string, body?: unknown,
  { contentType = 'application/json', token }: { contentType?: string; token?: string } = {},
): Promise<KubeAnswer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = text === undefined ? {} : { 'Content-Type': contentType };
  return new Promise((resolve, reject) => {
    const req = request(options(kube, method, path, headers, token), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: raw ? JSON.parse(raw) : {} });
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.once('error', reject);
    req.end(text);
  });
}

export interface WatchEvent {
  type: string;
  object: Obj;
}

export interface KubeWatch {
  events: WatchEvent[];
  /** Resolves with the first event (among those so far and to come) that satisfies `check`. */
  until(check: (event: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function kubeWatch(kube: FakeKube, path: string): Promise<KubeWatch> {
  const events: WatchEvent[] = [];
  const waiters = new Set<() => void>();
  let close = (): void => undefined;
  let ended!: Promise<void>;
  await new Promise<void>((resolve, reject) => {
    const req = request(options(kube, 'GET', path, {}), (res) => {
      if (res.statusCode !== 200) reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        buffered += text;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as WatchEvent);
        for (const wake of [...waiters]) wake();
      });
      ended = new Promise((done) => res.once('close', () => done()));
      resolve();
    });
    req.once('error', reject);
    close = () => req.destroy();
    req.end();
  });
  const until = (check: (event: WatchEvent) => boolean, timeoutMs = 10_000): Promise<WatchEvent> =>
    new Promise((resolve, reject) => {
      const look = (): boolean => {
        const hit = events.find(check);
        if (hit) resolve(hit);
        return hit !== undefined;
      };
      if (look()) return;
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`watch ${path}: no such event in ${timeoutMs} ms (${events.length} events)`));
      }, timeoutMs);
      const wake = (): void => {
        if (!look()) return;
        clearTimeout(timer);
        waiters.delete(wake);
      };
      waiters.add(wake);
    });
  return { events, until, ended, close };
}
