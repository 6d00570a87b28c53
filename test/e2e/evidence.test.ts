import assert from 'node:assert/strict';
import { rename, symlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { rewind } from '../helpers/cli.js';
import { BROKEN, GOOD, makeWorld, type World } from '../helpers/world.js';

/** A release is judged only on evidence about it: what `current` says and what the app serves, not what the ledger believes. */

async function releaseStatuses(world: World): Promise<[string, string, boolean][]> {
  const history = (await rewind(world.root, ['history', '--json'])).json();
  return history.releases.map((r: any) => [r.version, r.status, r.marked_bad_at !== null]);
}

/**
 * What a rollback from v3 to v2 killed after its switch and before its reload leaves: `current`
 * on v2, the ledger saying v2 is live (the switch step recorded it), the app still serving v3.
 */
async function leaveAsAKilledSwitch(world: World, version: string): Promise<void> {
  const deployPath = world.layout.deployPath;
  await symlink(`releases/${version}`, join(deployPath, 'current.by-hand'));
  await rename(join(deployPath, 'current.by-hand'), join(deployPath, 'current'));
  const ledger = await openSqliteLedger(join(world.root, '.rewind', 'ledger.sqlite'));
  try {
    const release = (await ledger.listReleases({ app: 'demo-shop', env: 'production' })).find((r) => r.version === version);
    assert.ok(release, `no ${version} in the ledger`);
    await ledger.markLive(release.id, 'live', new Date().toISOString());
  } finally {
    await ledger.close();
  }
}

test('current switched back but the app not reloaded: the rollback starts from what the app serves', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);
  await leaveAsAKilledSwitch(world, 'v2');
  assert.equal(await world.current(), 'releases/v2');
  assert.equal((await world.served())?.version, 'v3');
  assert.equal((await cli('status', '--json')).json().live.version, 'v2');

  const planned = await cli('rollback', '--json');
  assert.equal(planned.code, 0, planned.stderr);
  const plan = planned.json().plan;
  assert.deepEqual([plan.from.version, plan.to.version, plan.targetChosenBy], ['v3', 'v2', 'last_known_good']);
  assert.equal(plan.risks.find((r: any) => r.code === 'drift')?.message, 'the ledger says v2 is live, current is v2, the app serves v3');

  const applied = await cli('rollback', '--apply', '--yes', '--json');
  assert.equal(applied.code, 0, applied.stderr);
  assert.deepEqual([applied.json().plan.from.version, applied.json().plan.to.version], ['v3', 'v2']);
  assert.deepEqual(await world.served(), { http: 200, version: 'v2', sha: await world.shaOf('v2') });
  assert.equal(await world.current(), 'releases/v2');
  // The good release is not marked bad; the one the app served is.
  assert.deepEqual(await releaseStatuses(world), [['v3', 'rolled_back', true], ['v2', 'verified', false], ['v1', 'superseded', false]]);
});

test('a broken deploy on top of a broken live release rolls back by itself to the last known good', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3'), BROKEN('v4')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);
  assert.equal((await world.served())?.version, 'v3');

  const deployed = await cli('deploy', 'v4', '--json');
  assert.equal(deployed.code, 1, deployed.stderr);
  const doc = deployed.json();
  assert.equal(doc.error.code, 'VERIFY_FAILED');
  assert.equal(doc.previous_version, 'v3');
  assert.equal(doc.rollback_skipped, null);
  assert.deepEqual([doc.rollback.ok, doc.rollback.to_version], [true, 'v2']);
  assert.deepEqual(await world.served(), { http: 200, version: 'v2', sha: await world.shaOf('v2') });
  assert.equal(await world.current(), 'releases/v2');
  assert.deepEqual(await releaseStatuses(world), [
    ['v4', 'rolled_back', true], ['v3', 'failed', true], ['v2', 'verified', false], ['v1', 'superseded', false],
  ]);
  const rollback = (await cli('history', '--json')).json().runs[0];
  assert.deepEqual([rollback.kind, rollback.status, rollback.from_version, rollback.to_version], ['rollback', 'succeeded', 'v4', 'v2']);
});

test('a broken deploy with no known good release to go back to says the automatic rollback did not run', async (t) => {
  const world = await makeWorld(t, [BROKEN('v1'), BROKEN('v2')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  assert.equal((await cli('deploy', 'v1', '--no-auto-rollback')).code, 1);
  const deployed = await cli('deploy', 'v2', '--json');
  assert.equal(deployed.code, 1, deployed.stderr);
  const doc = deployed.json();
  assert.equal(doc.rollback, null);
  assert.match(doc.rollback_skipped, /^the automatic rollback did not run: no known good release older than v2/);
  assert.equal(await world.current(), 'releases/v2');
  assert.equal((await cli('history', '--json')).json().runs.some((r: any) => r.kind === 'rollback'), false);
});

test('--failed-deployment-id naming a release that does not run is refused: nothing is saved or switched', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), GOOD('v3')]);
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2', 'v3']) assert.equal((await cli('deploy', version)).code, 0);
  const before = { current: await world.current(), served: await world.served() };
  assert.deepEqual(before, { current: 'releases/v3', served: { http: 200, version: 'v3', sha: await world.shaOf('v3') } });

  const refused = await cli('rollback', '--failed-deployment-id', 'v2', '--apply', '--yes');
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.equal(
    refused.stderr,
    'rewind: --failed-deployment-id v2: production runs v3, not v2; leave out --failed-deployment-id to roll back v3\n',
  );
  assert.equal(refused.stdout, '');
  assert.deepEqual({ current: await world.current(), served: await world.served() }, before);
  const history = (await cli('history', '--json')).json();
  assert.deepEqual(history.runs.map((r: any) => r.kind), ['deploy', 'deploy', 'deploy']);
  assert.deepEqual(history.releases.map((r: any) => r.status), ['verified', 'superseded', 'superseded']);

  const json = await cli('rollback', '--failed-deployment-id', 'v2', '--json');
  assert.equal(json.code, 2);
  assert.equal(json.json().error.code, 'FAILED_NOT_RUNNING');
});

test('an app that does not answer, or answers too slowly, is no evidence: the plan goes by current, without waiting long', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);
  const planFrom = async () => {
    const started = performance.now();
    const planned = await cli('rollback', '--json');
    assert.equal(planned.code, 0, planned.stderr);
    const { plan } = planned.json();
    return { from: plan.from.version, to: plan.to.version, drift: plan.risks.some((r: any) => r.code === 'drift'), ms: performance.now() - started };
  };

  // A health endpoint that accepts the connection and never answers: one probe, given up after a second.
  const hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  t.after(() => { hanging.closeAllConnections(); hanging.close(); });
  const port = (hanging.address() as AddressInfo).port;
  await world.patchConfig(`url: http://127.0.0.1:${world.layout.port}/health`, `url: http://127.0.0.1:${port}/health`);
  const slow = await planFrom();
  assert.deepEqual([slow.from, slow.to, slow.drift], ['v3', 'v2', false]);
  assert.ok(slow.ms < 3000, `planning waited ${Math.round(slow.ms)} ms for an app that does not answer`);

  await world.patchConfig(`url: http://127.0.0.1:${port}/health`, `url: http://127.0.0.1:${world.layout.port}/health`);
  await world.stopApp();
  const down = await planFrom();
  assert.deepEqual([down.from, down.to, down.drift], ['v3', 'v2', false]);
});
