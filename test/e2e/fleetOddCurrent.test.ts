import assert from 'node:assert/strict';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeFleet } from '../helpers/fleet.js';
import { sshdSkipReason } from '../helpers/sshd.js';
import { GOOD } from '../helpers/world.js';

test('a host whose current points outside its releases: status and the plan name it; the rollback puts it on the target like the others', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1'), GOOD('v2')], 2, '');
  for (const version of ['v1', 'v2']) assert.equal((await fleet.cli('deploy', version)).code, 0);
  const odd = fleet.addresses[1] as string;
  const elsewhere = join(fleet.root, 'hand-made');
  await mkdir(elsewhere);
  await rm(join(fleet.root, `srv-${odd}`, 'current'));
  await symlink(elsewhere, join(fleet.root, `srv-${odd}`, 'current'));

  const status = (await fleet.cli('status', '--json')).json();
  assert.match(status.hosts[1].problems.join(' '), new RegExp(`current points to ${elsewhere}, outside .*srv-${odd.replaceAll('.', '\\.')}/releases`));
  assert.equal(status.hosts[0].version, 'v2');

  const plan = (await fleet.cli('rollback', '--json')).json().plan;
  assert.equal(plan.to.version, 'v1');
  assert.ok(plan.risks.some((r: { code: string; message: string }) => r.code === 'drift'), JSON.stringify(plan.risks));

  const applied = await fleet.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.deepEqual(await Promise.all(fleet.addresses.map((a) => fleet.current(a))), ['releases/v1', 'releases/v1']);
  const shaV1 = await fleet.shaOf('v1');
  assert.deepEqual(await Promise.all(fleet.addresses.map(async (a) => (await fleet.served(a))?.sha)), [shaV1, shaV1]);
  // What was there by hand is left alone.
  assert.equal((await import('node:fs/promises').then((fs) => fs.stat(elsewhere))).isDirectory(), true);
});
