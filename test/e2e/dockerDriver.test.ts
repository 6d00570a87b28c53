import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerdSkipReason } from '../helpers/dockerd.js';
import { nobodySkipReason } from '../helpers/nobody.js';
import { dockerRegistrySkipReason } from '../helpers/dockerRegistry.js';
import { CONTAINER, makeDockerWorld } from '../helpers/dockerWorld.js';
import { testImageSkipReason } from '../helpers/testImage.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'bin', 'rewind.ts');
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
  // What each engine keeps to go back to, newest first: the container the rollback set aside leads.
  const keptNow = status.hosts[0].kept;
  assert.deepEqual([keptNow[0].version, keptNow[0].artifact, keptNow[0].failed], ['v2', world.ids.v2, false]);
  assert.ok(keptNow.some((k: any) => k.version === 'v4' && k.failed), JSON.stringify(keptNow));
  assert.match((await world.cli('status')).stdout, /kept to go back to: v2 as shop-web-v2-\d{8}T\d{6}\.\d{3}Z, /);
});

test('docker: pruning keeps `keep` old containers and the last known good, and removes the images nothing uses', { skip }, async (t) => {
  const world = await makeDockerWorld(t, { v1: {}, v2: {}, v3: {}, v4: {} });
  await world.writeConfig('      keep: 1\n');
  for (const v of ['v1', 'v2', 'v3', 'v4']) assert.equal((await world.cli('deploy', v)).code, 0);
  // Live v4; v3 is the last known good and the newest kept; v2 goes past keep: 1; v1 went at the deploy of v4.
  assert.deepEqual((await world.containers()).map((c) => [c.version, c.state]), [['v4', 'running'], ['v3', 'exited']]);
  const images = (await world.docker.listImages()).map((i) => i.Id).sort();
  assert.deepEqual(images, [world.ids.v3, world.ids.v4].sort(), 'the images of removed containers went with them');
  assert.equal((await world.cli('rollback', '--apply', '--yes')).code, 0);
  assert.deepEqual(await world.served(), { http: 200, version: 'v3' });
});

test('docker: a target whose image is gone is refused in the plan, naming the host; pulled back, the rollback runs', { skip }, async (t) => {
  const world = await makeDockerWorld(t, { v1: {}, v2: {} });
  for (const v of ['v1', 'v2']) assert.equal((await world.cli('deploy', v)).code, 0);
  const kept = (await world.containers()).find((c) => c.version === 'v1');
  await world.docker.getContainer(kept?.name as string).remove();
  await world.docker.getImage(world.ids.v1 as string).remove();

  const refused = await world.cli('rollback');
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.equal(refused.stderr.trim(), `rewind: the engine at ${world.dockerd.socket}: the image v1 ran (${world.ids.v1?.slice(0, 19)}) is gone: ` +
    `pull it back with \`docker pull ${world.ref('v1')}\` on that host if the registry still has that image, or choose another target with --to`);
  assert.deepEqual(await world.served(), { http: 200, version: 'v2' }, 'nothing stopped');
  assert.equal((await world.cli('history', '--json')).json().runs.length, 2, 'no run was saved');

  // The registry still has it: the same image ID comes back, and the rollback goes by it.
  const stream = await world.docker.pull(world.ref('v1'));
  await new Promise((resolve, reject) => world.docker.modem.followProgress(stream, (error: unknown) => (error ? reject(error) : resolve(null))));
  const rolled = await world.cli('rollback', '--apply', '--yes');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.deepEqual(await world.served(), { http: 200, version: 'v1' });
});

