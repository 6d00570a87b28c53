import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { postgresSkip, withAdmin, withTempDatabase } from '../helpers/postgres.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { BROKEN, GOOD, makeWorld, type World } from '../helpers/world.js';

const skipPostgres = await postgresSkip();

const auditActions = async (world: World): Promise<string[]> => {
  const exported = await rewind(world.root, ['audit', 'export']);
  assert.equal(exported.code, 0, exported.stderr);
  return exported.stdout.trim().split('\n').map((line) => JSON.parse(line).action);
};

/** A deploy of a broken version after the ledger was rebuilt: it goes back to the verified release by itself. */
async function brokenDeployRollsBack(world: World, version: string, to: string): Promise<void> {
  const broken = await spawnCli(world.root, ['deploy', version, '--json']);
  assert.equal(broken.code, 1, broken.stderr);
  const doc = JSON.parse(broken.stdout);
  assert.equal(doc.error.code, 'VERIFY_FAILED');
  assert.equal(doc.rollback?.ok, true, JSON.stringify(doc));
  assert.equal(doc.rollback.to_version, to);
  assert.equal(await world.current(), `releases/${to}`);
  assert.equal((await world.served())?.sha, await world.shaOf(to));
}

test('a SQLite ledger truncated to 0 bytes is noticed: refused, rebuilt, and the broken deploy rolls back again', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), BROKEN('v2')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  // Deploys, refusals and the rebuild run as real processes; reads after them in this one, to save time.
  const cli = (...args: string[]) => spawnCli(world.root, args);
  const read = (...args: string[]) => rewind(world.root, args);
  const ledger = join(world.root, '.rewind', 'ledger.sqlite');
  const sha1 = await world.shaOf('v1');

  const first = await cli('deploy', 'v1');
  assert.equal(first.code, 0, first.stderr);
  await truncate(ledger, 0);

  await t.test('the broken deploy is refused: exit 2, one line naming what was found, nothing written', async () => {
    const reports = await readdir(join(world.root, '.rewind', 'reports'));
    const trend = await readFile(join(world.root, '.rewind', 'reports', 'trend.csv'), 'utf8');
    const broken = await cli('deploy', 'v2');
    assert.equal(broken.code, 2, `${broken.stdout}\n${broken.stderr}`);
    assert.equal(broken.stdout, '');
    assert.equal(broken.stderr.trim().split('\n').length, 1, broken.stderr);
    assert.equal(
      broken.stderr.trim(),
      `rewind: the ledger ${ledger} is empty but ${world.layout.deployPath}/releases holds 1 release made by rewind (v1) ` +
        `and ${world.root}/.rewind/reports holds 1 run of demo-shop production; ` +
        'run `rewind ledger rebuild` or pass --new-ledger to start afresh',
    );
    assert.equal((await stat(ledger)).size, 0, 'the empty ledger was left as it was');
    assert.deepEqual(await readdir(join(world.root, '.rewind', 'reports')), reports);
    assert.equal(await readFile(join(world.root, '.rewind', 'reports', 'trend.csv'), 'utf8'), trend);
    assert.equal(existsSync(join(world.layout.deployPath, 'releases', 'v2')), false, 'nothing was built');
    assert.equal(await world.current(), 'releases/v1');
    assert.equal((await world.served())?.sha, sha1);
  });

  await t.test('every command that reads or acts on the ledger refuses the same way', async () => {
    for (const args of [['status'], ['history'], ['rollback'], ['record', '--version', 'v9', '--sha', 'abcdef1', '--status', 'verified']]) {
      const refused = await read(...args, '--json');
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
      const doc = JSON.parse(refused.stdout);
      assert.equal(doc.error.code, 'LEDGER_LOST', args.join(' '));
    }
    assert.equal((await stat(ledger)).size, 0);
  });

  await t.test('ledger rebuild re-creates v1 as verified and live, marked rebuilt', async () => {
    const rebuilt = await cli('ledger', 'rebuild');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /^rebuilt 1 release in \S+ledger\.sqlite from what the targets hold and 1 run in \S+reports, newest first:$/m);
    assert.match(rebuilt.stdout, /^ {2}v1 {2}verified {2}verified: deploy deploy-\S+ succeeded; current points at it$/m);
    const history = (await read('history', '--json')).json();
    assert.deepEqual(history.releases.map((r: any) => [r.version, r.sha, r.status, r.deployed_by]), [['v1', sha1, 'verified', 'tester@example.com']]);
    assert.match(history.releases[0].rebuilt_at, /^\d{4}-\d\d-\d\dT/);
    assert.match((await read('history')).stdout, /v1 +\S+ +verified \(rebuilt\)/);
    const status = (await read('status', '--json')).json();
    assert.equal(status.live.version, 'v1');
    assert.deepEqual(status.drift, []);
    assert.match((await read('status')).stdout, /live \(ledger\): +v1 \(\w+\) verified, deployed \S+ by tester@example\.com \(rebuilt \S+ by `ledger rebuild`\)/);
    assert.ok((await auditActions(world)).includes('ledger.rebuilt'));
  });

  await t.test('the broken deploy now gets its automatic rollback to v1', async () => {
    await brokenDeployRollsBack(world, 'v2', 'v1');
  });

  await t.test('a second rebuild is refused: the ledger holds releases', async () => {
    const again = await cli('ledger', 'rebuild');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds 2 releases of demo-shop production: a rebuild only fills a ledger that lost them; nothing was written/);
  });
});

