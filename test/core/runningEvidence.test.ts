import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Release } from '../../src/core/release.js';
import { describeCurrents, releaseServing, servedElsewhere, versionsSeen } from '../../src/core/runningEvidence.js';

function release(version: string, sha: string | null): Release {
  return {
    id: `rel-${version}-${sha}`, app: 'shop', env: 'production', version, sha, artifact: null, status: 'superseded', deployedBy: 'me',
    deployedAt: '2026-01-01T00:00:00Z', verifiedAt: null, markedBadAt: null, activatedAt: null, migrations: [], source: 'rewind',
  };
}

const SHA_A = 'aaaaaaa111111111111111111111111111111111';
const SHA_B = 'bbbbbbb222222222222222222222222222222222';

describe('releaseServing', () => {
  // Newest first. v1.1.1 re-tagged v1.1.0's commit.
  const releases = [release('v1.2.0', SHA_B), release('v1.1.1', SHA_A), release('v1.1.0', SHA_A)];

  it('finds the release by the sha the app reports, full or abbreviated, or by its version', () => {
    assert.equal(releaseServing(releases, SHA_B, null)?.version, 'v1.2.0');
    assert.equal(releaseServing(releases, SHA_B.slice(0, 7), null)?.version, 'v1.2.0');
    assert.equal(releaseServing(releases, 'v1.1.0', null)?.version, 'v1.1.0');
  });

  it('when a sha belongs to several releases, prefers the one current points at, else the newest', () => {
    assert.equal(releaseServing(releases, SHA_A, 'v1.1.0')?.version, 'v1.1.0');
    assert.equal(releaseServing(releases, SHA_A, 'v1.2.0')?.version, 'v1.1.1');
    assert.equal(releaseServing(releases, SHA_A, null)?.version, 'v1.1.1');
  });

  it('finds nothing for a build the ledger does not know', () => {
    assert.equal(releaseServing(releases, 'oops', 'v1.2.0'), undefined);
    assert.equal(releaseServing(releases, 'aaaa', null), undefined, 'too short a prefix to be a sha');
  });
});

describe('evidence across hosts', () => {
  const evidence = [
    { host: 'web1', current: 'v1.1.0', serves: 'v1.2.0' },
    { host: 'web2', current: 'v1.2.0', serves: null },
    { host: 'web3', current: null, serves: null },
  ];

  it('lists every version seen, current or served, once', () => {
    assert.deepEqual(versionsSeen(evidence), ['v1.1.0', 'v1.2.0']);
    assert.deepEqual(versionsSeen([]), []);
  });

  it('names each host whose app serves another release than its current', () => {
    assert.deepEqual(servedElsewhere(evidence), ['web1: current is v1.1.0 but the app serves v1.2.0']);
    assert.deepEqual(servedElsewhere([{ host: 'local', current: 'v1', serves: 'v2' }]), ['current is v1 but the app serves v2']);
  });

  it('describes current as one version, or host by host when they differ', () => {
    assert.equal(describeCurrents(evidence), 'web1 v1.1.0, web2 v1.2.0, web3 nothing');
    assert.equal(describeCurrents([{ host: 'a', current: 'v2', serves: null }, { host: 'b', current: 'v2', serves: 'v1' }]), 'v2');
  });
});
