import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { makeBlueGreenWorld } from '../helpers/blueGreenWorld.js';
import { haproxySkipReason } from '../helpers/haproxy.js';
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
    const summary = JSON.parse(await readFile(applied.json().files.summary_json, 'utf8'));
    assert.equal(summary.status, 'success');
    assert.match(await readFile(applied.json().files.plan_md, 'utf8'), /- traffic: switch back to the green slot \(no start\)/);
  });

  await t.test('a version that fails verification in its slot never gets traffic', async () => {
    const broken = await cli('deploy', 'v3', '--json');
    assert.equal(broken.code, 1);
    assert.match(broken.json().error.message, /v3 failed verification in the blue slot: .*status 503.*; no traffic was moved to it/);
    assert.deepEqual(await world.served(), { http: 200, version: 'v1', sha: sha1 });
    assert.equal(broken.json().rollback ?? null, null);
    assert.match(broken.stdout, /never became current: nothing to roll back; the blue slot \(v3\) stopped/);
    // Stopped, not removed: it took no traffic, and its release stays for the post-mortem.
    assert.equal(await world.served(world.slotUrl('blue')), null);
    assert.equal(await world.link('blue'), 'releases/v3');
  });

  await t.test('nginx -t failing switches nothing: the upstream file is put back, the run says so', async () => {
    const upstream = await readFile(world.nginx!.upstreamFile, 'utf8');
    const conf = await readFile(world.nginx!.confFile, 'utf8');
    await appendFile(world.nginx!.confFile, 'no_such_directive on;\n');
    try {
      const refused = await cli('deploy', 'v2');
      assert.equal(refused.code, 1);
      assert.match(refused.stdout + refused.stderr, /does not validate .*unknown directive "no_such_directive".*nothing was reloaded, and .* is back as it was/);
      assert.equal(await readFile(world.nginx!.upstreamFile, 'utf8'), upstream);
      assert.deepEqual(await world.served(), { http: 200, version: 'v1', sha: sha1 });
    } finally {
      await writeFile(world.nginx!.confFile, conf);
    }
  });

  await t.test('a reload that fails leaves the traffic where it was, and says so', async () => {
    // A reload that fails once (as when nginx's master is busy), then works: the file is put back and nginx reloaded with it.
    const marker = join(world.root, 'fail-next-reload');
    const wrapper = join(world.root, 'reload-once-fails.cjs');
    await writeFile(wrapper, `const fs = require('node:fs');
if (fs.existsSync(${JSON.stringify(marker)})) { fs.rmSync(${JSON.stringify(marker)}); console.error('reload refused: master busy'); process.exit(1); }
require('node:child_process').execFileSync(process.argv[2], process.argv.slice(3), { stdio: 'inherit' });
`);
    const reload = JSON.stringify(world.nginx!.command('-s', 'reload'));
    const wrapped = JSON.stringify([process.execPath, wrapper, ...world.nginx!.command('-s', 'reload')]);
    await world.patchConfig(`reload: ${reload}`, `reload: ${wrapped}`);
    await writeFile(marker, '');
    try {
      const refused = await cli('deploy', 'v2');
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /the reload for blue .* failed .*reload refused: master busy.* is back as it was and nginx was reloaded with it/);
      assert.deepEqual(await world.served(), { http: 200, version: 'v1', sha: sha1 });
    } finally {
      await world.patchConfig(`reload: ${wrapped}`, `reload: ${reload}`);
    }
  });

  await t.test('killed with SIGKILL between the switch and the verification, resume verifies and finishes', async () => {
    // Steps: make 0, start 1, verify in the slot 2, route 3, verify through the proxy 4.
    const killed = await spawnCli(world.root, ['deploy', 'v2'], { REWIND_FAULT_KILL_AT: 'deploy:3:after' });
    assert.equal(killed.signal, 'SIGKILL');
    // The switch was made: the upstream file sends to blue; the verification through the proxy is what is left.
    assert.match(await readFile(world.nginx!.upstreamFile, 'utf8'), new RegExp(`server 127\\.0\\.0\\.1:${world.ports.blue}; # rewind slot blue\\n`));
    const interrupted = (await cli('history', '--json')).json().runs[0];
    assert.equal(interrupted.status, 'interrupted');
    const resumed = await cli('resume', interrupted.run_id, '--json');
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.deepEqual(await world.served(), { http: 200, version: 'v2', sha: sha2 });
    const history = (await cli('history', '--json')).json();
    assert.deepEqual([history.releases[0].version, history.releases[0].status], ['v2', 'verified']);
  });

  await t.test('after the warm window a rollback starts the target in the idle slot first, then switches', async () => {
    await world.patchConfig('keep_warm: 10m', 'keep_warm: 1s');
    await new Promise((r) => setTimeout(r, 1500));
    const plan = await cli('rollback');
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /traffic: start the target in the green slot, verify it there, then switch: the green slot runs v1, but its warm window ended \d+s ago \(keep_warm 1s\)/);
    const applied = await cli('rollback', '--apply', '--yes', '--json');
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    assert.ok(applied.json().steps.some((s: any) => s.name === 'start v1 in the green slot'));
    assert.deepEqual(await world.served(), { http: 200, version: 'v1', sha: sha1 });
  });

  await t.test('status shows both slots and where the proxy sends traffic; a switch by hand is drift', async () => {
    const now = await cli('status', '--json');
    assert.equal(now.code, 0, now.stdout);
    const host = now.json().hosts[0];
    assert.equal(host.traffic.proxy.live, 'green');
    assert.match(host.traffic.proxy.source, /^upstream file /);
    assert.deepEqual([host.traffic.slots.green.version, host.traffic.slots.green.healthy, host.traffic.slots.green.takes_traffic], ['v1', true, true]);
    assert.deepEqual([host.traffic.slots.blue.version, host.traffic.slots.blue.healthy, host.traffic.slots.blue.takes_traffic], ['v2', false, false]);
    const text = (await cli('status')).stdout;
    assert.match(text, /proxy: +sends to green \(upstream file .*\)/);
    assert.match(text, new RegExp(`green +port ${world.ports.green} +v1 +healthy +<- takes the traffic`));
    // Someone points nginx at blue by hand.
    const upstream = await readFile(world.nginx!.upstreamFile, 'utf8');
    await writeFile(world.nginx!.upstreamFile, upstream.replace(/^(\s*)server (\S+); # rewind slot green$/m, '$1# server $2; # rewind slot green (idle)')
      .replace(/^(\s*)# server (\S+); # rewind slot blue \(idle\)$/m, '$1server $2; # rewind slot blue'));
    const drifted = await cli('status');
    assert.equal(drifted.code, 1);
    assert.match(drifted.stdout, /proxy: +sends to blue/);
    assert.match(drifted.stdout, /DRIFT: .*v2.*v1|DRIFT: .*v1.*v2/);
  });
});

test('blue/green behind a real HAProxy: its runtime API switches back under load with no failed request', { skip: haproxySkipReason() }, async (t) => {
  const world = await makeBlueGreenWorld(t, [GOOD('v1'), GOOD('v2')], { proxy: 'haproxy' });
  const cli = (...args: string[]) => rewind(world.root, args);
  const sha1 = await world.shaOf('v1');
  for (const version of ['v1', 'v2']) {
    const deployed = await cli('deploy', version);
    assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
  }
  // A drill says what the rollback would do, through the proxy, and changes nothing.
  const drill = await cli('drill', '--json');
  assert.equal(drill.code, 0, drill.stderr + drill.stdout);
  assert.match(JSON.stringify(drill.json()), /would set shop\/\w+ state ready/);
  assert.equal((await world.served())?.version, 'v2');
  const load = keepAliveLoad(world.proxyUrl, { requests: 600, overMs: 3000, retryResetOnNewConnection: false });
  await new Promise((r) => setTimeout(r, 500));
  const applied = await cli('rollback', '--apply', '--yes', '--json');
  const result = await load;
  assert.equal(applied.code, 0, applied.stderr + applied.stdout);
  assert.ok(!applied.json().steps.some((s: any) => s.name.startsWith('start ')), 'inside the warm window nothing is started');
  assert.deepEqual(await world.served(), { http: 200, version: 'v1', sha: sha1 });
  assert.deepEqual(result.failures, [], `failed requests: ${result.failures.join(', ')}`);
  const status = (await cli('status', '--json')).json();
  assert.match(status.hosts[0].traffic.proxy.source, /^haproxy .* backend shop$/);
});

test('an admin socket that may not switch (level user): one line quoting HAProxy, traffic stays', { skip: haproxySkipReason() }, async (t) => {
  const world = await makeBlueGreenWorld(t, [GOOD('v1')], { proxy: 'haproxy', socket: 'user' });
  const refused = await rewind(world.root, ['deploy', 'v1']);
  assert.equal(refused.code, 1);
  const first = refused.stdout.split('\n')[0] ?? '';
  assert.match(first, /FAILED: haproxy .*user\.sock: `set server shop\/\w+ state ready` answered "Permission denied.*" \(the stats socket must be `level admin`\); nothing was switched/);
});
