import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envMetrics } from '../../../src/core/metrics/envMetrics.js';
import { PERIOD, at, failedDeploy, goodDeploy, history, release, rollback, rows, run } from './fixtures.js';

describe('envMetrics on an empty period', () => {
  it('says there was nothing rather than dividing by zero', () => {
    const m = envMetrics(history({}), PERIOD);
    assert.equal(m.deploymentFrequency.shown, 'no deploys in the period');
    assert.equal(m.deploymentFrequency.basis, '0 deploys in 30 days');
    assert.equal(m.changeFailureRate.shown, 'no deploys in the period');
    assert.equal(m.changeFailureRate.value, null);
    assert.equal(m.changeFailureRate.basis, '0 of 0 deploys');
    assert.equal(m.recoveryTime.shown, 'no deploys in the period');
    assert.equal(m.rollbackFrequency.shown, 'no rollbacks in the period');
    assert.equal(m.rollbackDuration.shown, 'no finished rollbacks in the period');
    assert.equal(m.slaBreaches.shown, 'no finished rollbacks in the period');
    assert.equal(m.leadTime.shown, 'no verified deploys in the period');
    assert.ok(!JSON.stringify(m).includes('NaN') && !JSON.stringify(m).includes('null%'));
  });

  it('counts nothing from before the period', () => {
    const old = goodDeploy('v0', 1);
    const moved = { release: { ...old.release, deployedAt: '2026-03-31T23:59:59.000Z' }, run: old.run };
    const early = rollback(old.release, old.release, 1, 0, 5, { startedAt: '2026-03-31T23:00:00.000Z' });
    const m = envMetrics(history({ releases: [moved.release], runs: [moved.run, early] }), PERIOD);
    assert.equal(m.deploymentFrequency.live, 0);
    assert.equal(m.rollbackFrequency.value, 0);
  });
});

describe('deployment frequency and change failure rate', () => {
  it('counts deploys that went live, per day or per week, and the failed ones of those', () => {
    const deploys = [goodDeploy('v1', 2), goodDeploy('v2', 5), goodDeploy('v3', 9), failedDeploy('v4', 12, 60)];
    const back = rollback(deploys[3]!.release, deploys[2]!.release, 12, 25, 20, { trigger: 'deploy.verify_failed' });
    const all = rows(...deploys);
    const m = envMetrics(history({ releases: all.releases, runs: [...all.runs, back] }), PERIOD);
    assert.equal(m.deploymentFrequency.shown, '0.9 per week');
    assert.equal(m.deploymentFrequency.basis, '4 deploys in 30 days');
    assert.equal(m.changeFailureRate.shown, '25%');
    assert.equal(m.changeFailureRate.basis, '1 of 4 deploys (1 failed verification, 1 rolled back)');
    assert.match(
      m.changeFailureRate.formula,
      /failed verification, were rolled back or crossed a watch tier 1 or 2 \/ deploys that went live$/,
    );
  });

  it('leaves out a deploy that never went live (its build failed), and says so', () => {
    const built = release('v2', { deployedAt: at(3), status: 'failed', markedBadAt: at(3, 5) });
    const failedRun = run('deploy', { toReleaseId: built.id, status: 'failed', createdAt: at(3), startedAt: at(3), finishedAt: at(3, 5) });
    const good = goodDeploy('v1', 2);
    const m = envMetrics(history({ releases: [good.release, built], runs: [good.run, failedRun] }), PERIOD);
    assert.equal(m.deploymentFrequency.basis, '1 deploy in 30 days (1 more deploy never went live (not counted))');
    assert.equal(m.changeFailureRate.basis, '0 of 1 deploy');
    assert.equal(m.recoveryTime.shown, 'no failed deploys in the period');
  });

  it('counts a deploy recorded from another system, and a rollback of it as its failure', () => {
    const ours = goodDeploy('v1', 2);
    const theirs = release('v2', { source: 'jenkins', deployedAt: at(4), activatedAt: at(4), verifiedAt: at(4), status: 'rolled_back' });
    const back = rollback(theirs, ours.release, 6, 0, 30);
    const m = envMetrics(history({ releases: [ours.release, theirs], runs: [ours.run, back] }), PERIOD);
    assert.equal(m.deploymentFrequency.basis, '2 deploys in 30 days (1 of them recorded from other systems)');
    assert.equal(m.changeFailureRate.basis, '1 of 2 deploys (1 rolled back)');
    // Detected when the rollback started; recovered when it finished verified.
    assert.equal(m.recoveryTime.medianMs, 30_000);
    assert.equal(m.leadTime.verified, 2);
    assert.equal(m.leadTime.unknown, 2);
  });

  it('does not count a deploy recorded as failed: the ledger never saw it live', () => {
    const theirs = release('v2', { source: 'jenkins', deployedAt: at(4), status: 'failed', markedBadAt: at(4) });
    const m = envMetrics(history({ releases: [theirs] }), PERIOD);
    assert.equal(m.deploymentFrequency.live, 0);
    assert.equal(m.deploymentFrequency.neverLive, 1);
  });
});

