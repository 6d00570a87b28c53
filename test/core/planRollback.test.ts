import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { lastKnownGood } from '../../src/core/lastKnownGood.js';
import { planRollback, type RollbackInput } from '../../src/core/planRollback.js';
import type { Release } from '../../src/core/release.js';
import type { HostEvidence } from '../../src/core/runningEvidence.js';

let seq = 0;
function release(version: string, fields: Partial<Release> = {}): Release {
  seq += 1;
  return {
    id: `rel-${seq}`, app: 'shop', env: 'production', version, sha: `${seq}`.padStart(7, 'a'), artifact: null,
    status: 'superseded', deployedBy: 'me', deployedAt: `2026-01-0${seq % 9}T00:00:00Z`, verifiedAt: '2026-01-01T00:00:00Z',
    markedBadAt: null, migrations: [], source: 'rewind', ...fields,
    // A release made live in these fixtures was switched to when deployed.
    activatedAt: fields.activatedAt ?? (fields.status === 'live' || fields.status === 'verified' ? `2026-01-0${seq % 9}T00:00:00Z` : null),
  };
}

/** Newest first, as the ledger lists them. */
function input(releases: Release[], extra: Partial<RollbackInput> = {}): RollbackInput {
  return {
    app: 'shop', env: 'production', driver: 'releases', hosts: ['local'], now: '2026-11-22T00:00:00Z', releases,
    observedLive: releases[0]?.version ?? null, healthConfigured: true, reloadConfigured: true, ledgerDigest: 'd', approvalPolicy: 'high', ...extra,
  };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RewindError, String(error));
    return error.code;
  }
  return 'no error';
}

describe('lastKnownGood', () => {
  it('is the newest older verified release never marked bad', () => {
    const v3 = release('v3', { status: 'live', verifiedAt: null });
    const v2 = release('v2', { status: 'failed', markedBadAt: '2026-01-02T00:00:00Z' });
    const v1 = release('v1');
    assert.equal(lastKnownGood([v3, v2, v1], v3)?.version, 'v1');
  });

  it('skips releases that never passed verification and the failed version itself', () => {
    const v3 = release('v3', { status: 'live' });
    const v3again = release('v3');
    const v2 = release('v2', { verifiedAt: null });
    const v1 = release('v1');
    assert.equal(lastKnownGood([v3, v3again, v2, v1], v3)?.version, 'v1');
  });

  it('is undefined when nothing older passed', () => {
    const v2 = release('v2', { status: 'live' });
    const v1 = release('v1', { status: 'rolled_back', markedBadAt: 'x' });
    assert.equal(lastKnownGood([v2, v1], v2), undefined);
  });
});

describe('planRollback', () => {
  it('plans from the live release to the last known good, low risk when one step back', () => {
    const v2 = release('v2', { status: 'verified' });
    const v1 = release('v1');
    const plan = planRollback(input([v2, v1]));
    assert.equal(plan.from.version, 'v2');
    assert.equal(plan.to.version, 'v1');
    assert.equal(plan.targetChosenBy, 'last_known_good');
    assert.equal(plan.riskLevel, 'low');
    assert.deepEqual(plan.steps.map((s) => s.kind), ['ensure_release', 'switch', 'reload', 'verify', 'mark']);
  });

  it('names the skipped releases and raises the risk when going back further', () => {
    const v3 = release('v3', { status: 'live' });
    const v2 = release('v2', { status: 'failed', markedBadAt: 'x' });
    const v1 = release('v1');
    const plan = planRollback(input([v3, v2, v1]));
    assert.equal(plan.to.version, 'v1');
    assert.deepEqual(plan.skipped, ['v2']);
    assert.equal(plan.riskLevel, 'medium');
    assert.ok(plan.risks.some((r) => r.code === 'distance'));
  });

  it('accepts --target-version and marks an unverified target high risk', () => {
    const v3 = release('v3', { status: 'live' });
    const v2 = release('v2', { verifiedAt: null });
    const v1 = release('v1');
    const plan = planRollback(input([v3, v2, v1], { targetVersion: 'v2' }));
    assert.equal(plan.to.version, 'v2');
    assert.equal(plan.targetChosenBy, 'requested');
    assert.equal(plan.riskLevel, 'high');
  });

  it('finds the failed release by id or by version', () => {
    const v3 = release('v3', { status: 'live' });
    const v2 = release('v2');
    const v1 = release('v1');
    // A named release must be running: here v2 does, although the ledger says v3.
    assert.equal(planRollback(input([v3, v2, v1], { failed: v2.id, observedLive: 'v2' })).to.version, 'v1');
    assert.equal(planRollback(input([v3, v2, v1], { failed: 'v3' })).to.version, 'v2');
  });

  it('reports drift when the target runs something else', () => {
    const v2 = release('v2', { status: 'live' });
    const v1 = release('v1');
    const plan = planRollback(input([v2, v1], { observedLive: 'v9' }));
    assert.ok(plan.risks.some((r) => r.code === 'drift' && r.message.includes('v9')));
  });

  it('uses the observed version when the ledger has no live release', () => {
    const v2 = release('v2', { status: 'failed', markedBadAt: 'x' });
    const v1 = release('v1');
    assert.equal(planRollback(input([v2, v1], { observedLive: 'v2' })).from.version, 'v2');
  });

  it('refuses with a distinct code for each bad request', () => {
    const v2 = release('v2', { status: 'live' });
    const v1 = release('v1', { verifiedAt: null });
    assert.equal(code(() => planRollback(input([v2, v1]))), 'NO_KNOWN_GOOD');
    assert.equal(code(() => planRollback(input([v2, v1], { targetVersion: 'v9' }))), 'RELEASE_NOT_FOUND');
    assert.equal(code(() => planRollback(input([v2, v1], { targetVersion: 'v2' }))), 'BAD_TARGET');
    assert.equal(code(() => planRollback(input([v2, v1], { failed: 'v1', targetVersion: 'v2', observedLive: 'v1' }))), 'BAD_TARGET');
    assert.equal(code(() => planRollback(input([v2, v1], { targetVersion: '../v1' }))), 'UNSAFE_NAME');
    assert.equal(code(() => planRollback(input([v2, v1], { failed: 'a;b' }))), 'UNSAFE_NAME');
    assert.equal(code(() => planRollback(input([v2, v1], { failed: 'nope' }))), 'RELEASE_NOT_FOUND');
    assert.equal(code(() => planRollback(input([], { observedLive: null }))), 'NOTHING_LIVE');
  });
});

