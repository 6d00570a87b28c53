import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { GOOD, makeWorld } from '../helpers/world.js';

// Where a command's time goes, for the benchmark and for a user asking why a
// rollback is slow: milestones on stderr, only when REWIND_TIMELINE=1.
test('REWIND_TIMELINE=1 prints the milestones of a rollback in order, with ms since the process started (here: the process of the test)', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
  for (const v of ['v1', 'v2']) assert.equal((await rewind(world.root, ['deploy', v])).code, 0);
  const quiet = await rewind(world.root, ['rollback', '--apply', '--yes', '--json']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /timeline/);
  assert.equal((await rewind(world.root, ['deploy', 'v2'])).code, 0);
  const run = await rewind(world.root, ['rollback', '--apply', '--yes', '--json'], { REWIND_TIMELINE: '1' });
  assert.equal(run.code, 0, run.stderr);
  JSON.parse(run.stdout);
  const marks = run.stderr.split('\n').filter((l) => l.startsWith('rewind: timeline '))
    .map((l) => /^rewind: timeline (\d+) (.*)$/.exec(l)).map((m) => ({ at: Number(m?.[1]), what: m?.[2] ?? '' }));
  const names = marks.map((m) => m.what);
  const first = (re: RegExp) => names.findIndex((n) => re.test(n));
  for (const re of [/^config read$/, /^ledger open$/, /^plan \S+ saved$/, /^run \S+ started: /, /^step "switch to v1" starts$/, /^step "verify v1" done$/]) {
    assert.ok(first(re) >= 0, `missing ${re} in ${names.join(' | ')}`);
  }
  assert.ok(first(/^config read$/) < first(/^plan \S+ saved$/) && first(/^plan \S+ saved$/) < first(/^run \S+ started: /));
  assert.ok(first(/^run \S+ started: /) < first(/^step "switch to v1" starts$/));
  assert.deepEqual(marks.map((m) => m.at), [...marks.map((m) => m.at)].sort((a, b) => a - b));
  assert.ok(marks.every((m) => m.at > 0));
});