describe('recovery time', () => {
  it('runs from the failed verification to the automatic rollback verified', () => {
    const good = goodDeploy('v1', 2);
    // markedBadAt is moved to the rollback's mark step: the rollback's start dates the detection.
    const bad = failedDeploy('v2', 3, 90);
    bad.release.status = 'rolled_back';
    bad.release.markedBadAt = at(3, 70);
    const back = rollback(bad.release, good.release, 3, 22, 40, { trigger: 'deploy.verify_failed' });
    const m = envMetrics(history({ releases: [good.release, bad.release], runs: [good.run, bad.run, back] }), PERIOD);
    assert.equal(m.recoveryTime.failures[0]?.detectedAt, at(3, 22));
    assert.equal(m.recoveryTime.medianMs, 40_000);
    assert.equal(m.recoveryTime.shown, 'median 40.0 s, p90 40.0 s');
    assert.equal(m.recoveryTime.basis, '1 recovered failure');
  });

  it('keeps a failure that was never recovered in the period open: not counted, and said', () => {
    const good = goodDeploy('v1', 2);
    const kept = failedDeploy('v2', 28);
    const m = envMetrics(history({ releases: [good.release, kept.release], runs: [good.run, kept.run] }), PERIOD);
    assert.equal(m.recoveryTime.shown, 'none recovered yet');
    assert.equal(m.recoveryTime.value, null);
    assert.equal(m.recoveryTime.open.length, 1);
    assert.equal(m.recoveryTime.basis, '0 recovered failures; 1 open, not counted: v2 since 2026-04-28 00:00 UTC');
  });

  it('after a rollback that failed, ends at the next deploy that finished verified', () => {
    const good = goodDeploy('v1', 2);
    const bad = failedDeploy('v2', 3, 200);
    const failedBack = rollback(bad.release, good.release, 3, 22, 100, { status: 'failed', trigger: 'deploy.verify_failed' });
    const fix = goodDeploy('v3', 4);
    const all = rows(good, bad, fix);
    const m = envMetrics(history({ releases: all.releases, runs: [...all.runs, failedBack] }), PERIOD);
    assert.equal(m.recoveryTime.failures[0]?.recoveredAt, at(4, 30));
    assert.equal(m.recoveryTime.medianMs, Date.parse(at(4, 30)) - Date.parse(at(3, 20)));
    assert.equal(m.rollbackFrequency.basis, '1 rollback: 0 succeeded, 1 failed; started by deploy verification 1');
    // A failed rollback still took its time, and is measured against the SLA.
    assert.equal(m.rollbackDuration.medianMs, 100_000);
    assert.equal(m.slaBreaches.basis, '1 of 1 finished rollback');
  });

  it('takes the median and the p90 of several recoveries', () => {
    const good = goodDeploy('v1', 1);
    const parts = [good];
    const runs = [];
    for (const [day, seconds] of [[3, 10], [5, 20], [7, 30], [9, 400]] as const) {
      const bad = failedDeploy(`v${day}`, day, seconds + 30);
      parts.push(bad);
      runs.push(rollback(bad.release, good.release, day, 20, seconds, { trigger: 'deploy.verify_failed' }));
    }
    const all = rows(...parts);
    const m = envMetrics(history({ releases: all.releases, runs: [...all.runs, ...runs] }), PERIOD);
    assert.equal(m.recoveryTime.medianMs, 25_000);
    assert.equal(m.recoveryTime.p90Ms, 400_000);
    assert.equal(m.recoveryTime.shown, 'median 25.0 s, p90 6.7 min');
  });
});

describe('a deploy judged by watch', () => {
  it('rolled back by a tier 1 breach: a failure from the breach to the rollback verified', () => {
    const good = goodDeploy('v1', 2);
    const watched = goodDeploy('v2', 10);
    watched.release.status = 'rolled_back';
    const watch = run('watch', {
      toReleaseId: watched.release.id, status: 'succeeded', createdAt: at(10, 31), startedAt: at(10, 31), finishedAt: at(10, 200),
      plan: {
        kind: 'watch', releaseId: watched.release.id,
        decision: { tier: 1, action: 'rollback', condition: 'p99', reason: 'x', at: at(10, 190) },
      },
    });
    const back = rollback(watched.release, good.release, 10, 195, 15, { trigger: 'watch:tier1' });
    const all = rows(good, watched);
    const m = envMetrics(history({ releases: all.releases, runs: [...all.runs, watch, back] }), PERIOD);
    assert.equal(m.changeFailureRate.basis, '1 of 2 deploys (1 rolled back, 1 crossed a watch tier 1 or 2)');
    assert.equal(m.recoveryTime.failures[0]?.detectedAt, at(10, 190));
    assert.equal(m.recoveryTime.medianMs, 20_000);
    assert.equal(m.rollbackFrequency.byTrigger.watch, 1);
    assert.equal(m.rollbackFrequency.basis, '1 rollback: 1 succeeded, 0 failed; started by watch 1');
  });

  it('paused by a tier 2 breach: a failure, open while nobody acted', () => {
    const watched = goodDeploy('v2', 10);
    const watch = run('watch', {
      toReleaseId: watched.release.id, status: 'paused', createdAt: at(10, 31), startedAt: at(10, 31), finishedAt: null, plan: null,
    });
    const m = envMetrics(history({ releases: [watched.release], runs: [watched.run, watch] }), PERIOD);
    assert.equal(m.changeFailureRate.basis, '1 of 1 deploy (1 crossed a watch tier 1 or 2)');
    assert.equal(m.recoveryTime.open.length, 1);
    assert.equal(m.recoveryTime.open[0]?.detectedAt, at(10, 31));
  });

  it('that stayed green (or only recorded a tier 3) is no failure', () => {
    const watched = goodDeploy('v2', 10);
    const watch = run('watch', { toReleaseId: watched.release.id, plan: { kind: 'watch', decision: null, recorded: ['tier3'] } });
    const m = envMetrics(history({ releases: [watched.release], runs: [watched.run, watch] }), PERIOD);
    assert.equal(m.changeFailureRate.failed, 0);
  });
});

