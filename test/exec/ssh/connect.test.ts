import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { isRewindError, type ErrorCode } from '../../../src/core/errors.js';
import { openSshHost, type OpenSshOptions } from '../../../src/exec/ssh/connect.js';
import { parseSshHost } from '../../../src/exec/ssh/target.js';
import { connectTo, sshdSkipReason, startSshd, startSshds, type Sshd } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/tmp.js';

const run = promisify(execFile);
const skip = sshdSkipReason();

function options(sshd: Sshd, overrides: Partial<OpenSshOptions> = {}): OpenSshOptions {
  return { identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile, strictHostKeys: true, connectTimeoutMs: 10_000, ...overrides };
}

/** Asserts a one-line RewindError with `code` naming the host, and returns its message. */
async function refusal(t: TestContext, opening: Promise<{ close(): Promise<void> }>, code: ErrorCode, hostLabel: string): Promise<string> {
  let message = '';
  await assert.rejects(
    opening.then((host) => {
      t.after(() => host.close());
    }),
    (error: unknown) => {
      assert.ok(isRewindError(error), `expected a RewindError, got ${String(error)}`);
      assert.equal(error.code, code, error.message);
      assert.ok(error.message.startsWith(`${hostLabel}: `), error.message);
      assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
      assert.ok(!/\n\s+at /.test(error.message), 'no stack trace');
      message = error.message;
      return true;
    },
  );
  return message;
}

async function anotherKey(dir: string): Promise<string> {
  const path = join(dir, `other-${Math.random().toString(16).slice(2)}`);
  await run('ssh-keygen', ['-t', 'ed25519', '-N', '', '-q', '-f', path]);
  return path;
}

test('a host in known_hosts: connects, runs, reports how long connecting took', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  assert.equal(host.label, `${sshd.user}@127.0.0.1:${sshd.port}`);
  assert.ok(host.connectMs > 0 && host.connectMs < 5000, `connectMs ${host.connectMs}`);
  const result = await host.exec.run(['echo', 'hello']);
  assert.equal(result.stdout, 'hello\n');
  await host.close();
  await host.close();
  await assert.rejects(host.exec.run(['true']), (error: unknown) => {
    assert.ok(isRewindError(error));
    assert.equal(error.code, 'STEP_FAILED');
    assert.match(error.message, new RegExp(`^${host.label.replace(/[.[\]]/g, '\\$&')}: cannot run true: no channel could be opened`));
    return true;
  });
});

test('an unknown host key is refused with the ssh-keyscan line that trusts it, and nothing runs', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const empty = join(sshd.dir, 'empty_known_hosts');
  await writeFile(empty, '# nothing yet\n');
  const label = `${sshd.user}@127.0.0.1:${sshd.port}`;
  const message = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { knownHostsFile: empty })), 'HOST_KEY_UNKNOWN', label);
  assert.ok(message.includes(`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ${empty}`), message);
  assert.match(message, /ssh\.strict_host_keys: false/);
  assert.equal(await sshd.acceptedLogins(), 0, 'no login happened');

  // The hint, run as written, makes the next attempt succeed.
  const hint = /`([^`]+)`/.exec(message)?.[1] as string;
  await run('sh', ['-c', hint]);
  const host = await connectTo(t, sshd, { knownHostsFile: empty });
  assert.equal((await host.exec.run(['true'])).code, 0);
});

test('a missing known_hosts file is the same as an unknown host', { skip }, async (t) => {
  const sshd = await startSshd(t);
  await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { knownHostsFile: join(sshd.dir, 'nope') })), 'HOST_KEY_UNKNOWN', `${sshd.user}@127.0.0.1:${sshd.port}`);
});

test('a changed host key is refused, naming the host and the file; nothing is sent', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const other = await anotherKey(sshd.dir);
  const otherPublic = (await readFile(`${other}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
  const file = join(sshd.dir, 'changed_known_hosts');
  await writeFile(file, `[127.0.0.1]:${sshd.port} ${otherPublic}\n`);
  const label = `${sshd.user}@127.0.0.1:${sshd.port}`;
  for (const strictHostKeys of [true, false]) {
    const message = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { knownHostsFile: file, strictHostKeys })), 'HOST_KEY_CHANGED', label);
    assert.ok(message.includes(file), message);
    assert.match(message, /man-in-the-middle/);
    assert.ok(!message.includes(otherPublic.split(' ')[1] as string), 'no key material');
  }
  assert.equal(await sshd.acceptedLogins(), 0);
});

