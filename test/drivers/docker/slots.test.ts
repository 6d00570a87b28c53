import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import type { Driver, DriverIo, SlotIo } from '../../../src/core/driver.js';
import { dockerDriver } from '../../../src/drivers/docker/module.js';
import { dockerSchema } from '../../../src/drivers/docker/schema.js';
import { freePort } from '../../../src/exec/freePort.js';
import { createGuardedFiles } from '../../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../../src/exec/localExec.js';
import { systemClock } from '../../../src/wiring/clock.js';
import { dockerdSkipReason, startDockerd } from '../../helpers/dockerd.js';
import { rewindError } from '../../helpers/driverTesting.js';
import { buildTestImage, testImageSkipReason } from '../../helpers/testImage.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * Blue/green on one real engine (a private dockerd): two instances of the
 * docker driver, one per slot, each with its own container on its own
 * loopback port, from the same images; and a plain instance whose
 * container's name is the slots' prefix, which must see none of theirs.
 */
const skip = dockerdSkipReason() ?? testImageSkipReason();
const short = (id: string | undefined) => (id ?? '').replace('sha256:', '').slice(0, 12);
const TIME = /\d{8}T\d{6}\.\d{3}Z/;

test('docker slots: blue and green run side by side, each switched, stopped and pruned alone', { skip }, async (t) => {
  const [engine, bluePort, greenPort, fallbackPort] = await Promise.all([startDockerd(t), freePort(), freePort(), freePort()]);
  const docker = new Docker({ socketPath: engine.socket });
  const dir = await tempDir(t, 'rewind-docker-slots-');
  const ids: Record<string, string> = {};
  for (const version of ['v1', 'v2', 'v3', 'v4']) {
    // One image for both slots: the app listens on the container's PORT, which only {port} in docker.create sets.
    ids[version] = await buildTestImage(docker, { ref: `rewind/shop:${version}`, version, port: fallbackPort, portFromEnv: true });
  }
  const config = dockerSchema.parse({
    socket: engine.socket, container: 'shop-web', image: 'rewind/shop:{version}', keep: 1, stop_timeout: '2s', healthy_timeout: '10s',
    create: { env: { PORT: '{port}', SLOT: '{slot}' } },
  });
  const exec = createLocalExec();
  const files = createGuardedFiles([dir]);
  const driver = (slot?: SlotIo): Driver => {
    const io: DriverIo = {
      app: 'shop', env: 'production', host: { name: 'local', address: '127.0.0.1', remote: false, base: dir },
      exec, files, clock: systemClock, configDir: dir, stateDir: join(dir, '.rewind'), local: { exec, files },
      shared: new Map(), variables: {}, ...(slot ? { slot } : {}),
    };
    return dockerDriver.create(config, io);
  };
  const blue = driver({ name: 'blue', port: bluePort });
  const green = driver({ name: 'green', port: greenPort });
  const plain = driver();
  const deploy = async (slot: Driver, version: string, reportDir?: string) => {
    const prepared = await slot.prepare(version);
    assert.equal(prepared.artifact, ids[version]);
    const run = { runId: `run-${version}`, user: 'test', previousVersion: null, targetArtifact: prepared.artifact, reportDir };
    return slot.activate(version, run);
  };
  const containers = async () => (await docker.listContainers({ all: true }))
    .map((c) => [(c.Names[0] ?? '').slice(1).replace(TIME, 'TIME'), c.State, c.Labels['rewind.version'] ?? '-'])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  assert.equal(dockerDriver.slots, true);
  // Someone else's container under the plain name: not in the slots' way, and not the plain instance's to stop.
  await docker.createContainer({ name: 'shop-web', Image: 'rewind/shop:v1', HostConfig: { NetworkMode: 'none' } });
  try {
    assert.equal(await blue.stop?.(), 'shop-web-blue: no container to stop');

    // Blue on v1 and green on v2, each on its own port, from the same images.
    assert.match(String(await deploy(blue, 'v1')), new RegExp(`^shop-web-blue runs v1 \\(${short(ids.v1)}\\)$`));
    assert.match(String(await deploy(green, 'v2')), new RegExp(`^shop-web-green runs v2 \\(${short(ids.v2)}\\)$`));
    assert.equal(await served(bluePort), 'v1');
    assert.equal(await served(greenPort), 'v2');
    assert.deepEqual(await blue.inspect(), { version: 'v1', artifact: ids.v1, problems: [] });
    assert.deepEqual(await green.inspect(), { version: 'v2', artifact: ids.v2, problems: [] });
    const blueLive = await docker.getContainer('shop-web-blue').inspect();
    assert.ok(blueLive.Config.Env.includes(`PORT=${bluePort}`) && blueLive.Config.Env.includes('SLOT=blue'), blueLive.Config.Env.join(' '));
    assert.deepEqual([blueLive.Config.Labels['rewind.container'], blueLive.Config.Labels['rewind.slot']], ['shop-web-blue', 'blue']);
    assert.equal(await blue.confirmRunning?.('v1', ids.v1 as string), `the engine runs shop-web-blue from ${short(ids.v1)}`);
    await assert.rejects(green.confirmRunning?.('v1', ids.v1 as string) as Promise<string>, rewindError('VERIFY_FAILED', /shop-web-green runs v2, not v1/));

    // Green to v3: blue's container is not touched; green's keeps its port (carried over) and sets v2 aside under its own name.
    assert.equal(await green.describeActivate?.('v3'),
      'would stop shop-web-green (v2), keep it stopped, and start v3 from rewind/shop:v3 with its configuration');
    const reportDir = join(dir, 'report');
    assert.match(String(await deploy(green, 'v3', reportDir)), /^shop-web-green runs v3 \(.*\); shop-web-green-v2-\S+ \(v2\) kept stopped$/);
    assert.deepEqual((await readdir(reportDir)).sort(), ['local-shop-web-green.container.json', 'local-shop-web-green.log']);
    assert.equal(await served(greenPort), 'v3');
    assert.equal(await served(bluePort), 'v1');
    const blueAfter = await docker.getContainer('shop-web-blue').inspect();
    assert.deepEqual([blueAfter.Id, blueAfter.State.StartedAt, blueAfter.State.Running], [blueLive.Id, blueLive.State.StartedAt, true]);
    assert.ok((await docker.getContainer('shop-web-green').inspect()).Config.Env.includes(`PORT=${greenPort}`));
    assert.deepEqual((await green.kept?.())?.map((k) => [k.version, k.name.replace(TIME, 'TIME')]), [['v2', 'shop-web-green-v2-TIME']]);
    assert.deepEqual(await blue.kept?.(), []);

    // Stopping green stops green only, and keeps it; a switch of green to its own version starts it again in place.
    const greenId = (await docker.getContainer('shop-web-green').inspect()).Id;
    assert.equal(await green.stop?.(), 'shop-web-green (v3) stopped');
    assert.equal(await served(greenPort), null);
    assert.equal(await served(bluePort), 'v1');
    assert.equal(await green.stop?.(), 'shop-web-green (v3) was already stopped');
    assert.deepEqual((await green.inspect()).problems, ['shop-web-green is not running (exited, exit 0)']);
    assert.equal(await deploy(green, 'v3'), `shop-web-green already runs v3 (${short(ids.v3)})`);
    assert.equal((await docker.getContainer('shop-web-green').inspect()).Id, greenId);
    assert.equal(await served(greenPort), 'v3');

    // Green to v4 leaves it two kept containers; with keep: 1 and both slots' live versions protected, pruning green removes
    // its oldest (v2, and the image nobody uses any more); pruning blue removes nothing, and no live container goes.
    await deploy(green, 'v4');
    const protect = ['v1', 'v4'];
    assert.deepEqual(await blue.prune(protect), []);
    assert.deepEqual(await green.prune(protect), ['v2']);
    assert.deepEqual(await containers(), [
      ['shop-web', 'created', '-'],
      ['shop-web-blue', 'running', 'v1'],
      ['shop-web-green', 'running', 'v4'],
      ['shop-web-green-v3-TIME', 'exited', 'v3'],
    ]);
    assert.deepEqual((await docker.listImages()).map((i) => i.Id).sort(), [ids.v1, ids.v3, ids.v4].sort());
    assert.equal(await served(bluePort), 'v1');
    assert.equal(await served(greenPort), 'v4');

    // The plain instance named like the slots' prefix: none of their containers is its own, live or kept.
    assert.deepEqual(await plain.inspect(), { version: null, artifact: ids.v1, problems: ['shop-web is a container rewind did not make'] });
    assert.deepEqual(await plain.kept?.(), []);
    assert.deepEqual(await plain.prune([]), []);
    await assert.rejects(plain.stop?.() as Promise<string>, rewindError('CONFIG_INVALID', /a container named shop-web exists but rewind did not make it/));
    assert.equal((await containers()).length, 4);
    assert.equal(await served(bluePort), 'v1');
  } finally {
    // Here, not in t.after: those hooks run in order, and the engine's own stops first.
    for (const c of await docker.listContainers({ all: true })) await docker.getContainer(c.Id).remove({ force: true });
  }
});

/** The version /health says on `port`, or null when nothing answers; retried briefly, since httpd binds a moment after the start. */
async function served(port: number): Promise<string | null> {
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      return ((await response.json()) as { version: string }).version;
    } catch {
      if (Date.now() > deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