test('docker: bad input is one line naming what and where, and nothing is stopped', { skip }, async (t) => {
  const world = await makeDockerWorld(t, { v1: {}, v2: {} });
  assert.equal((await world.cli('deploy', 'v1')).code, 0);

  await t.test('an engine that does not answer', async () => {
    await world.writeConfig().then(() => undefined);
    const yaml = join(world.root, 'rewind.yaml');
    const text = await readFile(yaml, 'utf8');
    await import('node:fs/promises').then((fs) => fs.writeFile(yaml, text.replace(world.dockerd.socket, join(world.root, 'nothing.sock'))));
    const run = await world.cli('deploy', 'v2');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`the engine at ${join(world.root, 'nothing.sock')} does not answer: no such socket`));
    assert.ok(!run.stderr.includes('    at '), run.stderr);
    await world.writeConfig();
  });

  await t.test('a socket without permission, for a user who is not in the docker group', { skip: nobodySkipReason() }, async () => {
    // The engine's socket is root's (0660): any other user is refused by the kernel. As root, the test runs rewind as nobody.
    const dir = await mkdtemp(join(tmpdir(), 'rewind-docker-perm-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await chmod(dir, 0o777);
    const text = (await readFile(join(world.root, 'rewind.yaml'), 'utf8')).replace(/health: .*\n/, '');
    await writeFile(join(dir, 'rewind.yaml'), text);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, 'deploy', 'v2'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir, REWIND_USER: 'nobody@example.com' }, ...asNobody,
    });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, new RegExp(`the engine at ${world.dockerd.socket} does not answer: permission denied ` +
      '\\(the user is not in the docker group, or the socket is not theirs\\)'));
    assert.ok(!(run.stdout + run.stderr).includes('    at '), run.stderr);
    assert.deepEqual(await world.served(), { http: 200, version: 'v1' }, 'nothing stopped');
  });

  await t.test('an image reference that is not valid', async () => {
    const yaml = join(world.root, 'rewind.yaml');
    const text = await readFile(yaml, 'utf8');
    await import('node:fs/promises').then((fs) => fs.writeFile(yaml, text.replace('/shop:{version}', '/Shop:{version};x')));
    const run = await world.cli('status');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /docker\.image ".*\/Shop:0\.0\.0;x" is not a valid image reference/);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    await world.writeConfig();
  });

  await t.test("a container under the name that is not rewind's", async () => {
    await world.docker.getContainer(CONTAINER).rename({ name: 'mine' });
    const theirs = await world.docker.createContainer({ name: CONTAINER, Image: world.ids.v1, HostConfig: { NetworkMode: 'none' } });
    await theirs.start();
    const run = await world.cli('deploy', 'v2');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /a container named shop-web exists but rewind did not make it \(no rewind\.container label\).*nothing was stopped/);
    assert.equal((await theirs.inspect()).State.Running, true);
  });
});

test('docker: a rollback killed with SIGKILL in the middle of its switch is resumed to the verified container', { skip }, async (t) => {
  const world = await makeDockerWorld(t, { v1: {}, v2: {}, v3: { broken: true } });
  for (const v of ['v1', 'v2']) assert.equal((await world.cli('deploy', v)).code, 0);
  assert.equal((await world.cli('deploy', 'v3', '--no-auto-rollback')).code, 1);

  // Killed the moment the engine says the live container was set aside: between its rename and the target's start.
  const events = await world.docker.getEvents({ filters: { type: ['container'], event: ['rename'] } });
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, 'rollback', '--apply', '--yes'], {
    cwd: world.root, env: { ...process.env, REWIND_USER: 'tester@example.com' }, stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve) => events.once('data', () => resolve()));
  child.kill('SIGKILL');
  (events as unknown as { destroy(): void }).destroy();
  assert.equal(await exited, 'SIGKILL');

  const interrupted = (await world.cli('history', '--json')).json().runs[0];
  assert.deepEqual([interrupted.kind, interrupted.status], ['rollback', 'interrupted']);
  const resumed = await world.cli('resume', interrupted.run_id, '--json');
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.deepEqual(await world.served(), { http: 200, version: 'v2' });
  const running = (await world.containers()).filter((c) => c.state === 'running');
  assert.deepEqual(running.map((c) => [c.name, c.version, c.image]), [[CONTAINER, 'v2', world.ids.v2]]);
  // Nothing was lost: v3's container is kept stopped for the post-mortem, and so are the older ones.
  assert.deepEqual((await world.containers()).filter((c) => c.name !== CONTAINER).map((c) => c.version).sort(), ['v1', 'v2', 'v3']);
});
