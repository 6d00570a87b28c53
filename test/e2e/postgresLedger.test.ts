import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { postgresSkip, withAdmin, withTempDatabase } from '../helpers/postgres.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { BROKEN, GOOD, makeWorld, type World } from '../helpers/world.js';

const skip = await postgresSkip();

/** A sample app whose ledger is a fresh PostgreSQL database: v1, v2 verified, v3 broken and left live. */
async function brokenWorldOnPostgres(t: TestContext): Promise<{ world: World; url: string }> {
  const { url } = await withTempDatabase(t);
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('state:\n  dir: .rewind\n', `state:\n  backend: postgres\n  url: ${JSON.stringify(url)}\n  dir: .rewind\n`);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  for (const version of ['v1', 'v2']) assert.equal((await rewind(world.root, ['deploy', version])).code, 0);
  assert.equal((await rewind(world.root, ['deploy', 'v3', '--no-auto-rollback'])).code, 1);
  assert.equal(existsSync(join(world.root, '.rewind', 'ledger.sqlite')), false, 'no SQLite ledger was made');
  return { world, url };
}

test('postgres ledger: two rollbacks started together: one runs, the other exits 3 naming the holder', { skip }, async (t) => {
  const { world, url } = await brokenWorldOnPostgres(t);
  // A slow smoke command keeps the winner inside its run long enough for the race to be real.
  await world.patchConfig('    smoke:\n', `    smoke:\n      - ["${process.execPath}", "-e", "setTimeout(() => {}, 2500)"]\n`);
  const [a, b] = await Promise.all([
    spawnCli(world.root, ['rollback', '--apply', '--yes'], { REWIND_USER: 'alice@example.com' }),
    spawnCli(world.root, ['rollback', '--apply', '--yes'], { REWIND_USER: 'bob@example.com' }),
  ]);
  assert.deepEqual([a.code, b.code].sort(), [0, 3], `${a.stderr}\n${b.stderr}`);
  const loser = a.code === 3 ? a : b;
  const winner = a.code === 3 ? 'bob@example.com' : 'alice@example.com';
  assert.match(loser.stderr, new RegExp(`production is locked by run rollback-\\S+ by ${winner.replace('.', '\\.')} on ${hostname()} \\(pid \\d+\\) since \\S+`));
  assert.equal(await world.current(), 'releases/v2');
  const runs = (await rewind(world.root, ['history', '--json'])).json().runs.filter((r: any) => r.kind === 'rollback');
  assert.equal(runs.filter((r: any) => r.status === 'succeeded').length, 1);
  // The history is in PostgreSQL, and its audit chain holds.
  const inDb = await withAdmin((client) => client.query("select count(*)::int as n from runs where kind = 'rollback' and status = 'succeeded'"), url);
  assert.equal(inDb.rows[0].n, 1);
  assert.equal((await rewind(world.root, ['audit', 'verify'])).code, 0);
  // A released lock keeps its row, marked free (an empty run_id), so its generation keeps counting.
  const locks = await withAdmin((client) => client.query("select * from locks where run_id <> ''"), url);
  assert.deepEqual(locks.rows, [], 'the winner released its lock');
});

test('postgres ledger: a live holder on another machine blocks; an expired lease or a dead local pid is taken over', { skip }, async (t) => {
  const { world, url } = await brokenWorldOnPostgres(t);
  // An upsert of every holder column: a released lock keeps its row (marked free), so there is usually one already.
  const lockRow = (host: string, pid: number, expiresAt: string) => withAdmin(
    (client) => client.query(
      `insert into locks (key, run_id, "user", host, pid, since, expires_at) values ('demo-shop:production', 'rollback-elsewhere', 'carol@example.com', $1, $2, '2025-01-01T10:00:00.000Z', $3)
       on conflict (key) do update set host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at, run_id = excluded.run_id,
         "user" = excluded."user", since = excluded.since`,
      [host, pid, expiresAt],
    ),
    url,
  );

  await lockRow('build-box-2', 4242, new Date(Date.now() + 600_000).toISOString());
  const blocked = await rewind(world.root, ['rollback', '--apply', '--yes']);
  assert.equal(blocked.code, 3);
  assert.match(blocked.stderr, /production is locked by run rollback-elsewhere by carol@example\.com on build-box-2 \(pid 4242\) since 2025-01-01T10:00:00\.000Z/);
  assert.equal(await world.current(), 'releases/v3', 'nothing changed while blocked');

  await lockRow('build-box-2', 4242, new Date(Date.now() - 1000).toISOString());
  const afterExpiry = await rewind(world.root, ['rollback', '--apply', '--yes']);
  assert.equal(afterExpiry.code, 0, afterExpiry.stderr);
  assert.equal(await world.current(), 'releases/v2');

  // A holder on this host whose process has died: its lease has not run out, but it is gone.
  assert.equal((await rewind(world.root, ['deploy', 'v3', '--no-auto-rollback'])).code, 1);
  await lockRow(hostname(), await deadPid(), new Date(Date.now() + 600_000).toISOString());
  const afterCrash = await rewind(world.root, ['rollback', '--apply', '--yes']);
  assert.equal(afterCrash.code, 0, afterCrash.stderr);
  assert.equal(await world.current(), 'releases/v2');
  assert.equal((await rewind(world.root, ['audit', 'verify'])).code, 0);
});

/** The pid of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(child.pid!));
  });
}
