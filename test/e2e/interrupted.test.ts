import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { BROKEN, GOOD, makeWorld, type World } from '../helpers/world.js';

/**
 * Runs that died never do harm: a rollback killed between its switch and its
 * reload (current points at the target, the app still serves the failed
 * release) holds production until someone resumes or abandons it.
 */

/** v1 and v2 good and verified, v3 broken and live (no automatic rollback): the incident. */
async function incident(t: Parameters<typeof makeWorld>[0]): Promise<{ world: World; cli: (...args: string[]) => ReturnType<typeof rewind> }> {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3'), GOOD('v4')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);
  return { world, cli };
}

/** Kill the rollback right after its switch step (step 1): `current` is v2, the app still serves v3. */
async function killAfterSwitch(world: World, cli: (...args: string[]) => ReturnType<typeof rewind>): Promise<string> {
  const killed = await spawnCli(world.root, ['rollback', '--apply', '--yes'], { REWIND_FAULT_KILL_AT: 'rollback:2:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  assert.equal(await world.current(), 'releases/v2');
  assert.equal((await world.served())?.sha, await world.shaOf('v3'), 'not reloaded: the app still serves the failed release');
  const run = (await cli('history', '--json')).json().runs[0];
  assert.deepEqual([run.kind, run.status], ['rollback', 'interrupted']);
  return run.run_id;
}

test('an interrupted rollback holds production: new runs exit 3 naming it; resume ends on the target verified', async (t) => {
  const { world, cli } = await incident(t);
  const runId = await killAfterSwitch(world, cli);
  const runsBefore = (await cli('history', '--json')).json().runs.length;

  for (const args of [['rollback', '--apply', '--yes'], ['rollback'], ['deploy', 'v4']]) {
    const blocked = await cli(...args);
    assert.equal(blocked.code, 3, `${args.join(' ')}: ${blocked.stderr}`);
    assert.equal(blocked.stderr.trim().split('\n').length, 1, blocked.stderr);
    assert.match(blocked.stderr, new RegExp(`held by an interrupted rollback ${runId} from v3 to v2`));
    assert.match(blocked.stderr, /did: capture diagnostics of v3, check v2 is present and intact, switch to v2; not done: reload the app, verify v2/);
    assert.match(blocked.stderr, new RegExp(`rewind resume ${runId}\`, or give it up with \`rewind abandon ${runId} --reason`));
  }
  const blockedJson = (await cli('rollback', '--apply', '--yes', '--json')).json();
  assert.deepEqual([blockedJson.ok, blockedJson.run_id, blockedJson.error.code], [false, runId, 'INTERRUPTED_RUN']);
  assert.equal((await cli('history', '--json')).json().runs.length, runsBefore, 'nothing was planned or recorded');
  assert.equal(await world.current(), 'releases/v2');
  assert.equal((await world.served())?.sha, await world.shaOf('v3'));

  // Drills only look: they are never blocked.
  assert.notEqual((await cli('drill')).code, 3);

  const resumed = await cli('resume', runId, '--json');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal((await world.served())?.sha, await world.shaOf('v2'));
  const history = (await cli('history', '--json')).json();
  const byVersion = (v: string) => history.releases.find((r: any) => r.version === v);
  assert.equal(byVersion('v2').status, 'verified');
  assert.equal(byVersion('v3').status, 'rolled_back');
  assert.equal(history.runs.find((r: any) => r.run_id === runId).status, 'succeeded');
});

test('abandon gives an interrupted rollback up, recorded; the next rollback still chooses the last known good', async (t) => {
  const { world, cli } = await incident(t);
  const runId = await killAfterSwitch(world, cli);

  assert.equal((await cli('abandon', runId)).code, 2, '--reason is required');
  const abandoned = await cli('abandon', runId, '--reason', 'taking over by hand');
  assert.equal(abandoned.code, 0, abandoned.stderr);
  assert.match(abandoned.stdout, new RegExp(`abandoned ${runId}: the target was left as it is`));
  assert.equal(await world.current(), 'releases/v2', 'nothing was switched');
  const history = (await cli('history', '--json')).json();
  const run = history.runs.find((r: any) => r.run_id === runId);
  assert.equal(run.status, 'abandoned');
  assert.equal(run.error, 'abandoned by tester@example.com: taking over by hand');
  assert.equal(history.releases.find((r: any) => r.version === 'v2').marked_bad_at ?? null, null, 'the target is not judged');
  const entries = (await cli('audit', 'export', '--json')).json().entries;
  const entry = entries.find((e: any) => e.action === 'run.abandoned');
  assert.equal(entry.run_id ?? entry.runId, runId);
  assert.equal(entry.detail.reason, 'taking over by hand');
  assert.match(entry.detail.progress, /did: capture diagnostics of v3, check v2 is present and intact, switch to v2/);

  // Bad input: one line, exit 2, nothing changed.
  const again = await cli('abandon', runId, '--reason', 'twice');
  assert.equal(again.code, 2);
  assert.match(again.stderr, new RegExp(`^rewind: run ${runId} is abandoned: only an interrupted or paused run can be abandoned\\n$`));
  const resumeAbandoned = await cli('resume', runId);
  assert.equal(resumeAbandoned.code, 2);
  assert.match(resumeAbandoned.stderr, /was given up \(abandoned by tester@example\.com: taking over by hand\): start a new run/);
  const finished = history.runs.find((r: any) => r.status === 'succeeded');
  assert.match((await cli('abandon', finished.run_id, '--reason', 'x')).stderr, /is succeeded: only an interrupted or paused run/);
  await writeFile(world.configFile, `${await readFile(world.configFile, 'utf8')}  staging:\n    driver: releases\n    hosts: [local]\n    releases:\n` +
    `      path: ${JSON.stringify(join(world.root, 'srv-staging'))}\n      source: { dir: . }\n`);
  const otherEnv = await cli('abandon', runId, '--reason', 'x', '--env', 'staging');
  assert.equal(otherEnv.code, 2, otherEnv.stderr);
  assert.match(otherEnv.stderr, /belongs to .* production: pass --env production/);

  const rollback = await cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.deepEqual([rollback.json().plan.from.version, rollback.json().plan.to.version], ['v3', 'v2']);
  assert.equal((await world.served())?.sha, await world.shaOf('v2'));
});

test('a deploy whose automatic rollback was killed: both are named, and resuming either ends on the last known good', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  const killed = await spawnCli(world.root, ['deploy', 'v3'], { REWIND_FAULT_KILL_AT: 'rollback:2:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const [child, parent] = (await cli('history', '--json')).json().runs;
  assert.deepEqual([child.kind, child.status, parent.kind, parent.status], ['rollback', 'interrupted', 'deploy', 'interrupted']);

  const blocked = await cli('rollback', '--apply', '--yes');
  assert.equal(blocked.code, 3, blocked.stderr);
  assert.match(blocked.stderr, new RegExp(`held by an interrupted deploy ${parent.run_id} of v3 .*its automatic rollback ` +
    `${child.run_id} to v2 is interrupted too \\(did: capture diagnostics of v3, check v2 is present and intact, switch to v2`));

  const resumed = await cli('resume', child.run_id);
  assert.equal(resumed.code, 1, 'the deploy failed, and was rolled back');
  assert.match(resumed.stdout + resumed.stderr, /rolled back to v2/);
  assert.equal((await world.served())?.sha, await world.shaOf('v2'));
  const runs = (await cli('history', '--json')).json().runs;
  assert.deepEqual(runs.slice(0, 2).map((r: any) => [r.run_id, r.status]), [[child.run_id, 'succeeded'], [parent.run_id, 'failed']]);
  assert.equal((await cli('deploy', 'v1')).code, 0, 'the environment is free again');
});

test('a rollback waiting for approval goes stale when a fix is deployed: approve --apply and resume refuse it (exit 2)', async (t) => {
  const { world, cli } = await incident(t);
  await world.configure('    approval: { required_for: all, approvers: [boss@example.com], allow_self_approval: false }');
  const waiting = await cli('rollback', '--apply', '--yes', '--json');
  assert.equal(waiting.code, 3, waiting.stderr);
  const runId = waiting.json().run_id;
  assert.equal((await cli('deploy', 'v4')).code, 0, 'a waiting approval does not hold the environment');
  const approved = await rewind(world.root, ['approve', runId, '--apply'], { REWIND_USER: 'boss@example.com' });
  assert.equal(approved.code, 2, approved.stderr);
  assert.match(approved.stderr, new RegExp(`plan ${runId} is stale: the ledger changed since it was made \\(v4 was deployed since`));
  const resumed = await rewind(world.root, ['resume', runId, '--auto-approve'], { REWIND_USER: 'boss@example.com' });
  assert.equal(resumed.code, 2, resumed.stderr);
  assert.match(resumed.stderr, /is stale/);
  assert.equal((await world.served())?.sha, await world.shaOf('v4'), 'production stays on the fix');
});

test('a deploy killed in its build is not resumed once the environment moved on (exit 2, nothing deployed)', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
  const cli = (...args: string[]) => rewind(world.root, args);
  assert.equal((await cli('deploy', 'v1')).code, 0);
  const killed = await spawnCli(world.root, ['deploy', 'v2'], { REWIND_FAULT_KILL_AT: 'deploy:0:before' });
  assert.equal(killed.signal, 'SIGKILL');
  const runId = (await cli('history', '--json')).json().runs[0].run_id;
  // Another system deployed meanwhile and said so.
  assert.equal((await cli('record', '--version', 'v9', '--status', 'verified')).code, 0);
  const late = await cli('resume', runId);
  assert.equal(late.code, 2, late.stderr);
  assert.match(late.stderr, new RegExp(`run ${runId} is stale: since it stopped at .*, v9 became live \\(recorded from external\\); ` +
    'nothing was changed'));
  assert.equal(await world.current(), 'releases/v1');
  assert.equal((await cli('history', '--json')).json().runs[0].status, 'interrupted', 'still there to abandon');
});

test('a rollback killed inside its switch step, after the target became live but before the step was journaled done, resumes: its own switch is no change since', async (t) => {
  const { world, cli } = await incident(t);
  const killed = await spawnCli(world.root, ['rollback', '--apply', '--yes'], { REWIND_FAULT_KILL_AT: 'rollback:2:after' });
  assert.equal(killed.signal, 'SIGKILL');
  const runId = (await cli('history', '--json')).json().runs[0].run_id as string;
  // What a kill between the ledger's markLive and the journal's finishStep leaves: the switch step still running.
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(world.root, '.rewind', 'ledger.sqlite'));
  const changed = db.prepare("update steps set status = 'running', finished_at = null, duration_ms = null where run_id = ? and step_id like 'switch:%'")
    .run(runId).changes;
  db.close();
  assert.equal(changed, 1);
  const resumed = await cli('resume', runId, '--json');
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.equal(await world.current(), 'releases/v2');
  assert.equal((await world.served())?.version, 'v2');
});
