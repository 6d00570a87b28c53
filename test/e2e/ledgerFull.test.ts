import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';

/** A real full disk needs a small file system of its own: a tmpfs, which only root (with CAP_SYS_ADMIN) may mount. */
function tmpfsSkip(): string | false {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  return false;
}

test('a ledger whose disk fills mid-run: the error names the disk, not the lock; the run is left interrupted and resumes', {
  skip: tmpfsSkip(),
}, async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const stateDir = join(world.root, '.rewind');
  await mkdir(stateDir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', stateDir]);
  // Unmounted before the world's temp dir is removed (after hooks run in the order they were added).
  try {
    const cli = (...args: string[]) => rewind(world.root, args);
    for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
    assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);

    // The reload fills the ledger's disk, as a runaway log would, then reloads the app.
    const filler = join(stateDir, 'filler');
    await world.patchConfig('reload: [', `reload: ["sh", "-c", "cat /dev/zero > \\"$0\\" 2>/dev/null; exec \\"$@\\"", ${JSON.stringify(filler)}, `);
    // In a process of its own, as a user runs it: when it exits, its lock's holder is gone.
    const full = await spawnCli(world.root, ['rollback', '--apply', '--yes', '--quiet']);
    assert.equal(full.code, 1, full.stderr);
    const [first, ...later] = full.stderr.trim().split('\n');
    assert.match(first ?? '', /^rewind: ledger .*ledger\.sqlite: \w+ failed: database or disk is full; run (rollback-\S+) did not finish and is interrupted: `rewind resume \1`/);
    assert.doesNotMatch(first ?? '', /releaseLock/);
    for (const line of later) assert.match(line, /^rewind: (then, cleaning up|warning): /);
    const runId = /run (rollback-\S+) did not finish/.exec(first ?? '')?.[1] as string;
    assert.equal((await world.served())?.sha, await world.shaOf('v2'), 'the reload itself ran');

    // Space again: the run holds production until it is resumed, and then ends verified.
    await rm(filler);
    await world.patchConfig(`reload: ["sh", "-c", "cat /dev/zero > \\"$0\\" 2>/dev/null; exec \\"$@\\"", ${JSON.stringify(filler)}, `, 'reload: [');
    const blocked = await cli('deploy', 'v1');
    assert.equal(blocked.code, 3, blocked.stderr);
    assert.match(blocked.stderr, new RegExp(`held by an interrupted rollback ${runId}`));
    const resumed = await cli('resume', runId);
    assert.equal(resumed.code, 0, resumed.stderr);
    const history = (await cli('history', '--json')).json();
    assert.equal(history.runs.find((r: any) => r.run_id === runId).status, 'succeeded');
    assert.equal(history.releases.find((r: any) => r.version === 'v2').status, 'verified');
    await writeFile(join(stateDir, 'probe'), 'the tmpfs is writable again');
  } finally {
    execFileSync('umount', ['-l', stateDir]);
  }
});
