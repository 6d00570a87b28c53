import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tar from 'tar';
import { parseArtifact } from '../../../src/drivers/archive/artifact.js';
import { sha256File } from '../../../src/drivers/archive/sha.js';
import { fixture, makeDriver, readTree, rewindError, writeTree } from './helpers.js';

const V1 = { 'index.html': 'one', 'agents/a.md': 'a1', 'run.sh': '#!/bin/sh\n', 'agents/latest': '-> a.md' };
const V2 = { 'index.html': 'two', 'agents/b.md': 'b2' };

test('deploy packs the source into <store>/<version>.tar.gz with its sha256 beside it and in the artifact', async (t) => {
  const fx = await fixture(t);
  await writeTree(join(fx.configDir, 'src', 'v1'), { ...V1, '.git/HEAD': 'ref', 'debug.log': 'x' });
  const driver = makeDriver(fx, { exclude: ['.git', '*.log'] });
  const made = await driver.prepare('v1');
  const tarball = join(fx.store, 'v1.tar.gz');
  const sha = await sha256File(tarball);
  assert.deepEqual(made, { version: 'v1', sha: null, artifact: `${tarball} sha256:${sha}`, reused: false });
  assert.equal(await readFile(`${tarball}.sha256`, 'utf8'), `${sha}  v1.tar.gz\n`, "sha256sum's format");
  const listed: string[] = [];
  await tar.t({ file: tarball, onReadEntry: (e) => { listed.push(e.path); } });
  assert.deepEqual(listed.sort(), ['./agents/', './agents/a.md', './agents/latest', './index.html', './run.sh']);
  // Made once: the same version is reused while its .sha256 holds.
  assert.deepEqual(await driver.prepare('v1'), { ...made, reused: true });
  assert.equal(await driver.isPresent('v1', made.artifact), true);
  assert.deepEqual(await readdir(fx.root), ['store'], 'nothing but the store was written');
});

test('a deploy switches the live dir wholly; a rollback backs up the broken version with a manifest, then restores', async (t) => {
  const fx = await fixture(t);
  await writeTree(join(fx.configDir, 'src', 'v1'), V1);
  await writeTree(join(fx.configDir, 'src', 'v2'), V2);
  const driver = makeDriver(fx);
  const one = await driver.prepare('v1');
  assert.match(String(await driver.activate('v1', { runId: 'r1', user: 'u', previousVersion: null, kind: 'deploy' })), /site holds v1/);
  assert.deepEqual(await readTree(fx.path), V1);
  assert.deepEqual(await driver.inspect(), { version: 'v1', artifact: one.artifact, problems: [] });

  const two = await driver.prepare('v2');
  const line = await driver.activate('v2', { runId: 'r2', user: 'u', previousVersion: 'v1', targetArtifact: two.artifact, kind: 'deploy' });
  assert.match(String(line), /what it held \(v1\) is kept as .*site\.previous until verified/);
  assert.deepEqual(await readTree(fx.path), V2, 'nothing of v1 is left in the live dir');
  assert.deepEqual(await readTree(`${fx.path}.previous`), V1);
  assert.deepEqual((await readdir(fx.root)).sort(), ['site', 'site.previous', 'store'], 'no staging dir is left');

  const reportDir = join(fx.stateDir, 'reports', 'rollbacks', 'r3');
  const back = await driver.activate('v1', { runId: 'r3', user: 'u', previousVersion: 'v2', targetArtifact: one.artifact, reportDir, kind: 'rollback' });
  assert.match(String(back), /backed up to .*store\/v2-broken-\d{8}T\d{6}\.\d{3}Z\.tar\.gz \(sha256 [0-9a-f]{12}, 3 files\)/);
  assert.deepEqual(await readTree(fx.path), V1);
  const backup = (await readdir(fx.store)).find((n) => /^v2-broken-.*\.tar\.gz$/.test(n)) as string;
  const sha = await sha256File(join(fx.store, backup));
  assert.equal(await readFile(join(fx.store, `${backup}.sha256`), 'utf8'), `${sha}  ${backup}\n`);
  const manifest = await readFile(join(reportDir, backup.replace('.tar.gz', '.manifest.tsv')), 'utf8');
  const rows = manifest.trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows.map((r) => r[0]), ['.rewind-archive.json', 'agents/', 'agents/b.md', 'index.html'], 'sorted by path');
  assert.deepEqual(rows[3], ['index.html', createHash('sha256').update('two').digest('hex'), '3']);
  assert.deepEqual(rows[1], ['agents/', 'dir', '-']);
  // The backup holds exactly what was live.
  const held: string[] = [];
  await tar.t({ file: join(fx.store, backup), onReadEntry: (e) => { held.push(e.path); } });
  assert.deepEqual(held.sort(), ['./.rewind-archive.json', './agents/', './agents/b.md', './index.html']);
});