it('does not count earlier attempts at the failed version as skipped releases', () => {
  const v3 = release('v3', { status: 'live' });
  const v3before = release('v3', { status: 'rolled_back', markedBadAt: 'x' });
  const v2 = release('v2');
  const plan = planRollback(input([v3, v3before, v2]));
  assert.equal(plan.to.version, 'v2');
  assert.deepEqual(plan.skipped, []);
  assert.equal(plan.riskLevel, 'low');
});

describe('planRollback: a release is judged only on evidence about it', () => {
  const seen = (host: string, current: string | null, serves: string | null): HostEvidence => ({ host, current, serves });
  /** v1 and v2 good, v3 the failed one; the ledger's live release as given. */
  function ledger(live: 'v2' | 'v3') {
    const v3 = release('v3', live === 'v3' ? { status: 'live', verifiedAt: null } : { verifiedAt: null, activatedAt: '2026-01-01T00:00:00Z' });
    const v2 = release('v2', live === 'v2' ? { status: 'live', activatedAt: '2026-01-05T00:00:00Z' } : {});
    const v1 = release('v1');
    return [v3, v2, v1];
  }

  it('rolls back what the app serves when current was switched but the app not reloaded (a killed rollback)', () => {
    // The killed run's switch made v2 the ledger's live release and `current`; the app still serves v3.
    const plan = planRollback(input(ledger('v2'), { observedLive: 'v2', seenRunning: [seen('local', 'v2', 'v3')] }));
    assert.deepEqual([plan.from.version, plan.to.version], ['v3', 'v2']);
    const drift = plan.risks.find((r) => r.code === 'drift');
    assert.equal(drift?.message, 'the ledger says v2 is live, current is v2, the app serves v3');
  });

  it('rolls back the newer of current and the app (a deploy switched and did not reload)', () => {
    const plan = planRollback(input(ledger('v3'), { observedLive: 'v3', seenRunning: [seen('local', 'v3', 'v2')] }));
    assert.deepEqual([plan.from.version, plan.to.version], ['v3', 'v2']);
    assert.equal(plan.risks.find((r) => r.code === 'drift')?.message, 'the ledger says v3 is live, current is v3, the app serves v2');
  });

  it('rolls back the newest release any host runs, and names the host whose app disagrees', () => {
    const plan = planRollback(input(ledger('v2'), {
      hosts: ['web1', 'web2'], observedLive: null, seenRunning: [seen('web1', 'v2', 'v2'), seen('web2', 'v3', 'v3')],
    }));
    assert.equal(plan.from.version, 'v3');
    assert.equal(plan.to.version, 'v2');
    assert.equal(plan.risks.find((r) => r.code === 'drift')?.message, 'web2: the ledger says v2 is live, current is v3, the app serves v3');
    const split = planRollback(input(ledger('v2'), {
      hosts: ['web1', 'web2'], observedLive: 'v2', seenRunning: [seen('web1', 'v2', 'v3'), seen('web2', 'v2', 'v2')],
    }));
    assert.equal(split.from.version, 'v3');
    assert.equal(split.risks.find((r) => r.code === 'drift')?.message, 'web1: the ledger says v2 is live, current is v2, the app serves v3');
  });

  it('rolls back a release current was repointed to by hand, whatever the ledger says', () => {
    const v2 = release('v2');
    const v1 = release('v1', { status: 'live' });
    const plan = planRollback(input([v2, v1], { observedLive: 'v2', seenRunning: [seen('local', 'v2', null)] }));
    assert.deepEqual([plan.from.version, plan.to.version], ['v2', 'v1']);
    assert.equal(plan.risks.find((r) => r.code === 'drift')?.message, 'the ledger says v1 is live, current is v2, the app was not asked');
  });

  it('falls back to the ledger when nothing could be observed, or only builds the ledger does not know', () => {
    const nothing = planRollback(input(ledger('v3'), { observedLive: null, seenRunning: [seen('local', null, null)] }));
    assert.deepEqual([nothing.from.version, nothing.to.version], ['v3', 'v2']);
    assert.equal(nothing.risks.find((r) => r.code === 'drift')?.message, 'the ledger says v3 is live, current is nothing, the app was not asked');
    const unknown = planRollback(input(ledger('v3'), { observedLive: 'v9', seenRunning: [seen('local', 'v9', null)] }));
    assert.equal(unknown.from.version, 'v3');
  });

  it('names a host that could not be inspected as such, never as running nothing, and an app serving an unknown build', () => {
    const plan = planRollback(input(ledger('v3'), {
      hosts: ['web1', 'web2', 'web3'], observedLive: null, seenRunning: [
        seen('web1', 'v3', 'v3'),
        { host: 'web2', current: null, serves: null, reported: null, cannotInspect: 'web2: connection refused' },
        { host: 'web3', current: 'v3', serves: null, reported: 'f00ba47' },
      ],
    }));
    assert.deepEqual([plan.from.version, plan.to.version], ['v3', 'v2']);
    assert.equal(plan.risks.find((r) => r.code === 'drift')?.message,
      'web3: the ledger says v3 is live, current is v3, the app serves f00ba47, which is no release in the ledger; ' +
      'web2: cannot inspect: web2: connection refused');
  });

  it('has no drift when current, the app and the ledger agree', () => {
    const plan = planRollback(input(ledger('v3'), { observedLive: 'v3', seenRunning: [seen('local', 'v3', 'v3')] }));
    assert.equal(plan.risks.some((r) => r.code === 'drift'), false);
  });

  it('refuses --failed-deployment-id naming a release that does not run, in one line naming what runs', () => {
    const releases = ledger('v3');
    const running = { observedLive: 'v3', seenRunning: [seen('local', 'v3', 'v3')] };
    const refusal = (() => {
      try {
        planRollback(input(releases, { ...running, failed: 'v2' }));
      } catch (error) {
        return error as RewindError;
      }
      return undefined;
    })();
    assert.equal(refusal?.code, 'FAILED_NOT_RUNNING');
    assert.equal(refusal?.exitCode, 2);
    assert.equal(refusal?.message, '--failed-deployment-id v2: production runs v3, not v2; leave out --failed-deployment-id to roll back v3');
    // By id too; and a release only the app still serves is running.
    assert.equal(code(() => planRollback(input(releases, { ...running, failed: releases[1]?.id }))), 'FAILED_NOT_RUNNING');
    const served = planRollback(input(releases, { observedLive: 'v3', seenRunning: [seen('local', 'v3', 'v2')], failed: 'v2' }));
    assert.deepEqual([served.from.version, served.to.version], ['v2', 'v1']);
  });

  it('with nothing observed, accepts --failed-deployment-id only for the ledger\'s live release', () => {
    const releases = ledger('v3');
    const blind = { observedLive: null, seenRunning: [seen('local', null, null)] };
    assert.equal(code(() => planRollback(input(releases, { ...blind, failed: 'v2' }))), 'FAILED_NOT_RUNNING');
    assert.equal(planRollback(input(releases, { ...blind, failed: 'v3' })).to.version, 'v2');
    // No live release and no evidence: naming one is the way out that NOTHING_LIVE points to.
    const v2 = release('v2', { status: 'failed', markedBadAt: 'x' });
    const v1 = release('v1');
    assert.equal(planRollback(input([v2, v1], { ...blind, failed: 'v2' })).to.version, 'v1');
  });
});

describe('planRollback with what the driver found about the target', () => {
  it("adds the driver's risks to the plan's, raising its level and approval, and keeps its notes", () => {
    const v2 = release('v2', { status: 'live' });
    const v1 = release('v1');
    const assessment = {
      notes: ['the cluster still has revisions 3, 2, 1; v1 is revision 1 (template 5d8f)'],
      risks: [{ code: 'driver' as const, level: 'medium' as const, message: 'replicas, HPAs and Secrets stay as v2 left them' }],
    };
    const plain = planRollback(input([v2, v1]));
    const assessed = planRollback(input([v2, v1], { assessment, approvalPolicy: 'medium' }));
    assert.equal(plain.riskLevel, 'low');
    assert.equal(plain.targetNotes, undefined);
    assert.equal(assessed.riskLevel, 'medium');
    assert.equal(assessed.approvalRequired, true);
    assert.deepEqual(assessed.risks.at(-1), assessment.risks[0]);
    assert.deepEqual(assessed.targetNotes, assessment.notes);
  });
});
