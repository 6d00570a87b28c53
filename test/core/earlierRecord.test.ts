import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRecord, hasEvidence, ledgerLost, type EarlierRecord, type HostRecord } from '../../src/core/earlierRecord.js';

const made = (version: string, madeAt: string | null = null) => ({ version, sha: null, madeAt, artifact: `/srv/x/releases/${version}` });
const host = (name: string, versions: string[]): HostRecord => ({
  host: name, where: '/srv/x/releases', releases: versions.map((v, i) => made(v, `2026-01-${String(i + 10)}T00:00:00.000Z`)), running: null,
});
const run = (id: string) => ({
  runId: id, kind: 'deploy', fromVersion: null, toVersion: 'v1', ok: true, startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z', requestedBy: null,
});
const record = (hosts: HostRecord[], runs = 0): EarlierRecord => ({
  hosts, unreadable: [], reportsDir: '.rewind/reports', runs: Array.from({ length: runs }, (_, i) => run(`r${i}`)),
});

test('the refusal names the ledger, what the targets hold, what the reports hold, and the two ways on', () => {
  const error = ledgerLost('.rewind/ledger.db', record([host('local', ['v1.0.0', 'v1.1.0'])], 3), 'x', 'production');
  assert.equal(error.code, 'LEDGER_LOST');
  assert.equal(error.exitCode, 2);
  assert.equal(
    error.message,
    'the ledger .rewind/ledger.db is empty but /srv/x/releases holds 2 releases made by rewind (v1.0.0, v1.1.0) and ' +
      '.rewind/reports holds 3 runs of x production; run `rewind ledger rebuild` or pass --new-ledger to start afresh',
  );
  assert.deepEqual(error.details.found, {
    hosts: [{ host: 'local', where: '/srv/x/releases', versions: ['v1.0.0', 'v1.1.0'] }],
    reports: { dir: '.rewind/reports', runs: 3 },
  });
});

test('several hosts are named; versions are the union, oldest made first, at most five named', () => {
  const text = describeRecord(record([host('web1', ['a', 'b', 'c', 'd']), host('web2', ['a', 'b', 'c', 'd', 'e', 'f', 'g']), host('web3', [])]), 'x', 'p');
  assert.equal(text, '/srv/x/releases on web1, web2 hold 7 releases made by rewind (c, d, e, f, g, and 2 older)');
});

test('reports alone are evidence; nothing at all is a new install', () => {
  assert.equal(describeRecord(record([], 1), 'x', 'p'), '.rewind/reports holds 1 run of x p');
  assert.equal(hasEvidence(record([], 1)), true);
  assert.equal(hasEvidence(record([host('local', [])])), false);
  assert.equal(hasEvidence(record([])), false);
});