test('smoke commands validate the staged version; one that fails stops the switch with nothing swapped', async (t) => {
  const fx = await fixture(t);
  await writeTree(join(fx.configDir, 'src', 'v1'), V1);
  await writeTree(join(fx.configDir, 'src', 'v2'), V2);
  const driver = makeDriver(fx, { smoke: [['test', '-f', '{release_dir}/run.sh'], ['sh', '-c', 'test "$REWIND_VERSION" = "$1"', 'sh', '{version}']] });
  await driver.prepare('v1');
  assert.match(String(await driver.activate('v1')), /validated by 2 smoke commands/);
  await driver.prepare('v2');
  await assert.rejects(driver.activate('v2'), rewindError('STEP_FAILED',
    /^v2 failed validation in .*site\.staging\/v2: `test -f .*site\.staging\/v2\/run\.sh` exited 1; nothing was swapped: .*site still holds v1$/));
  assert.deepEqual(await readTree(fx.path), V1);
  assert.deepEqual((await readdir(fx.root)).sort(), ['site', 'store'], 'the staging dir went with the failure');
});

test('the first switch over a dir rewind did not deploy keeps what was there in the store before replacing it', async (t) => {
  const fx = await fixture(t);
  await writeTree(fx.path, { 'hand-made.conf': 'precious' });
  await writeTree(join(fx.configDir, 'src', 'v1'), V1);
  const driver = makeDriver(fx);
  assert.deepEqual((await driver.inspect()).problems, [`${fx.path} holds files rewind did not deploy (no .rewind-archive.json)`]);
  await driver.prepare('v1');
  const reportDir = join(fx.stateDir, 'reports', 'deploys', 'r1');
  const line = await driver.activate('v1', { runId: 'r1', user: 'u', previousVersion: null, reportDir, kind: 'deploy' });
  assert.match(String(line), /what it held \(unknown\) is kept as .*; backed up to .*store\/unmanaged-\d{8}T\d{6}\.\d{3}Z\.tar\.gz \(sha256 [0-9a-f]{12}, 1 files\)/);
  const kept = (await readdir(fx.store)).find((n) => n.startsWith('unmanaged-') && n.endsWith('.tar.gz')) as string;
  const held: string[] = [];
  await tar.t({ file: join(fx.store, kept), onReadEntry: (e) => { held.push(e.path); } });
  assert.deepEqual(held, ['./hand-made.conf']);
  assert.match(await readFile(join(reportDir, kept.replace('.tar.gz', '.manifest.tsv')), 'utf8'), /^hand-made\.conf\t[0-9a-f]{64}\t8\n$/);
  assert.deepEqual(await driver.prune([]), [], 'a backup is never taken for a version');
  assert.ok((await readdir(fx.store)).includes(kept));
});

test('prune removes .previous and old tarballs past keep, never the live, protected ones or backups', async (t) => {
  const fx = await fixture(t);
  for (const v of ['v1', 'v2', 'v3', 'v4']) await writeTree(join(fx.configDir, 'src', v), { 'index.html': v });
  const driver = makeDriver(fx, { keep: 1 });
  for (const v of ['v1', 'v2', 'v3', 'v4']) {
    await driver.prepare(v);
    await driver.activate(v);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  await writeFile(join(fx.store, 'v2-broken-20261203T071754.123Z.tar.gz'), 'kept for the post-mortem');
  assert.deepEqual((await driver.prune(['v2'])).sort(), ['v1', 'v3']);
  assert.deepEqual((await readdir(fx.store)).sort(), [
    'v2-broken-20261203T071754.123Z.tar.gz', 'v2.tar.gz', 'v2.tar.gz.sha256', 'v4.tar.gz', 'v4.tar.gz.sha256',
  ]);
  assert.deepEqual((await readdir(fx.root)).sort(), ['site', 'store'], '.previous is gone after verification');
  const made = await driver.madeReleases?.();
  assert.deepEqual(made?.releases.map((r) => [r.version, parseArtifact(r.artifact)?.tarball]).sort(), [
    ['v2', join(fx.store, 'v2.tar.gz')], ['v4', join(fx.store, 'v4.tar.gz')],
  ]);
});

test('bad input: a missing source, an unsafe version, a store that is a file', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx);
  await assert.rejects(driver.prepare('v9'), rewindError('SOURCE_NOT_FOUND', /source directory .*src\/v9 does not exist/));
  await assert.rejects(driver.prepare('../v1'), rewindError('UNSAFE_NAME'));
  await writeTree(join(fx.configDir, 'src', 'v1'), V1);
  await writeFile(fx.store, 'not a dir');
  await assert.rejects(driver.prepare('v1'), rewindError('BUILD_FAILED', /v1 cannot be packed: archive\.store .*store: .*store is not a directory; nothing was written/));
  assert.deepEqual((await readdir(fx.root)).sort(), ['store']);
});
