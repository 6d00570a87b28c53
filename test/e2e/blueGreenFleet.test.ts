import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Slot } from '../../src/core/traffic.js';
import { makeBlueGreenFleet } from '../helpers/blueGreenFleet.js';
import { nginxSkipReason } from '../helpers/nginx.js';
import { sshdSkipReason } from '../helpers/sshd.js';
import { GOOD } from '../helpers/world.js';

const skip = sshdSkipReason() ?? nginxSkipReason();

test('blue/green on a fleet of 3 over real SSH, one nginx per host: batch by batch, back by switching every proxy', { skip }, async (t) => {
  const bg = await makeBlueGreenFleet(t, [GOOD('v1'), GOOD('v2'), GOOD('v3')]);
  const [canary, ...others] = bg.hosts as [string, ...string[]];
  // canary 1, batch 2: the first host alone, then the other two together.
  const batches = [canary, others.join(', ')];
  const shas = { v1: await bg.shaOf('v1'), v2: await bg.shaOf('v2') };
  const throughEachProxy = () => Promise.all(bg.addresses.map((a) => bg.answer(bg.proxyUrl(a))));
  const upstreams = () => Promise.all(bg.addresses.map((a) => bg.upstream(a)));
  /** Each host's upstream file sends to its own address's `slot` port, the other slot commented out. */
  const assertEveryProxySendsTo = async (slot: Slot, other: Slot) => {
    for (const [i, text] of (await upstreams()).entries()) {
      const address = (bg.addresses[i] as string).replaceAll('.', '\\.');
      assert.match(text, new RegExp(`^    server ${address}:${bg.ports[slot]}; # rewind slot ${slot}\\n`, 'm'), text);
      assert.match(text, new RegExp(`^    # server ${address}:${bg.ports[other]}; # rewind slot ${other} \\(idle\\)\\n`, 'm'), text);
    }
  };

  await t.test('deploy v1 then v2: each batch is verified in its slot before its proxies move; every host serves v2', async () => {
    for (const [version, slot, other] of [['v1', 'green', 'blue'], ['v2', 'blue', 'green']] as const) {
      const deployed = await bg.cli('deploy', version, '--json');
      assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
      assert.deepEqual(deployed.json().steps.map((s: any) => s.name), [`make release ${version}`, ...batches.flatMap((on) => [
        `start ${version} in the ${slot} slot on ${on}`,
        `verify ${version} in the ${slot} slot, before traffic moves on ${on}`,
        `send traffic to the ${slot} slot (${version}) on ${on}`,
        `verify ${version} through the proxy on ${on}`,
      ])]);
      await assertEveryProxySendsTo(slot, other);
      assert.deepEqual(await throughEachProxy(), bg.addresses.map(() => ({ http: 200, version, sha: shas[version] })));
      assert.deepEqual(await Promise.all(bg.addresses.map((a) => bg.link(a, slot))), bg.addresses.map(() => `releases/${version}`));
    }
    // The slot the traffic left keeps v1 running, warm, on every host.
    assert.deepEqual((await Promise.all(bg.addresses.map((a) => bg.answer(bg.slotUrl(a, 'green'))))).map((s) => s?.version),
      bg.addresses.map(() => 'v1'));
  });

  await t.test('one host switched by hand to the other slot: deploy refuses (TRAFFIC_SPLIT, exit 3) and changes nothing', async () => {
    const odd = bg.addresses[2] as string;
    await bg.switchByHand(odd, 'green');
    const runs = async () => (await bg.cli('history', '--json')).json().runs;
    const before = { upstreams: await upstreams(), served: await throughEachProxy(), runs: await runs() };
    assert.deepEqual(before.served.map((s) => s?.version), ['v2', 'v2', 'v1']);
    const refused = await bg.cli('deploy', 'v3');
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    const hostsSaid = bg.hosts.map((h, i) => `${h} sends to ${i === 2 ? 'green' : 'blue'}`).join(', ');
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^rewind: [^\n]*\n$/, 'one line');
    assert.ok(refused.stderr.includes(`the hosts' proxies disagree (${hostsSaid}): one plan cannot say which slot is idle`),
      refused.stderr);
    const asJson = await bg.cli('deploy', 'v3', '--json');
    assert.deepEqual([asJson.code, asJson.json().error.code], [3, 'TRAFFIC_SPLIT'], asJson.stdout);
    assert.deepEqual(await upstreams(), before.upstreams);
    assert.deepEqual(await throughEachProxy(), before.served);
    assert.deepEqual(await runs(), before.runs);
    for (const address of bg.addresses) {
      assert.equal(existsSync(join(bg.root, `srv-${address}`, 'releases', 'v3')), false, `v3 was made on ${address}`);
      assert.deepEqual([await bg.link(address, 'blue'), await bg.link(address, 'green')], ['releases/v2', 'releases/v1']);
    }
    // Put back by hand: every proxy sends to blue again.
    await bg.switchByHand(odd, 'blue');
    await assertEveryProxySendsTo('blue', 'green');
  });

  await t.test('a rollback inside the warm window switches every proxy back, batch by batch, with no start, and stops v2', async () => {
    const plan = await bg.cli('rollback', '--json');
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const back = (titleOf: (on: string) => string[]) => ['capture diagnostics of v2', 'check v1 is present and intact',
      ...batches.flatMap(titleOf), 'mark v2 rolled_back'];
    assert.deepEqual(plan.json().plan.steps.map((s: any) => s.title), back((on) => [
      `send traffic to the green slot (v1) on ${on}`,
      `verify v1 reports ${shas.v1.slice(0, 7)} through the proxy on ${on}`,
      `stop the blue slot (v2) on ${on}`,
    ]));
    assert.match((await bg.cli('rollback')).stdout,
      /traffic: switch back to the green slot \(no start\): on every host, the green slot still runs v1, healthy, \d+s into its 600s warm/);

    const applied = await bg.cli('rollback', '--apply', '--yes', '--json');
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    // Nothing is started inside the warm window.
    assert.deepEqual(applied.json().steps.map((s: any) => s.name), ['capture diagnostics of v2', 'check v1 is present',
      ...batches.flatMap((on) => [
        `send traffic to the green slot (v1) on ${on}`,
        `verify v1 through the proxy on ${on}`,
        `stop the blue slot (v2) on ${on}`,
      ]), 'mark v2 rolled_back']);
    await assertEveryProxySendsTo('green', 'blue');
    assert.deepEqual(await throughEachProxy(), bg.addresses.map(() => ({ http: 200, version: 'v1', sha: shas.v1 })));
    // The failed slot is stopped on every host: nothing answers on its port any more.
    assert.deepEqual(await Promise.all(bg.addresses.map((a) => bg.answer(bg.slotUrl(a, 'blue')))), bg.addresses.map(() => null));
  });
});
