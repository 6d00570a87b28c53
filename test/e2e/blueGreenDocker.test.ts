import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/exec/freePort.js';
import { dockerdSkipReason } from '../helpers/dockerd.js';
import { dockerRegistrySkipReason } from '../helpers/dockerRegistry.js';
import { CONTAINER, makeDockerWorld } from '../helpers/dockerWorld.js';
import { nginxSkipReason, startNginx } from '../helpers/nginx.js';
import { keepAliveLoad } from '../helpers/slotApps.js';
import { testImageSkipReason } from '../helpers/testImage.js';

const skip = dockerdSkipReason() ?? dockerRegistrySkipReason() ?? testImageSkipReason() ?? nginxSkipReason();

/**
 * The docker driver blue/green behind a real nginx, through the real CLI:
 * each slot is its own container (`shop-web-blue`, `shop-web-green`) on a
 * private engine, from one image per version whose httpd listens on the
 * container's $PORT, which docker.create.env sets to the slot's {port}.
 * The test image's /health says { version, sha } where sha is made up from
 * the version, not a commit rewind knows: the health check expects `version`.
 */
test('docker blue/green behind a real nginx: each slot its own container, a rollback switches back and stops the failed one', { skip }, async (t) => {
  const world = await makeDockerWorld(t, {
    v1: { portFromEnv: true, healthcheck: true },
    v2: { portFromEnv: true, healthcheck: true },
    v3: { portFromEnv: true, broken: true },
    v4: { portFromEnv: true, broken: true, healthcheck: true },
  });
  const ports = { blue: await freePort(), green: await freePort() };
  // nginx starts sending to blue, where nothing runs yet: the first deploy goes to green, the idle slot.
  const nginx = await startNginx(t, { upstream: 'shop', ports, live: 'blue' });
  const proxyUrl = `${nginx.url}health`;
  const q = JSON.stringify;
  await writeFile(join(world.root, 'rewind.yaml'), `app: shop
environments:
  production:
    driver: docker
    docker:
      socket: ${world.dockerd.socket}
      container: ${CONTAINER}
      image: "${world.registry.address}/shop:{version}"
      stop_timeout: 2s
      healthy_timeout: 10s
      create: { env: { PORT: "{port}", SLOT: "{slot}" } }
    health: { url: "http://127.0.0.1:{port}/health", expect_version: version, timeout: 4s, interval: 100ms, successes: 2 }
    traffic:
      slots: { blue: { port: ${ports.blue} }, green: { port: ${ports.green} } }
      keep_warm: 10m
      proxy:
        type: nginx
        upstream_file: ${q(nginx.upstreamFile)}
        upstream: shop
        test: ${q(nginx.command('-t'))}
        reload: ${q(nginx.command('-s', 'reload'))}
        url: ${proxyUrl}
`);
  const served = async (url = proxyUrl): Promise<string | null> => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000), headers: { connection: 'close' } });
      return response.ok ? ((await response.json()) as { version: string }).version : `HTTP ${response.status}`;
    } catch {
      return null;
    }
  };
  const slotUrl = (slot: 'blue' | 'green') => `http://127.0.0.1:${ports[slot]}/health`;
  const states = async () => (await world.containers())
    .filter((c) => c.name === `${CONTAINER}-blue` || c.name === `${CONTAINER}-green`)
    .map((c) => [c.name, c.state, c.version]);
  const upstreamSendsTo = async (slot: 'blue' | 'green') =>
    assert.match(await readFile(nginx.upstreamFile, 'utf8'), new RegExp(`server 127\\.0\\.0\\.1:${ports[slot]}; # rewind slot ${slot}\\n`));

  try {
    await t.test('the first deploy starts v1 in the idle slot\'s container, verifies it on its port, then moves the traffic', async () => {
      const first = await world.cli('deploy', 'v1', '--json');
      assert.equal(first.code, 0, first.stderr + first.stdout);
      assert.deepEqual(first.json().steps.map((s: any) => s.name), ['make release v1', 'start v1 in the green slot',
        'verify v1 in the green slot, before traffic moves', 'send traffic to the green slot (v1)', 'verify v1 through the proxy']);
      assert.equal(await served(), 'v1');
      await upstreamSendsTo('green');
      assert.deepEqual(await states(), [[`${CONTAINER}-green`, 'running', 'v1']]);
      const green = await world.docker.getContainer(`${CONTAINER}-green`).inspect();
      assert.ok(green.Config.Env.includes(`PORT=${ports.green}`) && green.Config.Env.includes('SLOT=green'), green.Config.Env.join(' '));
      assert.equal(green.Image, world.ids.v1);
    });

    await t.test('the next deploy goes to the other slot\'s container; the old one keeps running, warm', async () => {
      const second = await world.cli('deploy', 'v2');
      assert.equal(second.code, 0, second.stderr + second.stdout);
      assert.equal(await served(), 'v2');
      await upstreamSendsTo('blue');
      assert.equal(await served(slotUrl('green')), 'v1');
      assert.deepEqual(await states(), [[`${CONTAINER}-blue`, 'running', 'v2'], [`${CONTAINER}-green`, 'running', 'v1']]);
    });

    await t.test('a rollback inside the warm window switches back under load: no start, no failed request, the failed slot stopped', async () => {
      const plan = await world.cli('rollback');
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(plan.stdout, /traffic: switch back to the green slot \(no start\): the green slot still runs v1, healthy, \d+s into its 600s warm window/);
      assert.doesNotMatch(plan.stdout, /start v1/);
      const load = keepAliveLoad(proxyUrl, { requests: 600, overMs: 3000, retryResetOnNewConnection: true });
      await new Promise((r) => setTimeout(r, 500));
      const applied = await world.cli('rollback', '--apply', '--yes', '--json');
      const result = await load;
      assert.equal(applied.code, 0, applied.stderr + applied.stdout);
      assert.deepEqual(result.failures, [], `failed requests: ${result.failures.join(', ')}`);
      // The load spanned the switch: v2 answered it first, then v1.
      const versions = Object.keys(result.answers).map((body) => (JSON.parse(body) as { version: string }).version).sort();
      assert.deepEqual(versions, ['v1', 'v2'], JSON.stringify(result.answers));
      assert.equal(await served(), 'v1');
      await upstreamSendsTo('green');
      // The failed slot's container is stopped, and kept under its name: nothing answers on its port.
      assert.deepEqual(await states(), [[`${CONTAINER}-blue`, 'exited', 'v2'], [`${CONTAINER}-green`, 'running', 'v1']]);
      assert.equal(await served(slotUrl('blue')), null);
      assert.equal(applied.json().steps.find((s: any) => s.name === 'stop the blue slot (v2)')?.detail, `${CONTAINER}-blue (v2) stopped`);
      const summary = JSON.parse(await readFile(applied.json().files.summary_json, 'utf8'));
      assert.equal(summary.status, 'success');
    });

    await t.test('a version that fails its health check in its slot never gets traffic', async () => {
      const greenBefore = await world.docker.getContainer(`${CONTAINER}-green`).inspect();
      // v3 starts in blue and serves no /health: rewind's check on blue's port fails.
      const broken = await world.cli('deploy', 'v3', '--json');
      assert.equal(broken.code, 1, broken.stderr + broken.stdout);
      // 404 once its httpd listens; on a loaded machine it may not even listen within health.timeout: a failure either way.
      assert.match(broken.json().error.message, /v3 failed verification in the blue slot: .*(404|no answer from).*; no traffic was moved to it/);
      assert.equal(await served(), 'v1');
      await upstreamSendsTo('green');
      // v4's Docker HEALTHCHECK never passes: its start in blue fails, and the traffic stays where it was too.
      const never = await world.cli('deploy', 'v4', '--json');
      assert.equal(never.code, 1, never.stderr + never.stdout);
      assert.match(never.json().error.message, /v4 is not running, its HEALTHCHECK says unhealthy .*; shop-web-blue runs v3 again/);
      assert.equal(await served(), 'v1');
      await upstreamSendsTo('green');
      const greenAfter = await world.docker.getContainer(`${CONTAINER}-green`).inspect();
      assert.deepEqual([greenAfter.Id, greenAfter.State.StartedAt, greenAfter.State.Running], [greenBefore.Id, greenBefore.State.StartedAt, true]);
      const status = (await world.cli('status', '--json')).json();
      assert.deepEqual([status.live.version, status.running.version], ['v1', 'v1']);
    });
  } finally {
    // Here, not in t.after: those hooks run in order, and the engine's own stops first.
    for (const c of await world.docker.listContainers({ all: true })) await world.docker.getContainer(c.Id).remove({ force: true });
  }
});
