import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Ledger } from '../../src/core/ports.js';
import type { Release } from '../../src/core/release.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { METRICS_PAGE, metrics } from '../../src/operations/metrics.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = new Date('2026-05-01T00:00:00.000Z');
const DAY = 86_400_000;

function released(i: number, at: number): Release {
  const iso = new Date(at).toISOString();
  return {
    id: `rel-${String(i).padStart(5, '0')}`, app: 'shop', env: 'production', version: `v${i}`, sha: null, artifact: null,
    status: 'superseded', deployedBy: 'me', deployedAt: iso, verifiedAt: iso, markedBadAt: null, activatedAt: iso, migrations: [],
    source: 'rewind',
  };
}

/** A real SQLite ledger holding `old` releases from a year ago and `recent` ones in the last days, counting its list calls. */
async function ledgerWith(t: TestContext, old: number, recent: number): Promise<{ ledger: Ledger; pages: () => number }> {
  const ledger = await openSqliteLedger(join(await tempDir(t), 'ledger.sqlite'));
  t.after(() => ledger.close());
  const yearAgo = NOW.getTime() - 365 * DAY;
  const releases = [
    ...Array.from({ length: old }, (_, i) => released(i, yearAgo + i * 60_000)),
    ...Array.from({ length: recent }, (_, i) => released(old + i, NOW.getTime() - 20 * DAY + i * 60_000)),
  ];
  assert.equal(await ledger.fillReleases('shop', 'production', releases), true);
  let calls = 0;
  const counting: Ledger = { ...ledger, listReleases: (query) => { calls += 1; return ledger.listReleases(query); } };
  return { ledger: counting, pages: () => calls };
}

const request = { since: '30d', environments: [{ name: 'production', slaSeconds: 90 }] };
const clock = { now: () => NOW };

test('metrics reads the first page only when it already reaches back past the period', async (t) => {
  const { ledger, pages } = await ledgerWith(t, 1200, 10);
  const report = await metrics({ ledger, app: 'shop', clock }, request);
  assert.equal(report.environments[0]?.deploymentFrequency.live, 10);
  assert.equal(pages(), 1);
});

test('metrics pages on while the period goes on, and stops at its start', async (t) => {
  const { ledger, pages } = await ledgerWith(t, 1200, METRICS_PAGE + 100);
  const report = await metrics({ ledger, app: 'shop', clock }, request);
  assert.equal(report.environments[0]?.deploymentFrequency.live, METRICS_PAGE + 100);
  assert.equal(pages(), 2);
});
