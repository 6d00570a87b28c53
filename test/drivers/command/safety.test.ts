import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { RewindError } from '../../../src/core/errors.js';
import { commandCwd, commandDriver } from '../../../src/drivers/command/module.js';
import { commandSchema } from '../../../src/drivers/command/schema.js';
import { createLocalExec } from '../../../src/exec/localExec.js';
import { LOCAL, makeCommandWorld, rewindError, SECTION } from './helpers.js';

test('placeholders are substituted inside each argument and never split one, even across a space in the cwd', async (t) => {
  const world = await makeCommandWorld(t, 'my app; echo hacked');
  const driver = world.driver({ ...SECTION, activate: [['./args.sh', '{version}', '--tag={version}', '{release_dir}/x', '{app}:{env}@{host}', '']] });
  await driver.activate('v1.0.0+b.2');
  const args = (await readFile(join(world.dir, 'args.txt'), 'utf8')).trim().split('\n');
  assert.deepEqual(args, ['<v1.0.0+b.2>', '<--tag=v1.0.0+b.2>', `<${world.dir}/x>`, '<shop:production@127.0.0.1>', '<>']);
});

test('a version that is not a safe name never reaches a command', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver(SECTION);
  for (const version of ['v1 ; rm -rf /', '$(touch pwned)', '../v1', '-rf', 'v1\nv2', '']) {
    await assert.rejects(driver.activate(version), rewindError('UNSAFE_NAME'));
    await assert.rejects(driver.prepare(version), rewindError('UNSAFE_NAME'));
    await assert.rejects(driver.vars(version), rewindError('UNSAFE_NAME'));
    await assert.rejects(async () => driver.describeActivate?.(version), rewindError('UNSAFE_NAME'));
    assert.equal(await driver.isPresent(version), false);
  }
  assert.deepEqual(await world.logLines(), [], 'no script ran');
});

test('a command that outlives its timeout is killed with its whole process group, and the error says so', async (t) => {
  const world = await makeCommandWorld(t);
  await writeFile(join(world.dir, 'hang.sh'), '#!/bin/sh\necho "error: slow start" >&2\nsleep 60 &\necho $! > child.pid\nwait\n');
  await chmod(join(world.dir, 'hang.sh'), 0o755);
  const driver = world.driver({ ...SECTION, activate: [['./hang.sh', '{version}']], timeout: '1s' });
  const started = Date.now();
  await assert.rejects(driver.activate('v1'), rewindError('STEP_FAILED', /^activate `\.\/hang\.sh v1` exited 124: rewind: timed out after 1000 ms; the process group was killed$/));
  // (1s, not less: on a loaded machine the shell may not have started its child within a few hundred ms.)
  assert.ok(Date.now() - started < 5000, 'it did not wait for the sleep');
  const child = Number((await readFile(join(world.dir, 'child.pid'), 'utf8')).trim());
  assert.equal(await gone(child), true, 'the background child was killed too');
});

test('the default timeout of each command is 5 minutes', () => {
  assert.equal(commandSchema.parse(SECTION).timeout, 300_000);
  assert.equal(commandSchema.parse({ ...SECTION, timeout: '90s' }).timeout, 90_000);
});

test('what a failing command says is redacted before it reaches the error', async (t) => {
  const world = await makeCommandWorld(t);
  const secret = 'hunter2-very-secret-token';
  await writeFile(join(world.dir, 'leak.sh'), `#!/bin/sh\necho "auth failed with ${secret}" >&2\nexit 1\n`);
  await chmod(join(world.dir, 'leak.sh'), 0o755);
  const driver = world.driver({ ...SECTION, activate: [['./leak.sh']] }, { exec: createLocalExec({ secrets: [secret] }) });
  await assert.rejects(driver.activate('v1'), (error: unknown) => {
    assert.ok(error instanceof RewindError);
    assert.doesNotMatch(error.message + JSON.stringify(error.details), new RegExp(secret));
    assert.match(error.message, /^activate `\.\/leak\.sh` exited 1: auth failed with /);
    return true;
  });
});

test('cwd: the config file dir by default, relative to it otherwise; {host} is the address', async (t) => {
  const world = await makeCommandWorld(t);
  const local = { ...LOCAL, base: world.dir };
  assert.equal(commandCwd(commandSchema.parse(SECTION), local), world.dir);
  assert.equal(commandCwd(commandSchema.parse({ ...SECTION, cwd: 'deploy/{host}' }), local), join(world.dir, 'deploy', '127.0.0.1'));
  assert.equal(commandCwd(commandSchema.parse({ ...SECTION, cwd: '/srv/app' }), local), '/srv/app');
  await mkdir(join(world.dir, 'sub'));
  await world.driver({ ...SECTION, cwd: 'sub', activate: [['../args.sh', '{release_dir}']] }).activate('v1');
  assert.equal((await readFile(join(world.dir, 'sub', 'args.txt'), 'utf8')).trim(), `<${join(world.dir, 'sub')}>`);
});

test('cwd on a remote host must be given, and absolute: a config error before anything connects', () => {
  const remote = { name: 'deploy@web1:22', address: 'web1', remote: true, base: '/' };
  assert.throws(() => commandDriver.writeRoots(commandSchema.parse(SECTION), remote), (e: unknown) => e instanceof RewindError && e.code === 'CONFIG_INVALID' && /command\.cwd must be set to an absolute path for remote hosts/.test(e.message));
  assert.throws(() => commandDriver.writeRoots(commandSchema.parse({ ...SECTION, cwd: 'app' }), remote), /command\.cwd must be absolute for remote hosts \(got "app"\)/);
  assert.equal(commandCwd(commandSchema.parse({ ...SECTION, cwd: '/srv/{host}' }), remote), '/srv/web1');
});

test('write roots: none, so the cwd (by default the whole project) is not opened to rewind\'s own writes', () => {
  assert.deepEqual(commandDriver.writeRoots(commandSchema.parse(SECTION), { ...LOCAL, base: '/work/project' }), []);
  assert.deepEqual(commandDriver.writeRoots(commandSchema.parse({ ...SECTION, cwd: '/srv/app' }), { name: 'a@b:22', address: 'b', remote: true, base: '/' }), []);
});

/** Dead or a zombie (a container's init may not reap what it inherits), within 2 s. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i += 1) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || / Z /.test(stat.slice(stat.lastIndexOf(')')))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