describe('rollbacks, their duration and the SLA', () => {
  it('never counts a drill, as a rollback or as a recovery', () => {
    const good = goodDeploy('v1', 2);
    const kept = failedDeploy('v2', 3);
    const drill = run('drill', {
      fromReleaseId: kept.release.id, toReleaseId: good.release.id, trigger: 'drill',
      createdAt: at(4), startedAt: at(4), finishedAt: at(4, 5),
    });
    const m = envMetrics(history({ releases: [good.release, kept.release], runs: [good.run, kept.run, drill] }), PERIOD);
    assert.equal(m.rollbackFrequency.value, 0);
    assert.equal(m.changeFailureRate.bySign.rollback, 0);
    assert.equal(m.recoveryTime.open.length, 1);
  });

  it('counts a planned rollback only once it started, and times only finished ones', () => {
    const good = goodDeploy('v1', 2);
    const bad = goodDeploy('v2', 3);
    const planned = rollback(bad.release, good.release, 4, 0, 0, { status: 'planned', startedAt: null, finishedAt: null });
    const paused = rollback(bad.release, good.release, 5, 0, 0, { status: 'paused', finishedAt: null });
    const done = rollback(bad.release, good.release, 6, 0, 120);
    const all = rows(good, bad);
    const m = envMetrics(history({ releases: all.releases, runs: [...all.runs, planned, paused, done], slaSeconds: 90 }), PERIOD);
    assert.equal(m.rollbackFrequency.shown, '2 (0.5 per week)');
    assert.equal(m.rollbackFrequency.basis, '2 rollbacks: 1 succeeded, 0 failed, 1 unfinished; started by manual 2');
    assert.equal(m.rollbackDuration.shown, 'median 2.0 min, p90 2.0 min');
    assert.equal(m.slaBreaches.shown, '1 of 1');
    assert.equal(m.slaBreaches.formula, 'finished rollbacks that took longer than sla.rollback_seconds (90 s)');
    assert.deepEqual(m.slaBreaches.runIds, [done.id]);
  });

  it('counts a rollback of the period whose deploy was made before it, without counting that deploy', () => {
    const old = goodDeploy('v1', 1);
    old.release.deployedAt = '2026-03-20T00:00:00.000Z';
    const bad = goodDeploy('v2', 1);
    bad.release.deployedAt = '2026-03-25T00:00:00.000Z';
    const back = rollback(bad.release, old.release, 2, 0, 30);
    const m = envMetrics(history({ releases: [old.release, bad.release], runs: [back] }), PERIOD);
    assert.equal(m.rollbackFrequency.value, 1);
    assert.equal(m.changeFailureRate.shown, 'no deploys in the period');
    assert.deepEqual(m.recoveryTime.failures, []);
  });

  it('says when no SLA applies', () => {
    const good = goodDeploy('v1', 2);
    const bad = goodDeploy('v2', 3);
    const done = rollback(bad.release, good.release, 6, 0, 120);
    const m = envMetrics(history({ releases: [good.release, bad.release], runs: [good.run, bad.run, done], slaSeconds: null }), PERIOD);
    assert.equal(m.slaBreaches.shown, 'no SLA configured');
    assert.equal(m.slaBreaches.value, null);
  });
});

describe('lead time for changes', () => {
  it('is measured where the commit time is known, and the rest are counted as unknown', () => {
    const one = goodDeploy('v1', 2, { committedAt: at(1) });
    const two = goodDeploy('v2', 3, { committedAt: at(2, 43_200) });
    const three = goodDeploy('v3', 4);
    const m = envMetrics(history(rows(one, two, three)), PERIOD);
    assert.equal(m.leadTime.count, 2);
    assert.equal(m.leadTime.unknown, 1);
    assert.equal(m.leadTime.medianMs, (86_430_000 + 43_230_000) / 2);
    assert.equal(m.leadTime.basis, 'known for 2 of 3 verified deploys');
  });

  it('is "not known" when no commit time was recorded', () => {
    const m = envMetrics(history(rows(goodDeploy('v1', 2))), PERIOD);
    assert.equal(m.leadTime.shown, 'not known: no commit time was recorded for these deploys');
    assert.equal(m.leadTime.value, null);
  });
});
