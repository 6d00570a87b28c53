import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeFleet } from '../helpers/fleet.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { sshdSkipReason } from '../helpers/sshd.js';
import { GOOD } from '../helpers/world.js';

test('a fleet rollback killed in its canary\'s reload holds the fleet; resumed, every host ends on the target', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1'), GOOD('v2'), GOOD('v3')], 2);
  for (const version of ['v1', 'v2', 'v3']) assert.equal((await fleet.cli('deploy', version)).code, 0);
  const [canary, other] = fleet.addresses as [string, string];
  const sha = { v2: await fleet.shaOf('v2'), v3: await fleet.shaOf('v3') };

  // Steps: 0 check, 1 switch the canary, 2 reload the canary (killed as it starts), 3 verify it, then the rest.
  const killed = await spawnCli(fleet.root, ['rollback', '--apply', '--yes'], { REWIND_FAULT_KILL_AT: 'rollback:3:before' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  assert.deepEqual([await fleet.current(canary), (await fleet.served(canary))?.sha], ['releases/v2', sha.v3]);
  assert.deepEqual([await fleet.current(other), (await fleet.served(other))?.sha], ['releases/v3', sha.v3]);
  const runId = (await fleet.cli('history', '--json')).json().runs[0].run_id;

  const again = await fleet.cli('rollback', '--apply', '--yes');
  assert.equal(again.code, 3, again.stderr);
  assert.match(again.stderr, new RegExp(`held by an interrupted rollback ${runId} from v3 to v2 .*did: capture diagnostics of v3, check v2 is present and intact, ` +
    `switch to v2 on ${fleet.hosts[0]}; stopped in: reload the app on ${fleet.hosts[0]}`));
  assert.deepEqual([await fleet.current(other), (await fleet.served(other))?.sha], ['releases/v3', sha.v3], 'nothing moved');

  const resumed = await fleet.cli('resume', runId);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  for (const address of fleet.addresses) {
    assert.deepEqual([await fleet.current(address), (await fleet.served(address))?.sha], ['releases/v2', sha.v2]);
  }
  const releases = (await fleet.cli('history', '--json')).json().releases;
  assert.equal(releases.find((r: any) => r.version === 'v2').status, 'verified');
  assert.equal(releases.find((r: any) => r.version === 'v1').marked_bad_at ?? null, null);
});
