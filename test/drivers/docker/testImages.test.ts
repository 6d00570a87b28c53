import assert from 'node:assert/strict';
import { test } from 'node:test';
import Docker from 'dockerode';
import { freePort } from '../../../src/exec/freePort.js';
import { dockerdSkipReason, startDockerd } from '../../helpers/dockerd.js';
import { dockerRegistrySkipReason, pullImage, pushImage, startRegistry } from '../../helpers/dockerRegistry.js';
import { buildTestImage, healthBody, healthcheckCmd, splitRef, stoppableHttpdCmd, testImageSkipReason } from '../../helpers/testImage.js';

/** The test image and registry helpers, proven on a real dockerd and a real docker-registry: no fakes. */
const skip = dockerdSkipReason() ?? dockerRegistrySkipReason() ?? testImageSkipReason();

test('test images: imported with their changes, pushed, removed, pulled back, run on the host network and healthy', { skip }, async (t) => {
  const [engine, registry, port] = await Promise.all([startDockerd(t), startRegistry(t), freePort()]);
  const docker = new Docker({ socketPath: engine.socket });
  const files = { '/www/static/app.js': 'v1();\n' };
  const v1 = { ref: `${registry.address}/rewind/app:v1`, version: 'v1.0.0', port, healthcheck: true, files };
  const v2 = { ref: `${registry.address}/rewind/app:v2`, version: 'v2.0.0', sha: 'b'.repeat(40), port };
  const env = { APP_MODE: 'test', TRICKY: 'a b $HOME "quoted" \\back' };
  const labels = { 'org.opencontainers.image.version': 'v1.0.0', 'rewind.test': 'yes' };
  const [v1Id, v2Id] = await Promise.all([buildTestImage(docker, { ...v1, env, labels }), buildTestImage(docker, v2)]);
  assert.match(v1Id, /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(v1Id, v2Id);

  // The changes are in the image's config, not just accepted.
  const config = (await docker.getImage(v1.ref).inspect()).Config;
  assert.deepEqual(config.Env, ['APP_MODE=test', 'TRICKY=a b $HOME "quoted" \\back']);
  assert.deepEqual(config.Labels, labels);
  assert.deepEqual(config.Cmd, stoppableHttpdCmd(port));
  assert.deepEqual(config.Healthcheck, { Test: ['CMD', ...healthcheckCmd(port)], Interval: 500e6, Timeout: 1e9, Retries: 3 });
  assert.equal((await docker.getImage(v2.ref).inspect()).Config.Healthcheck, undefined);

  const [, v2Digest] = await Promise.all([pushImage(docker, v1.ref), pushImage(docker, v2.ref)]);
  assert.match(v2Digest, /^sha256:[0-9a-f]{64}$/);
  await Promise.all([docker.getImage(v1.ref).remove(), docker.getImage(v2.ref).remove()]);
  await assert.rejects(docker.getImage(v1.ref).inspect(), (error: { statusCode?: number }) => error.statusCode === 404);
  // The image ID is its config's digest, so the registry gives back the very image that was built.
  assert.equal(await pullImage(docker, v1.ref), v1Id);
  assert.equal(await pullImage(docker, `${registry.address}/rewind/app@${v2Digest}`), v2Id);

  const container = await docker.createContainer({ Image: v1.ref, HostConfig: { NetworkMode: 'host' } });
  try {
    await container.start();
    assert.deepEqual(await fetchHealth(port), { status: 200, body: healthBody(v1) });
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/static/app.js`)).text(), 'v1();\n');
    assert.equal(await healthStatus(container, 'healthy'), 'healthy');
    // The default CMD exits 0 on SIGTERM: a stop is quick and graceful, not a timeout and a kill.
    const stopping = Date.now();
    await container.stop({ t: 10 });
    assert.ok(Date.now() - stopping < 3000, `stop took ${Date.now() - stopping} ms`);
    assert.equal((await container.inspect()).State.ExitCode, 0);
  } finally {
    // Here, not in t.after: those hooks run in order, and the engine's own stops first.
    await container.remove({ force: true });
  }
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
});

test('broken test images: one serves no /health and turns unhealthy, one exits at once; a push nobody takes fails', { skip }, async (t) => {
  const [engine, port] = await Promise.all([startDockerd(t), freePort()]);
  const docker = new Docker({ socketPath: engine.socket });
  const healthcheck = { interval: '200ms', retries: 1 };
  await Promise.all([
    buildTestImage(docker, { ref: 'rewind/app:no-health', version: 'v3.0.0', port, healthcheck, broken: true }),
    buildTestImage(docker, { ref: 'rewind/app:exits', version: 'v4.0.0', port, exitAtOnce: true }),
  ]);
  const noHealth = await docker.createContainer({ Image: 'rewind/app:no-health', HostConfig: { NetworkMode: 'host' } });
  const exits = await docker.createContainer({ Image: 'rewind/app:exits', HostConfig: { NetworkMode: 'host' } });
  try {
    await noHealth.start();
    assert.equal((await fetchHealth(port)).status, 404);
    assert.equal(await healthStatus(noHealth, 'unhealthy'), 'unhealthy');
    assert.equal((await noHealth.inspect()).State.Running, true);

    await exits.start();
    assert.equal((await exits.wait()).StatusCode, 1);
  } finally {
    await Promise.all([noHealth.remove({ force: true }), exits.remove({ force: true })]);
  }

  // The engine reports a failed push inside its 200 progress stream; pushImage turns that into a rejection.
  const nowhere = `127.0.0.1:${await freePort()}/rewind/app:exits`;
  await docker.getImage('rewind/app:exits').tag(splitRef(nowhere));
  await assert.rejects(pushImage(docker, nowhere), /^Error: pushing 127\.0\.0\.1:\d+\/rewind\/app:exits: .*connection refused/);
});

/** /health as the test sees it; retried briefly, since httpd binds a moment after the start returns. */
async function fetchHealth(port: number): Promise<{ status: number; body?: unknown }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      const text = await response.text();
      return response.status === 200 ? { status: 200, body: JSON.parse(text) } : { status: response.status };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Waits until Docker's health status is `wanted` (or 10 s pass) and returns the last status seen. */
async function healthStatus(container: Docker.Container, wanted: 'healthy' | 'unhealthy'): Promise<string | undefined> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const health = (await container.inspect()).State.Health;
    if (health?.Status === wanted || Date.now() > deadline) return health?.Status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
