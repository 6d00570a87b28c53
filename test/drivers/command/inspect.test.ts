import assert from 'node:assert/strict';
import { symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeCommandWorld, rewindError, SECTION } from './helpers.js';

test('inspect: nothing deployed is version null; after a switch, the version the script prints', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver(SECTION);
  assert.deepEqual(await driver.inspect(), { version: null, artifact: null, problems: [] });
  await world.addVersion('v1.2.0');
  await driver.prepare('v1.2.0');
  await driver.activate('v1.2.0');
  assert.deepEqual(await driver.inspect(), { version: 'v1.2.0', artifact: world.dir, problems: [] });
});

test('inspect: the first non-empty line, trimmed, is the version; the rest is ignored', async (t) => {
  const world = await makeCommandWorld(t);
  await writeFile(join(world.dir, 'say.sh'), '#!/bin/sh\nprintf "\\n   \\n  v2+build.7  \\nsomething else\\n"\n');
  await chmod(join(world.dir, 'say.sh'), 0o755);
  const driver = world.driver({ ...SECTION, inspect: ['./say.sh'] });
  assert.equal((await driver.inspect()).version, 'v2+build.7');
});

test('inspect: a line that is not a usable version is a problem, never a version', async (t) => {
  const world = await makeCommandWorld(t);
  for (const printed of ['v1 ; rm -rf /', '../../etc', '-rf', 'has space']) {
    await writeFile(join(world.dir, 'say.sh'), `#!/bin/sh\nprintf '%s\\n' ${JSON.stringify(printed)}\n`);
    await chmod(join(world.dir, 'say.sh'), 0o755);
    const state = await world.driver({ ...SECTION, inspect: ['./say.sh'] }).inspect();
    assert.equal(state.version, null, printed);
    assert.equal(state.problems.length, 1);
    assert.match(state.problems[0] as string, /inspect `\.\/say\.sh` printed ".*", which is not a usable version name/);
  }
});

test('inspect: a failing inspect command is an error naming it, its exit code and its last stderr line', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver({ ...SECTION, inspect: ['./fail.sh', '{env}'] });
  await assert.rejects(driver.inspect(), rewindError('STEP_FAILED', /^inspect `\.\/fail\.sh production` exited 7: disk on fire: cannot tell which version the target runs$/));
});

test('inspect: a symlink the script follows is read as the user wrote it (the driver itself reads nothing)', async (t) => {
  const world = await makeCommandWorld(t);
  await symlink('releases/v9', join(world.dir, 'current'));
  assert.equal((await world.driver(SECTION).inspect()).version, 'v9');
});
