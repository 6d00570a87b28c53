import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { postgresSkip, withAdmin, withTempDatabase } from '../helpers/postgres.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { startTcpProxy } from '../helpers/tcpProxy.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';

const skip = await postgresSkip();

/**
 * Run A loses its PostgreSQL ledger (the connection stalls, the process lives
 * on) for longer than its lease, in the middle of its reload. Its run is then
 * interrupted for everyone else: a new rollback is refused naming it, and
 * `resume` takes it over. When A's connection comes back, A's next write is
 * fenced off: it stops, and marks nothing.
 */
test('postgres ledger: a holder cut off past its lease is taken over by resume; it then stops without a step or a mark', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('state:\n  dir: .rewind\n', `state:\n  backend: postgres\n  url: ${JSON.stringify(url)}\n  dir: .rewind\n`);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);
  // A reload that takes a while, so that the stall lands inside it.
  await world.patchConfig('reload: [', 'reload: ["sh", "-c", "sleep 2; exec \\"$@\\"", "sh", ');

  const direct = new URL(url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  t.after(() => proxy.close());
  const viaProxy = new URL(url);
  viaProxy.port = String(proxy.port);
  const runA = spawnCli(world.root, ['rollback', '--apply', '--yes', '--quiet'], {
    REWIND_DATABASE_URL: viaProxy.toString(),
    REWIND_LEASE_MS: '1500',
    REWIND_USER: 'alice@example.com',
  });

  const reloading = await waitFor(async () => {
    const found = await withAdmin((c) => c.query("select run_id from steps where status = 'running' and name like 'reload%'"), url);
    return found.rows[0]?.run_id as string | undefined;
  }, 20_000);
  proxy.pause();
  await sleep(2500); // past A's lease: its renewals are stuck behind the stalled connection

  const refused = await rewind(world.root, ['rollback', '--apply', '--yes'], { REWIND_USER: 'bob@example.com' });
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, new RegExp(`held by an interrupted rollback ${reloading} `));
  const resumed = await rewind(world.root, ['resume', reloading], { REWIND_USER: 'bob@example.com' });
  assert.equal(resumed.code, 0, resumed.stderr);
  const takenOverAt = new Date().toISOString();

  proxy.resume();
  const a = await runA;
  assert.equal(a.code, 3, a.stderr);
  assert.match(a.stderr, new RegExp(`^rewind: run ${reloading} lost its lock on demo-shop:production: .*this process stopped, writing and marking nothing`));

  assert.equal((await world.served())?.sha, await world.shaOf('v2'));
  const history = (await cli('history', '--json')).json();
  assert.equal(history.runs.find((r: any) => r.run_id === reloading).status, 'succeeded');
  const v2 = history.releases.find((r: any) => r.version === 'v2');
  assert.deepEqual([v2.status, v2.marked_bad_at ?? null], ['verified', null], 'A marked nothing');
  const late = await withAdmin((c) => c.query('select name, started_at from steps where run_id = $1 and started_at > $2', [reloading, takenOverAt]), url);
  assert.deepEqual(late.rows, [], 'no step was started after the takeover');
  const audit = (await cli('audit', 'export', '--json')).json().entries;
  assert.equal(audit.filter((e: any) => e.actor === 'alice@example.com' && e.at > takenOverAt).length, 0, 'nothing of A after the takeover');
  assert.equal((await cli('audit', 'verify')).code, 0);
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await sleep(50);
  }
}
