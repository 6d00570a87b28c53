import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { GOOD, makeWorld } from '../helpers/world.js';

interface Load {
  sent: number;
  failures: string[];
  versions: Set<string>;
}

/**
 * A steady client on keep-alive connections (what a proxy in front of the
 * app looks like), one request every `everyMs`, until stopped. Bounded: it
 * stops by itself after `limitMs`.
 */
function steadyLoad(port: number, everyMs: number, limitMs: number): { stop: () => Promise<Load> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const load: Load = { sent: 0, failures: [], versions: new Set() };
  const pending = new Set<Promise<void>>();
  const one = (): Promise<void> =>
    new Promise<void>((resolve) => {
      load.sent += 1;
      const request = get({ host: '127.0.0.1', port, path: '/', agent, timeout: 3000 }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        response.on('end', () => {
          if (response.statusCode !== 200) load.failures.push(`HTTP ${response.statusCode}`);
          else load.versions.add((JSON.parse(body) as { version: string }).version);
          resolve();
        });
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error: NodeJS.ErrnoException) => { load.failures.push(error.code ?? error.message); resolve(); });
    });
  const started = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - started > limitMs) return clearInterval(timer);
    const p = one();
    pending.add(p);
    void p.then(() => pending.delete(p));
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      return load;
    },
  };
}

test('a rollback in PM2 cluster mode drops no request: the sample app drains its workers when PM2 retires them', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
  for (const version of ['v1', 'v2']) assert.equal((await rewind(world.root, ['deploy', version])).code, 0);
  const load = steadyLoad(world.layout.port, 10, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const rolled = await rewind(world.root, ['rollback', '--apply', '--yes']);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const seen = await load.stop();
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.deepEqual(seen.failures, [], `${seen.failures.length} of ${seen.sent} requests failed`);
  assert.ok(seen.sent > 50, `only ${seen.sent} requests were sent`);
  // The load saw the switch happen: both versions answered it.
  assert.deepEqual([...seen.versions].sort(), ['v1', 'v2']);
});