test('a revoked host key is refused even when it is also listed as known', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const file = join(sshd.dir, 'revoked_known_hosts');
  await writeFile(file, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n@revoked * ${sshd.hostPublicKey}\n`);
  const message = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { knownHostsFile: file })), 'HOST_KEY_CHANGED', `${sshd.user}@127.0.0.1:${sshd.port}`);
  assert.match(message, /@revoked/);
});

test('a hashed known_hosts entry (ssh-keygen -H) is accepted', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const file = join(sshd.dir, 'hashed_known_hosts');
  await writeFile(file, await readFile(sshd.knownHostsFile, 'utf8'));
  await run('ssh-keygen', ['-H', '-f', file]);
  assert.match(await readFile(file, 'utf8'), /^\|1\|/);
  const host = await connectTo(t, sshd, { knownHostsFile: file });
  assert.equal((await host.exec.run(['true'])).code, 0);
});

test('a server with several host keys shows the type known_hosts has for it', { skip }, async (t) => {
  const sshd = await startSshd(t, { hostKeyTypes: ['ed25519', 'ecdsa'] });
  const ecdsaOnly = join(sshd.dir, 'ecdsa_known_hosts');
  const ecdsa = sshd.hostPublicKeys[1] as string;
  assert.match(ecdsa, /^ecdsa-sha2-nistp256 /);
  await writeFile(ecdsaOnly, `[127.0.0.1]:${sshd.port} ${ecdsa}\n`);
  const host = await connectTo(t, sshd, { knownHostsFile: ecdsaOnly });
  assert.equal((await host.exec.run(['true'])).code, 0);
  // And a changed ecdsa key is still caught, even though an ed25519 key would be "unknown".
  await writeFile(ecdsaOnly, `[127.0.0.1]:${sshd.port} ecdsa-sha2-nistp256 ${Buffer.from('not this key').toString('base64')}\n`);
  await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { knownHostsFile: ecdsaOnly })), 'HOST_KEY_CHANGED', host.label);
});

test('strictHostKeys false accepts a host never seen', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { knownHostsFile: join(sshd.dir, 'nope'), strictHostKeys: false });
  assert.equal((await host.exec.run(['true'])).code, 0);
});

test('a port nobody listens on: HOST_UNREACHABLE, connection refused, at once', async (t) => {
  const port = await closedPort();
  const dir = await tempDir(t);
  const started = Date.now();
  const message = await refusal(
    t,
    openSshHost(parseSshHost(`ssh://deploy@127.0.0.1:${port}`), { knownHostsFile: join(dir, 'known_hosts'), strictHostKeys: true, connectTimeoutMs: 10_000 }),
    'HOST_UNREACHABLE',
    `deploy@127.0.0.1:${port}`,
  );
  assert.match(message, /connection refused/);
  assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
});

test('a server that accepts TCP and never speaks: HOST_UNREACHABLE near connectTimeoutMs', async (t) => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const port = (silent.address() as { port: number }).port;
  const dir = await tempDir(t);
  const started = Date.now();
  const message = await refusal(
    t,
    openSshHost(parseSshHost(`ssh://deploy@127.0.0.1:${port}`), { knownHostsFile: join(dir, 'known_hosts'), strictHostKeys: true, connectTimeoutMs: 700 }),
    'HOST_UNREACHABLE',
    `deploy@127.0.0.1:${port}`,
  );
  const took = Date.now() - started;
  assert.match(message, /no answer within 700ms/);
  assert.ok(took >= 650 && took < 5000, `took ${took} ms`);
  assert.ok(sockets.size >= 1, 'it did connect');
});

test('a key the server does not accept: SSH_AUTH_FAILED saying what was offered', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const wrong = await anotherKey(sshd.dir);
  const message = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { identityFile: wrong })), 'SSH_AUTH_FAILED', `${sshd.user}@127.0.0.1:${sshd.port}`);
  assert.match(message, /refused every key offered/);
  assert.ok(message.includes(`identity file ${wrong}`), message);
  const key = await readFile(wrong, 'utf8');
  assert.ok(!message.includes(key.split('\n')[1] as string), 'no key material');

  const withAgent = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { identityFile: wrong, agent: join(sshd.dir, 'no-agent.sock') })), 'SSH_AUTH_FAILED', `${sshd.user}@127.0.0.1:${sshd.port}`);
  assert.match(withAgent, /identity file .* and keys from the agent at .*no-agent\.sock/);
  const nothing = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { identityFile: undefined })), 'SSH_AUTH_FAILED', `${sshd.user}@127.0.0.1:${sshd.port}`);
  assert.match(nothing, /nothing: no identity file and no agent/);
  assert.equal(await sshd.acceptedLogins(), 0);
});

test('an identity file that is missing, public or passphrase-protected is named, not dumped', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const label = `${sshd.user}@127.0.0.1:${sshd.port}`;
  const missing = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { identityFile: join(sshd.dir, 'nope') })), 'SSH_AUTH_FAILED', label);
  assert.match(missing, /cannot read identity file .*nope \(ENOENT\)/);
  const publicOnly = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { identityFile: `${sshd.identityFile}.pub` })), 'SSH_AUTH_FAILED', label);
  assert.match(publicOnly, /not a private key/);
  const locked = join(sshd.dir, 'locked');
  await run('ssh-keygen', ['-t', 'ed25519', '-N', 'correct horse', '-q', '-f', locked]);
  const encrypted = await refusal(t, openSshHost(parseSshHost(sshd.url), options(sshd, { identityFile: locked })), 'SSH_AUTH_FAILED', label);
  assert.match(encrypted, /passphrase.*ssh-agent/);
});

test('three hosts at once: one connection and one login each', { skip }, async (t) => {
  const servers = await startSshds(t, 3);
  assert.equal(new Set(servers.map((sshd) => sshd.port)).size, 3);
  const hosts = await Promise.all(servers.map((sshd) => connectTo(t, sshd)));
  const results = await Promise.all(hosts.flatMap((host) => Array.from({ length: 5 }, () => host.exec.run(['sh', '-c', 'echo "$SSH_CONNECTION"']))));
  assert.ok(results.every((result) => result.code === 0));
  // Five commands per host, one client port per host.
  assert.equal(new Set(results.map((result) => result.stdout.split(' ')[1])).size, 3);
  assert.deepEqual(await Promise.all(servers.map((sshd) => sshd.acceptedLogins())), [1, 1, 1]);
  for (const host of hosts) assert.ok(host.connectMs < 5000, `${host.label} took ${host.connectMs} ms to connect`);
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
