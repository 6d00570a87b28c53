import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EarlierRecord, HostRecord, ReportedRun } from '../../src/core/earlierRecord.js';
import { rebuildReleases } from '../../src/core/rebuildReleases.js';
import { lastKnownGood, liveRelease } from '../../src/core/lastKnownGood.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
let n = 0;
const input = { app: 'shop', env: 'production', now: NOW, random: () => (n++).toString(16).padStart(4, '0') };

function host(name: string, versions: string[], running: string | null): HostRecord {
  return {
    host: name,
    where: '/srv/shop/releases',
    releases: versions.map((v, i) => ({ version: v, sha: `sha-${v}`, madeAt: `2026-02-0${i + 1}T10:00:00.000Z`, artifact: `/srv/shop/releases/${v}` })),
    running,
  };
}

function run(kind: string, from: string | null, to: string, ok: boolean, at: string): ReportedRun {
  return {
    runId: `${kind}-${at}`, kind, fromVersion: from, toVersion: to, ok, startedAt: `2026-02-${at}:00.000Z`,
    finishedAt: `2026-02-${at}:30.000Z`, requestedBy: 'alice@example.com',
  };
}

const record = (hosts: HostRecord[], runs: ReportedRun[] = []): EarlierRecord => ({ hosts, unreadable: [], reportsDir: '/p/.rewind/reports', runs });

const table = (rebuilt: ReturnType<typeof rebuildReleases>) => rebuilt.releases.map((r) => [r.release.version, r.release.status, r.release.verifiedAt !== null]);

test('deploys, an automatic rollback and a kept broken deploy: each release ends with the last report about it', () => {
  const rebuilt = rebuildReleases(record([host('local', ['v1', 'v2', 'v3'], 'v2')], [
    run('deploy', null, 'v1', true, '01T10:00'),
    run('deploy', 'v1', 'v2', true, '02T10:00'),
    run('deploy', 'v2', 'v3', false, '03T10:00'),
    run('rollback', 'v3', 'v2', true, '03T10:01'),
    run('drill', 'v2', 'v1', true, '04T10:00'),
  ]), input);
  assert.deepEqual(table(rebuilt), [['v1', 'superseded', true], ['v2', 'verified', true], ['v3', 'rolled_back', false]]);
  assert.equal(rebuilt.live, 'v2');
  const releases = [...rebuilt.releases].reverse().map((r) => r.release);
  // What the ledger's own rules make of it: v2 is live; were v2 to fail now, v1 is where a rollback goes.
  assert.equal(liveRelease(releases)?.version, 'v2');
  assert.equal(lastKnownGood(releases, releases.find((r) => r.version === 'v2'))?.version, 'v1');
  const v3 = rebuilt.releases[2]?.release;
  assert.equal(v3?.markedBadAt, '2026-02-03T10:01:30.000Z');
  assert.equal(rebuilt.releases[2]?.basis, 'rolled back: rollback rollback-03T10:01 left it');
  assert.equal(rebuilt.releases[1]?.basis, 'verified: rollback rollback-03T10:01 to it succeeded; current points at it');
  for (const r of rebuilt.releases) {
    assert.equal(r.release.rebuiltAt, NOW.toISOString());
    assert.equal(r.release.source, 'rewind');
    assert.deepEqual(r.release.migrations, []);
    assert.equal(r.release.deployedBy, 'alice@example.com');
  }
  assert.deepEqual(rebuilt.releases.map((r) => r.release.activatedAt), [null, '2026-02-03T10:01:30.000Z', null]);
});

test('without reports: what runs is live but never verified, the rest superseded; nothing is a rollback target', () => {
  const rebuilt = rebuildReleases(record([host('local', ['v1', 'v2'], 'v2')]), input);
  assert.deepEqual(table(rebuilt), [['v1', 'superseded', false], ['v2', 'live', false]]);
  assert.equal(rebuilt.releases[0]?.basis, 'no report tells of it');
  assert.equal(rebuilt.releases[0]?.release.deployedAt, '2026-02-01T10:00:00.000Z', 'when it was made, for want of a deploy');
  assert.equal(rebuilt.releases[0]?.release.deployedBy, 'unknown');
  const releases = [...rebuilt.releases].reverse().map((r) => r.release);
  assert.equal(lastKnownGood(releases, releases[0]), undefined);
});

test('a broken release kept live stays failed; a later good deploy of a version clears what an earlier one said', () => {
  const rebuilt = rebuildReleases(record([host('local', ['v1', 'v2'], 'v2')], [
    run('deploy', null, 'v1', false, '01T10:00'),
    run('deploy', null, 'v1', true, '01T11:00'),
    run('deploy', 'v1', 'v2', false, '02T10:00'),
  ]), input);
  assert.deepEqual(table(rebuilt), [['v1', 'superseded', true], ['v2', 'failed', false]]);
  assert.equal(rebuilt.releases[1]?.release.activatedAt, '2026-02-02T10:00:00.000Z', 'it is what runs');
  assert.equal(rebuilt.releases[0]?.release.markedBadAt, null);
});

test('hosts that disagree: the version most run is live; shas come from any host; versions only reports name are listed', () => {
  const a = host('web1', ['v1', 'v2'], 'v2');
  const b = host('web2', ['v1', 'v2'], 'v1');
  const c = { ...host('web3', ['v1'], 'v1'), releases: [{ version: 'v1', sha: null, madeAt: null, artifact: '/srv/shop/releases/v1' }] };
  const noSha = { ...a, releases: a.releases.map((r) => (r.version === 'v1' ? { ...r, sha: null } : r)) };
  const rebuilt = rebuildReleases(record([noSha, b, c], [run('deploy', 'v0', 'v1', true, '01T10:00')]), input);
  assert.equal(rebuilt.live, 'v1');
  assert.equal(rebuilt.releases.find((r) => r.release.version === 'v1')?.release.sha, 'sha-v1');
  assert.deepEqual(rebuilt.onlyInReports, ['v0']);
});

test('releases are inserted in the order they were deployed, so the ledger lists the newest first', () => {
  const rebuilt = rebuildReleases(record([host('local', ['v1', 'v2'], 'v1')], [
    run('deploy', null, 'v2', true, '01T10:00'),
    run('deploy', 'v2', 'v1', true, '02T10:00'),
  ]), input);
  assert.deepEqual(rebuilt.releases.map((r) => r.release.version), ['v2', 'v1']);
});