test('a deleted SQLite ledger is noticed; rebuilt from the reports it tells the rolled-back release apart; --new-ledger starts afresh', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), BROKEN('v2'), GOOD('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => spawnCli(world.root, args);
  const ledger = join(world.root, '.rewind', 'ledger.sqlite');
  const lose = async () => {
    for (const suffix of ['', '-wal', '-shm']) await rm(`${ledger}${suffix}`, { force: true });
  };

  assert.equal((await cli('deploy', 'v1')).code, 0);
  assert.equal((await cli('deploy', 'v2')).code, 1, 'v2 is broken and rolled back to v1');
  await lose();

  await t.test('refused, and no ledger file is created', async () => {
    const refused = await cli('deploy', 'v3');
    assert.equal(refused.code, 2, `${refused.stdout}\n${refused.stderr}`);
    assert.match(refused.stderr, /is empty but \S+ holds 2 releases made by rewind \(v1, v2\) and \S+ holds 3 runs of demo-shop production;/);
    assert.equal(existsSync(ledger), false, 'no empty ledger was created');
    assert.equal(await world.current(), 'releases/v1');
  });

  await t.test('rebuilt: v1 verified and live, v2 rolled back (never a rollback target)', async () => {
    const rebuilt = await cli('ledger', 'rebuild', '--json');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const doc = JSON.parse(rebuilt.stdout);
    assert.equal(doc.live, 'v1');
    assert.deepEqual(doc.releases.map((r: any) => [r.version, r.status, r.marked_bad_at !== null]), [['v2', 'rolled_back', true], ['v1', 'verified', false]]);
    assert.match(doc.releases[0].basis, /^rolled back: rollback rollback-\S+ left it$/);
    assert.equal(doc.reports.runs, 3);
    const status = (await rewind(world.root, ['status', '--json'])).json();
    assert.equal(status.live.version, 'v1');
    assert.equal(status.live.status, 'verified');
  });

  await t.test('--new-ledger starts afresh, and the audit log keeps that choice', async () => {
    await lose();
    const fresh = await cli('deploy', 'v3', '--new-ledger');
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(await world.current(), 'releases/v3');
    const exported = await rewind(world.root, ['audit', 'export']);
    const first = JSON.parse(exported.stdout.trim().split('\n')[0] as string);
    assert.equal(first.action, 'ledger.started_afresh');
    assert.deepEqual(first.detail.found.hosts.map((h: any) => h.versions), [['v1', 'v2']]);
    assert.equal(first.detail.found.reports.runs, 3);
    const status = await cli('status', '--json');
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).live.version, 'v3');
  });
});

test('an emptied PostgreSQL ledger is noticed the same way, rebuilt, and the broken deploy rolls back', { skip: skipPostgres }, async (t) => {
  const { url } = await withTempDatabase(t);
  const world = await makeWorld(t, [GOOD('v1'), BROKEN('v2')]);
  await world.patchConfig('state:\n  dir: .rewind\n', `state:\n  backend: postgres\n  url: ${JSON.stringify(url)}\n  dir: .rewind\n`);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  assert.equal((await spawnCli(world.root, ['deploy', 'v1'])).code, 0);
  // The schema stays; every row of history goes (a restore of the wrong backup, a TRUNCATE by hand).
  await withAdmin((client) => client.query('truncate releases, runs, steps, audit, locks'), url);

  const refused = await spawnCli(world.root, ['deploy', 'v2']);
  assert.equal(refused.code, 2, `${refused.stdout}\n${refused.stderr}`);
  assert.match(refused.stderr, /^rewind: the ledger postgres:\/\/\S+ is empty but \S+ holds 1 release made by rewind \(v1\)/);
  const rows = await withAdmin((client) => client.query('select (select count(*) from releases)::int as releases, (select count(*) from audit)::int as audit'), url);
  assert.deepEqual(rows.rows[0], { releases: 0, audit: 0 }, 'nothing was written');

  assert.equal((await spawnCli(world.root, ['ledger', 'rebuild'])).code, 0);
  await brokenDeployRollsBack(world, 'v2', 'v1');
});
