import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import { checkEngine, DEFAULT_SOCKET, engineClient, localSocket, type EngineAt } from '../../../src/drivers/docker/engine.js';
import { dockerdSkipReason, startDockerd } from '../../helpers/dockerd.js';
import { connectTo, sshdSkipReason, startSshd } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/tmp.js';

/** Engine access against a real dockerd (Debian's docker.io) on a private socket, locally and through a real sshd. */
const skip = dockerdSkipReason() ?? sshdSkipReason();

test('the local socket: docker.socket, else DOCKER_HOST (unix:// only), else the default', () => {
  assert.equal(localSocket('/run/a.sock', { DOCKER_HOST: 'unix:///run/b.sock' }), '/run/a.sock');
  assert.equal(localSocket(undefined, { DOCKER_HOST: 'unix:///run/b.sock' }), '/run/b.sock');
  assert.equal(localSocket(undefined, {}), DEFAULT_SOCKET);
  assert.throws(
    () => localSocket(undefined, { DOCKER_HOST: 'tcp://10.0.0.1:2375' }),
    (error) => isRewindError(error) && error.code === 'CONFIG_INVALID' && /not a unix:\/\/ socket/.test(error.message) && !error.message.includes('\n'),
  );
});

test('a real engine answers on its local socket and through the SSH connection to its host', { skip }, async (t) => {
  const engine = await startDockerd(t);
  const local: EngineAt = { kind: 'local', socket: engine.socket };
  const here = await checkEngine(await engineClient(local), local);
  assert.match(here.version, /^\d+\.\d+/);
  assert.match(here.apiVersion, /^1\.\d+$/);

  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const remote: EngineAt = { kind: 'ssh', label: host.label, socket: engine.socket, openUnixSocket: (path) => host.openUnixSocket(path) };
  const docker = await engineClient(remote);
  const there = await checkEngine(docker, remote);
  assert.deepEqual(there, here);
  // Several requests at once, each on a channel of its own, over the one login.
  const many = await Promise.all(Array.from({ length: 5 }, () => docker.ping()));
  assert.equal(many.length, 5);
  assert.equal(await sshd.acceptedLogins(), 1);
});

test('an engine that does not answer, or a socket without permission: one line naming where and why', { skip }, async (t) => {
  const dir = await tempDir(t);
  const missing: EngineAt = { kind: 'local', socket: join(dir, 'none.sock') };
  await assert.rejects(checkEngine(await engineClient(missing), missing), (error) => {
    assert.ok(isRewindError(error));
    assert.equal(error.code, 'ENGINE_UNREACHABLE');
    assert.equal(error.message, `the engine at ${missing.socket} does not answer: no such socket (is dockerd running, and is this its socket?)`);
    return true;
  });
  const notASocket = join(dir, 'plain');
  await writeFile(notASocket, '');
  await chmod(notASocket, 0o600);
  const plain: EngineAt = { kind: 'local', socket: notASocket };
  await assert.rejects(checkEngine(await engineClient(plain), plain), (error) => isRewindError(error) && error.code === 'ENGINE_UNREACHABLE' && !error.message.includes('\n'));

  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const remote: EngineAt = { kind: 'ssh', label: host.label, socket: join(dir, 'none.sock'), openUnixSocket: (path) => host.openUnixSocket(path) };
  await assert.rejects(checkEngine(await engineClient(remote), remote), (error) => {
    assert.ok(isRewindError(error));
    assert.equal(error.code, 'ENGINE_UNREACHABLE');
    assert.ok(error.message.startsWith(`${host.label}: the engine at ${remote.socket} does not answer: `), error.message);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});
