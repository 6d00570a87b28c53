import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerdSkipReason } from '../helpers/dockerd.js';
import { dockerRegistrySkipReason } from '../helpers/dockerRegistry.js';
import { CONTAINER, makeDockerWorld } from '../helpers/dockerWorld.js';
import { testImageSkipReason } from '../helpers/testImage.js';

const skip = dockerdSkipReason() ?? dockerRegistrySkipReason() ?? testImageSkipReason();
const short = (id: string | undefined) => (id ?? '').replace('sha256:', '').slice(0, 12);

test('docker: deploys pull and record the image ID; a broken one is rolled back; one never healthy puts the previous back', { skip }, async (t) => {
  const world = await makeDockerWorld(t, {
    v1: { healthcheck: true, env: { APP_MODE: 'one', ONLY_IN_V1: 'yes' }, labels: { 'org.opencontainers.image.version': 'v1' } },
    v2: { healthcheck: true, env: { APP_MODE: 'two' }, labels: { 'org.opencontainers.image.version': 'v2' } },
    v3: { broken: true },
    v4: { broken: true, healthcheck: true },
  });

  const first = await world.cli('deploy', 'v1', '--json');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.equal(first.json().release.artifact, world.ids.v1, 'the ledger has the image ID the engine pulled');
  assert.deepEqual(await world.served(), { http: 200, version: 'v1' });

  const second = await world.cli('deploy', 'v2', '--json');
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.deepEqual(await world.served(), { http: 200, version: 'v2' });
  const afterV2 = await world.containers();
  assert.deepEqual(afterV2.map((c) => [c.name.replace(/\d{8}T\d{6}\.\d{3}Z/, 'TIME'), c.state, c.version]), [
    [CONTAINER, 'running', 'v2'],
    [`${CONTAINER}-v1-TIME`, 'exited', 'v1'],
  ]);
  // The new container has v2's own defaults, not v1's: the old image's env and labels are not carried over.
  const live = await world.docker.getContainer(CONTAINER).inspect();
  assert.ok(live.Config.Env.includes('APP_MODE=two'), live.Config.Env.join(' '));
  assert.ok(!live.Config.Env.some((e) => e.startsWith('ONLY_IN_V1=')), live.Config.Env.join(' '));
  assert.equal(live.Config.Labels['org.opencontainers.image.version'], 'v2');
  assert.equal(live.HostConfig.NetworkMode, 'host');
  // What ran before the switch is in the deploy's report dir: its configuration (env values hidden) and its log.
  const reportDir = join(world.root, '.rewind', 'reports', 'deploys', second.json().run_id);
  const kept = await readdir(reportDir);
  assert.deepEqual(kept.sort(), [`local-${CONTAINER}.container.json`, `local-${CONTAINER}.log`]);
  const snapshot = JSON.parse(await readFile(join(reportDir, `local-${CONTAINER}.container.json`), 'utf8'));
  assert.equal(snapshot.image_id, world.ids.v1);
  assert.ok(snapshot.container.Config.Env.includes('APP_MODE=<redacted>'));

  // v3 starts but serves no /health: verification fails and the deploy goes back to v2.
  const broken = await world.cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.equal(broken.json().error.code, 'VERIFY_FAILED');
  assert.deepEqual([broken.json().rollback.ok, broken.json().rollback.to_version], [true, 'v2']);
  assert.deepEqual(await world.served(), { http: 200, version: 'v2' });
  assert.equal((await world.docker.getContainer(CONTAINER).inspect()).Image, world.ids.v2);

  // v4's HEALTHCHECK never passes: the switch itself puts the v2 container back under the name.
  const never = await world.cli('deploy', 'v4', '--json');
  assert.equal(never.code, 1, never.stdout + never.stderr);
  assert.match(never.json().error.message, /v4 is not running, its HEALTHCHECK says unhealthy .*; shop-web runs v2 again \(container [0-9a-f]{12}\)/);
  assert.deepEqual(await world.served(), { http: 200, version: 'v2' });
  const afterV4 = await world.containers();
  assert.ok(afterV4.some((c) => /-v4-.*-failed$/.test(c.name) && c.state === 'exited'), JSON.stringify(afterV4));
  assert.deepEqual(afterV4.filter((c) => c.state === 'running').map((c) => [c.name, c.version]), [[CONTAINER, 'v2']]);

  // A manual rollback goes to v1 by its recorded image ID, and verification checks the engine runs that image.
  const rolled = await world.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  const doc = rolled.json();
  assert.equal(doc.plan.to.version, 'v1');
  assert.match(doc.steps.find((s: any) => s.name === 'verify v1').detail, new RegExp(`the engine runs shop-web from ${short(world.ids.v1)}`));
  assert.deepEqual(await world.served(), { http: 200, version: 'v1' });
  const status = (await world.cli('status', '--json')).json();
  assert.deepEqual([status.live.version, status.running.version, status.drift], ['v1', 'v1', []]);
  assert.equal(status.running.artifact, world.ids.v1);
});
