import assert from 'node:assert/strict';
import { readdir, rm, statfs, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createLocalExec } from '../../src/exec/localExec.js';
import { makeFleet } from '../helpers/fleet.js';
import { sshdSkipReason } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';
import { GOOD } from '../helpers/world.js';

const exec = createLocalExec();

/** A small file system of its own (tmpfs), or why there cannot be one here. */
async function smallDisk(t: TestContext, size: string): Promise<string | undefined> {
  const dir = await tempDir(t, 'rewind-disk-', async (d) => exec.run(['umount', '-l', d]));
  const mounted = await exec.run(['mount', '-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (mounted.code !== 0) {
    t.diagnostic(`*** SKIPPED LOUDLY: cannot mount a tmpfs here (${mounted.stderr.trim()}); the out-of-disk test did not run ***`);
    return undefined;
  }
  return dir;
}

// Over SFTP, and over exec on a host whose sshd has no SFTP subsystem: the same words either way.
for (const [stage, room, sftp] of [['shipping the tarball', 0, true], ['unpacking it', 28 * 1024, true], ['shipping the tarball', 0, false]] as const) {
  const over = sftp ? '' : ' (no SFTP: over exec)';
  test(`a host that runs out of disk ${stage}: named in one line, nothing switched anywhere, the same deploy converges once there is room${over}`, { skip: sshdSkipReason() }, async (t) => {
    const fleet = await makeFleet(t, [GOOD('v1'), GOOD('v2')], 2, '', () => ({ sftp }));
    const full = fleet.addresses[1] as string;
    const disk = await smallDisk(t, '2m');
    if (disk === undefined) return t.skip('no tmpfs');
    // The second host's deploy path lives on the small disk.
    await symlink(disk, join(fleet.root, `srv-${full}`));
    assert.equal((await fleet.cli('deploy', 'v1')).code, 0);
    const shas = { v1: await fleet.shaOf('v1'), v2: await fleet.shaOf('v2') };

    // Fill the disk, leaving `room` bytes: less than the release needs.
    const filler = join(disk, 'filler');
    const { bavail, bsize } = await statfs(disk);
    const blocks = Math.max(0, Math.floor((bavail * bsize - room) / 4096));
    await exec.run(['dd', 'if=/dev/zero', `of=${filler}`, 'bs=4k', `count=${blocks}`]);
    const deployed = await fleet.cli('deploy', 'v2', '--json');
    assert.equal(deployed.code, 1, deployed.stdout + deployed.stderr);
    const message: string = deployed.json().error.message;
    assert.match(message, new RegExp(`root@${full.replaceAll('.', '\\.')}:\\d+: FAILED .*no space left on device`, 'i'), message);
    assert.equal(message.includes('\n'), false, message);
    // Nothing switched on either host; the incomplete release is gone from the full one.
    assert.deepEqual(await Promise.all(fleet.addresses.map((a) => fleet.current(a))), ['releases/v1', 'releases/v1']);
    assert.deepEqual(await Promise.all(fleet.addresses.map(async (a) => (await fleet.served(a))?.sha)), [shas.v1, shas.v1]);
    assert.deepEqual((await readdir(join(disk, 'releases'))).sort(), ['v1']);
    const status = (await fleet.cli('status', '--json')).json();
    assert.deepEqual(status.hosts.map((h: { version: string }) => h.version), ['v1', 'v1']);

    // Room again: the same command finishes the job on both hosts.
    await rm(filler);
    const again = await fleet.cli('deploy', 'v2');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(await Promise.all(fleet.addresses.map(async (a) => (await fleet.served(a))?.sha)), [shas.v2, shas.v2]);
  });
}
