import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLocalExec } from '../../src/exec/localExec.js';
import { makeFleet } from '../helpers/fleet.js';
import { sshdSkipReason } from '../helpers/sshd.js';
import { GOOD } from '../helpers/world.js';

/**
 * Hardened hosts often run sshd without `Subsystem sftp`: Capistrano and
 * Shipit deploy there with exec alone. Here the second host's sshd has no
 * SFTP subsystem, the first one has; both must be deployed and rolled back
 * the same way, the same bytes, the same checks.
 */
const exec = createLocalExec();
const withoutSftp = (index: number) => (index === 1 ? { sftp: false } : {});

test('a host without an SFTP subsystem is deployed and rolled back over exec, beside a host with SFTP', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1'), GOOD('v2')], 2, '', withoutSftp);
  const [withSftp, execOnly] = fleet.hosts as [string, string];
  const srv = (address: string) => join(fleet.root, `srv-${address}`);
  const shas = { v1: await fleet.shaOf('v1'), v2: await fleet.shaOf('v2') };
  const everywhere = async () => Promise.all(fleet.addresses.map(async (a) => [await fleet.current(a), (await fleet.served(a))?.sha]));

  const first = await fleet.cli('deploy', 'v1', '--verbose');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  // Said once, for the host it concerns, and only there.
  const notes = first.stderr.split('\n').filter((line) => /no SFTP/.test(line));
  assert.equal(notes.length, 1, first.stderr);
  assert.match(notes[0] as string, new RegExp(`${execOnly.replaceAll('.', '\\.')}: no SFTP subsystem; files go over exec channels`));
  assert.ok(!first.stderr.includes(`${withSftp}: no SFTP`), first.stderr);
  const quiet = await fleet.cli('deploy', 'v2');
  assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
  assert.ok(!/no SFTP/.test(quiet.stderr), 'the transport is a detail for --verbose only');
  assert.deepEqual(await everywhere(), [['releases/v2', shas.v2], ['releases/v2', shas.v2]]);

  for (const address of fleet.addresses) {
    // Both releases on disk with their manifest and checksums, nothing left of the shipping.
    for (const version of ['v1', 'v2']) {
      const dir = join(srv(address), 'releases', version);
      assert.equal((await readFile(join(dir, 'REVISION'), 'utf8')).trim(), shas[version as 'v1' | 'v2']);
      const checked = await exec.run(['sha256sum', '--quiet', '-c', '.rewind-checksums'], { cwd: dir });
      assert.equal(checked.code, 0, `${address} ${version}: ${checked.stdout}${checked.stderr}`);
      assert.ok((await readFile(join(dir, '.rewind-checksums'), 'utf8')).includes('  ./'), 'checksums are listed');
    }
    assert.deepEqual(await readdir(join(srv(address), '.rewind-incoming')), [], `${address}: no tarball left behind`);
    assert.equal((await lstat(join(srv(address), 'current'))).isSymbolicLink(), true);
    assert.deepEqual((await readdir(srv(address))).filter((name) => name.includes('.tmp-')), [], 'no temporary link left');
  }
  // The exec-only host's copy of v2 is byte for byte the SFTP host's (but for the manifest, which has its own time).
  const tree = async (address: string) => {
    const listed = await exec.run(['sh', '-c', 'find . -type f ! -name .rewind-release.json | sort | xargs sha256sum'], { cwd: join(srv(address), 'releases', 'v2') });
    return listed.stdout;
  };
  assert.equal(await tree(fleet.addresses[1] as string), await tree(fleet.addresses[0] as string));

  // v1's files were damaged on the exec-only host: its checksums say so, and the rollback ships v1 there again.
  const damaged = join(srv(fleet.addresses[1] as string), 'releases', 'v1', 'build.js');
  const original = await readFile(damaged, 'utf8');
  await writeFile(damaged, `${original}\n// edited by hand\n`);
  const plan = (await fleet.cli('rollback', '--json')).json().plan;
  assert.equal(plan.to.version, 'v1');
  assert.deepEqual(plan.missingOn, [execOnly]);

  const rolledBack = await fleet.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rolledBack.code, 0, rolledBack.stdout + rolledBack.stderr);
  assert.deepEqual(await everywhere(), [['releases/v1', shas.v1], ['releases/v1', shas.v1]]);
  assert.equal(await readFile(damaged, 'utf8'), original, 'the damaged release was shipped again');
  const status = (await fleet.cli('status', '--json')).json();
  assert.deepEqual(status.hosts.map((h: { version: string }) => h.version), ['v1', 'v1']);
});

test('over exec the write guard still holds: a releases dir that leads outside the path is refused, nothing is written there', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1')], 1, '', () => ({ sftp: false }));
  const address = fleet.addresses[0] as string;
  const outside = join(fleet.root, 'elsewhere');
  await mkdir(outside);
  await mkdir(join(fleet.root, `srv-${address}`));
  await symlink(outside, join(fleet.root, `srv-${address}`, 'releases'));

  const deployed = await fleet.cli('deploy', 'v1', '--json');
  assert.equal(deployed.code, 2, deployed.stdout + deployed.stderr);
  const message: string = deployed.json().error.message;
  assert.match(message, /refusing to write .*outside the write roots/, message);
  assert.equal(message.includes('\n'), false, message);
  assert.deepEqual(await readdir(outside), [], 'nothing was written outside the releases path');
  assert.equal(await readlink(join(fleet.root, `srv-${address}`, 'releases')), outside);
  await rm(join(fleet.root, `srv-${address}`, 'releases'));
  assert.equal(await fleet.current(address), undefined);
});
