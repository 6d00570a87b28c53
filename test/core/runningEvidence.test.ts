import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Release } from '../../src/core/release.js';
import {
  describeCurrents, disagrees, driftLines, releaseServing, runningOn, uninspected, versionsSeen, type HostEvidence,
} from '../../src/core/runningEvidence.js';

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

  it('names each host whose app serves another release than its current, with what the ledger says (all three)', () => {
    assert.deepEqual(driftLines(evidence, 'v1.2.0'), [
      'web1: the ledger says v1.2.0 is live, current is v1.1.0, the app serves v1.2.0',
      'web3: the ledger says v1.2.0 is live, current is nothing, the app was not asked',
    ]);
    assert.deepEqual(driftLines([{ host: 'local', current: 'v1', serves: 'v2' }], 'v1'), ['the ledger says v1 is live, current is v1, the app serves v2']);
  });

  it('describes current as one version, or host by host when they differ', () => {
    assert.equal(describeCurrents(evidence), 'web1 v1.1.0, web2 v1.2.0, web3 nothing');
    assert.equal(describeCurrents([{ host: 'a', current: 'v2', serves: null }, { host: 'b', current: 'v2', serves: 'v1' }]), 'v2');
  });
});

describe('the ledger, current and the app', () => {
  const host = (fields: Partial<HostEvidence>): HostEvidence => ({ host: 'web1', current: 'v2', serves: 'v2', reported: 'abc1234', ...fields });

  it('agree only when current is the live release and the app serves it (or was not asked, or did not answer)', () => {
    assert.equal(disagrees(host({}), 'v2'), false);
    assert.equal(disagrees(host({ serves: null, reported: undefined }), 'v2'), false, 'not asked');
    assert.equal(disagrees(host({ serves: null, reported: null }), 'v2'), false, 'no answer is no evidence');
    assert.equal(disagrees(host({}), 'v3'), true, 'the ledger says otherwise');
    assert.equal(disagrees(host({ current: 'v3' }), 'v3'), true, 'the app was not reloaded');
    assert.equal(disagrees(host({ serves: null, reported: 'f00ba47' }), 'v2'), true, 'a build no release is');
    assert.equal(disagrees(host({ current: null, serves: null, cannotInspect: 'refused' }), 'v2'), false, 'unknown is not drift');
  });

  it('says all three in one line, whatever is missing', () => {
    assert.deepEqual(driftLines([host({ current: 'v3' })], 'v3'), ['the ledger says v3 is live, current is v3, the app serves v2']);
    assert.deepEqual(driftLines([host({ serves: null, reported: null })], null, 'v2'), []);
    assert.deepEqual(driftLines([host({ serves: null, reported: null })], null),
      ['the ledger says nothing is live, current is v2, the app did not say which build it serves']);
    assert.deepEqual(driftLines([host({ serves: null, reported: 'f00ba47' })], 'v2'),
      ['the ledger says v2 is live, current is v2, the app serves f00ba47, which is no release in the ledger']);
  });

  it('keeps a host that could not be inspected apart: unknown, never nothing', () => {
    const down = host({ host: 'web2', current: null, serves: 'v2', cannotInspect: 'web2: connection refused' });
    assert.equal(runningOn(down), undefined);
    assert.deepEqual(uninspected([host({}), down]), ['web2: cannot inspect: web2: connection refused']);
    assert.deepEqual(uninspected([down]), ['cannot inspect: web2: connection refused']);
    assert.equal(describeCurrents([host({}), down]), 'web1 v2, web2 unknown');
  });

  it('runs what the app serves, else what current points at', () => {
    assert.equal(runningOn(host({ current: 'v3' })), 'v2');
    assert.equal(runningOn(host({ serves: null, reported: null })), 'v2');
    assert.equal(runningOn(host({ current: null, serves: null, reported: undefined })), null);
  });
});
