import assert from 'node:assert/strict';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeFleet } from '../helpers/fleet.js';
import { sshdSkipReason } from '../helpers/sshd.js';
import { BROKEN, GOOD } from '../helpers/world.js';

test('a fleet over real SSH: canary, automatic rollback, partial failure and convergence', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')], 3);
  const c = fleet.addresses[2] as string;
  const shas = { v1: await fleet.shaOf('v1'), v2: await fleet.shaOf('v2') };
  const all = async () => Promise.all(fleet.addresses.map(async (x) => [await fleet.current(x), (await fleet.served(x))?.sha]));

  for (const version of ['v1', 'v2'] as const) {
    const deployed = await fleet.cli('deploy', version);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    assert.deepEqual(await all(), fleet.addresses.map(() => [`releases/${version}`, shas[version]]));
  }

  // The canary takes the broken release alone; it fails, the fleet goes back, the others never ran it.
  const broken = await fleet.cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1);
  const doc = broken.json();
  assert.match(doc.error.message, new RegExp(`v3 failed verification`));
  assert.deepEqual(doc.steps.map((s: any) => s.name), ['make release v3', `switch to v3 on ${fleet.hosts[0]}`, `reload the app on ${fleet.hosts[0]}`, `verify v3 on ${fleet.hosts[0]}`]);
  assert.equal(doc.rollback.ok, true);
  assert.deepEqual(await all(), fleet.addresses.map(() => ['releases/v2', shas.v2]));

  // A host that lost the target release: the plan says so, and the rollback ships it there again first.
  await rm(join(fleet.root, `srv-${fleet.addresses[1]}`, 'releases', 'v1'), { recursive: true });
  const plan = (await fleet.cli('rollback', '--target-version', 'v1', '--json')).json().plan;
  assert.deepEqual(plan.missingOn, [fleet.hosts[1]]);
  // The failed release's manifest and checksums are captured first (snapshot), then the target is made sure of.
  assert.equal(plan.steps[0].id, 'snapshot:v2');
  assert.match(plan.steps[1].title, new RegExp(`rebuild it on ${fleet.hosts[1]}`));

  // A host whose `current` is not a symlink: the batch it is in fails, the report says where everyone is.
  await rm(join(fleet.root, `srv-${c}`, 'current'));
  await mkdir(join(fleet.root, `srv-${c}`, 'current'));
  const partial = await fleet.cli('rollback', '--apply', '--yes', '--target-version', 'v1', '--json');
  assert.equal(partial.code, 1, partial.stderr);
  const hosts = Object.fromEntries(partial.json().hosts.map((h: any) => [h.host, h]));
  assert.equal(hosts[fleet.hosts[0] as string].version, 'v1');
  assert.equal(hosts[fleet.hosts[1] as string].version, 'v1');
  assert.equal(hosts[fleet.hosts[2] as string].failed_step, `switch to v1 on ${fleet.hosts[1]}, ${fleet.hosts[2]}`);
  assert.match(hosts[fleet.hosts[2] as string].error, /is a directory, not a symlink/);
  assert.match(partial.json().error.message, /1 of 2 hosts failed/);
  const status = (await fleet.cli('status', '--json')).json();
  assert.deepEqual(status.hosts.map((h: any) => h.version), ['v1', 'v1', null]);

  // Fixed by hand, the same command converges the fleet.
  await rm(join(fleet.root, `srv-${c}`, 'current'), { recursive: true });
  await symlink('releases/v2', join(fleet.root, `srv-${c}`, 'current'));
  const again = await fleet.cli('rollback', '--apply', '--yes', '--target-version', 'v1', '--json');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.deepEqual(await all(), fleet.addresses.map(() => ['releases/v1', shas.v1]));
});

test('a changed host key is refused before anything changes on any host', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1'), GOOD('v2')], 2, '');
  for (const version of ['v1', 'v2']) assert.equal((await fleet.cli('deploy', version)).code, 0);
  const knownHosts = join(fleet.root, 'known_hosts');
  const { readFile, writeFile } = await import('node:fs/promises');
  const text = await readFile(knownHosts, 'utf8');
  // Another server's key under the second host's name: what a man in the middle looks like.
  const lines = text.trim().split('\n');
  const forged = `${(lines[1] as string).split(' ')[0]} ${(lines[0] as string).split(' ').slice(1).join(' ')}`;
  await writeFile(knownHosts, `${lines[0]}\n${forged}\n`);
  const refused = await fleet.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.json().error.message, new RegExp(`${fleet.addresses[1]?.replaceAll('.', '\\.')}.*host key .* differs from the one recorded`, 'i'));
  assert.deepEqual(await Promise.all(fleet.addresses.map((x) => fleet.current(x))), ['releases/v2', 'releases/v2']);
});

test('an unreachable host is named in one line; nothing switches anywhere', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1'), GOOD('v2')], 2, '');
  for (const version of ['v1', 'v2']) assert.equal((await fleet.cli('deploy', version)).code, 0);
  await fleet.sshds[1]?.stop();
  const status = (await fleet.cli('status', '--json')).json();
  assert.match(status.hosts[1].problems.join(' '), new RegExp(`cannot inspect: ${fleet.hosts[1]?.replaceAll('.', '\\.')}.*connection refused`));
  const refused = await fleet.cli('rollback', '--apply', '--yes');
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, new RegExp(`FAILED.*${fleet.hosts[1]?.replaceAll('.', '\\.')}.*connection refused`));
  assert.equal(await fleet.current(fleet.addresses[0] as string), 'releases/v2');
});
