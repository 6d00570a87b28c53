import assert from 'node:assert/strict';
import { readdir, readFile, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { BROKEN, GOOD, makeWorld, type World } from '../helpers/world.js';

/** What a finished rollback leaves that a user would look at: target, served build, ledger, report files. */
async function endState(world: World, runId: string) {
  const history = (await rewind(world.root, ['history', '--json'])).json();
  const status = (await rewind(world.root, ['status', '--json'])).json();
  const run = history.runs.find((r: any) => r.run_id === runId);
  const reportDir = join(world.root, '.rewind', 'reports', 'rollbacks', runId);
  const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8'));
  return {
    current: await world.current(),
    served: await world.served(),
    rolledBack: [history.releases[0].version, history.releases[0].status],
    live: [status.live.version, status.live.status, status.last_known_good?.version],
    run: [run.status, run.from_version, run.to_version],
    files: (await readdir(reportDir)).sort(),
    summary: [summary.status, summary.from_version, summary.to_version, summary.live_after],
  };
}

test('a rollback killed with SIGKILL at any step boundary and resumed ends exactly like an uninterrupted one', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  assert.equal((await cli('deploy', 'v1')).code, 0);
  assert.equal((await cli('deploy', 'v2')).code, 0);
  const breakIt = async () => assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);

  await breakIt();
  const clean = await cli('rollback', '--apply', '--yes', '--json');
  assert.equal(clean.code, 0, clean.stderr);
  const expected = await endState(world, clean.json().run_id);
  assert.equal(expected.current, 'releases/v2');
  assert.equal(expected.served?.version, 'v2');
  const steps = clean.json().steps.length;
  assert.equal(steps, 6);
  // Before the switch, the failed release's manifest and the checksums it was made with are kept for the post-mortem.
  const reportDir = join(clean.json().files.report_md, '..');
  const kept = JSON.parse(await readFile(join(reportDir, 'snapshot', 'local', 'release.json'), 'utf8'));
  assert.deepEqual([kept.version, kept.manifest.version, kept.manifest.sha, kept.checksums.file], ['v3', 'v3', await world.shaOf('v3'), '.rewind-checksums']);
  assert.match(await readFile(join(reportDir, 'snapshot', 'local', 'checksums.sha256'), 'utf8'), /^[0-9a-f]{64}  \.\/server\.js$/m);
  assert.match(await readFile(join(reportDir, 'incident.md'), 'utf8'), /\[snapshot\/local\/release\.json\]/);

  for (let index = 0; index < steps; index += 1) {
    for (const phase of ['before', 'after']) {
      await t.test(`killed ${phase} step ${index}`, async () => {
        await breakIt();
        const killed = await spawnCli(world.root, ['rollback', '--apply', '--yes', '--json'], { REWIND_FAULT_KILL_AT: `rollback:${index}:${phase}` });
        assert.equal(killed.signal, 'SIGKILL', `expected the process to die: ${killed.stderr}`);
        const runs = (await cli('history', '--json')).json().runs;
        const interrupted = runs[0];
        assert.equal(interrupted.kind, 'rollback');
        assert.equal(interrupted.status, 'interrupted');

        const resumed = await cli('resume', interrupted.run_id, '--json');
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.deepEqual(resumed.json().steps.map((s: any) => s.ok), [true, true, true, true, true, true]);
        assert.deepEqual(await endState(world, interrupted.run_id), expected);
      });
    }
  }

  await t.test('a finished run cannot be resumed again', async () => {
    const again = await cli('resume', clean.json().run_id);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is succeeded: there is nothing left to do/);
  });
});

test('a deploy killed after it switched is resumed to a verified release', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
  const cli = (...args: string[]) => rewind(world.root, args);
  assert.equal((await cli('deploy', 'v1')).code, 0);
  const killed = await spawnCli(world.root, ['deploy', 'v2'], { REWIND_FAULT_KILL_AT: 'deploy:1:after' });
  assert.equal(killed.signal, 'SIGKILL');
  assert.equal(await world.current(), 'releases/v2');
  const interrupted = (await cli('history', '--json')).json().runs[0];
  assert.deepEqual([interrupted.kind, interrupted.status], ['deploy', 'interrupted']);
  const resumed = await cli('resume', interrupted.run_id);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /deployed v2 \([0-9a-f]{7}\): verified/);
  assert.equal((await world.served())?.version, 'v2');

  // A killed run holds the environment; resumed after the target moved behind its back, it is refused, changing nothing.
  const again = await spawnCli(world.root, ['deploy', 'v1'], { REWIND_FAULT_KILL_AT: 'deploy:1:after' });
  assert.equal(again.signal, 'SIGKILL');
  const stopped = (await cli('history', '--json')).json().runs[0];
  const blocked = await cli('deploy', 'v2');
  assert.equal(blocked.code, 3, 'the dead holder\'s run holds the environment');
  assert.match(blocked.stderr, new RegExp(`held by an interrupted deploy ${stopped.run_id} of v1`));
  await symlink('releases/v2', join(world.layout.deployPath, 'current.by-hand'));
  await rename(join(world.layout.deployPath, 'current.by-hand'), join(world.layout.deployPath, 'current'));
  const late = await cli('resume', stopped.run_id);
  assert.equal(late.code, 2);
  assert.match(late.stderr, /is stale: since it stopped at .*, the target now runs v2, but the run left it on v1; nothing was changed/);
  assert.equal((await cli('history', '--json')).json().runs.find((r: any) => r.run_id === stopped.run_id).status, 'interrupted');
  assert.equal((await cli('abandon', stopped.run_id, '--reason', 'put back by hand')).code, 0);
  assert.equal((await cli('deploy', 'v2')).code, 0);
  assert.equal((await world.served())?.version, 'v2');
});
