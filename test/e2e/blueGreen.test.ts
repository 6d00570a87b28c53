import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { makeBlueGreenWorld } from '../helpers/blueGreenWorld.js';
import { nginxSkipReason } from '../helpers/nginx.js';
import { keepAliveLoad } from '../helpers/slotApps.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { BROKEN, GOOD } from '../helpers/world.js';

test('blue/green behind a real nginx: deploy to the idle slot, roll back by switching the proxy back', { skip: nginxSkipReason() }, async (t) => {
  const world = await makeBlueGreenWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')], { proxy: 'nginx' });
  const cli = (...args: string[]) => rewind(world.root, args);
  const [sha1, sha2] = [await world.shaOf('v1'), await world.shaOf('v2')];

  await t.test('a slot port taken by another program: one line, exit 2, nothing started', async () => {
    const squatter = createServer((_q, s) => s.end('not ours'));
    await new Promise<void>((done) => squatter.listen(world.ports.green, '127.0.0.1', done));
    try {
      const refused = await cli('deploy', 'v1');
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`the green slot's port ${world.ports.green} on local is in use by a program rewind did not start there`));
      assert.equal(await world.link('green'), undefined);
    } finally {
      await new Promise<void>((done) => squatter.close(() => done()));
    }
  });

  await t.test('the first deploy starts v1 in the idle slot, verifies it there, then sends the traffic to it', async () => {
    const first = await cli('deploy', 'v1', '--json');
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.equal(await world.link('green'), 'releases/v1');
    assert.deepEqual(await world.served(), { http: 200, version: 'v1', sha: sha1 });
    assert.match(await readFile(world.nginx!.upstreamFile, 'utf8'), new RegExp(`server 127\\.0\\.0\\.1:${world.ports.green}; # rewind slot green\\n`));
    const steps = first.json().steps.map((s: any) => s.name);
    assert.deepEqual(steps, ['make release v1', 'start v1 in the green slot', 'verify v1 in the green slot, before traffic moves',
      'send traffic to the green slot (v1)', 'verify v1 through the proxy']);
  });

  await t.test('the next deploy goes to the other slot; the old one keeps running, warm', async () => {
    const second = await cli('deploy', 'v2');
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.equal(await world.link('blue'), 'releases/v2');
    assert.deepEqual(await world.served(), { http: 200, version: 'v2', sha: sha2 });
    assert.equal((await world.served(world.slotUrl('green')))?.version, 'v1');
  });

  await t.test('a rollback inside the warm window switches the proxy back under load: no start, no failed request', async () => {
    const plan = await cli('rollback');
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /traffic: switch back to the green slot \(no start\): the green slot still runs v1, healthy, \d+s into its 600s warm window/);
    assert.doesNotMatch(plan.stdout, /start v1/);
    const load = keepAliveLoad(world.proxyUrl, { requests: 600, overMs: 3000, retryResetOnNewConnection: true });
    await new Promise((r) => setTimeout(r, 500));
    const applied = await cli('rollback', '--apply', '--yes', '--json');
    const result = await load;
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    assert.deepEqual(await world.served(), { http: 200, version: 'v1', sha: sha1 });
    assert.deepEqual(result.failures, [], `failed requests: ${result.failures.join(', ')}`);
    // The failed slot is stopped once no traffic goes to it.
    assert.equal(await world.served(world.slotUrl('blue')), null);
  });
});
