import assert from 'node:assert/strict';
import { readFile, symlink, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerdSkipReason, startDockerd } from '../helpers/dockerd.js';
import { dockerRegistrySkipReason } from '../helpers/dockerRegistry.js';
import { CONTAINER, makeDockerWorld } from '../helpers/dockerWorld.js';
import { freePortOn } from '../helpers/fleet.js';
import { sshdSkipReason, startSshd } from '../helpers/sshd.js';
import { HOST_BUSYBOX, testImageSkipReason } from '../helpers/testImage.js';

const skip = dockerdSkipReason() ?? dockerRegistrySkipReason() ?? testImageSkipReason() ?? sshdSkipReason();

/**
 * Two hosts over real SSH (one sshd each, on 127.0.0.2 and 127.0.0.3), each
 * with an engine of its own, reached through that host's SSH connection at
 * the socket docker.socket names for it; the containers serve on the host's
 * own address. Deploys pull on both engines; the canary goes first.
 */
test('docker over SSH: two hosts, each its own engine through its SSH connection; deploy in batches and roll back', { skip }, async (t) => {
  const addresses = ['127.0.0.2', '127.0.0.3'];
  const port = await freePortOn(addresses);
  const world = await makeDockerWorld(t, { v1: {}, v2: {}, v3: { broken: true } }, { port });
  const second = await startDockerd(t);
  // docker.socket names each host's engine by its address.
  await symlink(world.dockerd.socket, join(world.root, `${addresses[0]}.sock`));
  await symlink(second.socket, join(world.root, `${addresses[1]}.sock`));
  const sshds = await Promise.all(addresses.map((address) => startSshd(t, { address })));
  const identity = sshds[0]?.identityFile as string;
  await appendFile(join(sshds[1]?.dir as string, 'authorized_keys'), await readFile(`${identity}.pub`, 'utf8'));
  const knownHosts = join(world.root, 'known_hosts');
  await writeFile(knownHosts, (await Promise.all(sshds.map((s) => readFile(s.knownHostsFile, 'utf8')))).join(''));
  const serve = `trap 'exit 0' TERM; ${HOST_BUSYBOX} httpd -f -p {host}:${port} -h /www & wait $!`;
  await writeFile(join(world.root, 'rewind.yaml'), `app: shop
environments:
  production:
    driver: docker
    hosts: [${sshds.map((s) => s.url).join(', ')}]
    ssh: { identity_file: ${JSON.stringify(identity)}, known_hosts: ${JSON.stringify(knownHosts)} }
    canary: 1
    batch: 1
    docker:
      socket: ${JSON.stringify(join(world.root, '{host}.sock'))}
      container: ${CONTAINER}
      image: "${world.registry.address}/shop:{version}"
      stop_timeout: 2s
      create: { command: ["${HOST_BUSYBOX}", "sh", "-c", ${JSON.stringify(serve)}] }
    health: { url: "http://{host}:${port}/health", expect_version: version, timeout: 5s, interval: 100ms, successes: 1 }
`);
  const served = async (address: string) => {
    const response = await fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    return response ? ((await response.json()) as { version: string }).version : null;
  };

  for (const v of ['v1', 'v2']) {
    const deployed = await world.cli('deploy', v, '--json');
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  }
  assert.deepEqual(await Promise.all(addresses.map(served)), ['v2', 'v2']);
  const hosts = sshds.map((s) => `${s.user}@${s.host}:${s.port}`);

  // v3 fails on the canary: the second host never leaves v2, and the canary is rolled back.
  const broken = await world.cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  const doc = broken.json();
  assert.deepEqual(doc.steps.map((s: any) => [s.name, s.ok]).slice(0, 3), [
    ['make release v3', true], [`switch to v3 on ${hosts[0]}`, true], [`verify v3 on ${hosts[0]}`, false],
  ]);
  assert.equal(doc.rollback.ok, true, JSON.stringify(doc.rollback));
  assert.deepEqual(await Promise.all(addresses.map(served)), ['v2', 'v2']);

  const loginsBefore = await Promise.all(sshds.map((s) => s.acceptedLogins()));
  const rolled = await world.cli('rollback', '--apply', '--yes', '--json');
  const loginsAfter = await Promise.all(sshds.map((s) => s.acceptedLogins()));
  // One login per host for the whole run, the engine's requests included.
  assert.deepEqual(loginsAfter.map((n, i) => n - (loginsBefore[i] as number)), [1, 1]);
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.deepEqual(await Promise.all(addresses.map(served)), ['v1', 'v1']);
  const status = (await world.cli('status', '--json')).json();
  assert.deepEqual([status.live.version, status.running.version, status.drift], ['v1', 'v1', []]);
  // Each engine has its own containers: v1 live, v2 (and the canary's v3) kept stopped.
  for (const socket of [world.dockerd.socket, second.socket]) {
    const Docker = (await import('dockerode')).default;
    const engine = new Docker({ socketPath: socket });
    const live = await engine.getContainer(CONTAINER).inspect();
    assert.deepEqual([live.State.Running, live.Config.Labels['rewind.version'], live.Image], [true, 'v1', world.ids.v1]);
  }
});
