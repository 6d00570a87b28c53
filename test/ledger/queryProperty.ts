/**
 * The indexed queries must answer what the old scan of every release answered. On random
 * histories (seeded, so a failure repeats), the core rules over the whole list are compared with
 * what operations get from the Ledger's queries: the live release, the last known good, the
 * release an app's build belongs to, and whole rollback plans (target, skipped versions, risks,
 * migrations to revert, the ledger digest), refusals included.
 */
import assert from 'node:assert/strict';
import { lastKnownGood, liveRelease } from '../../src/core/lastKnownGood.js';
import { migrationsToRevert } from '../../src/core/migrations/toRevert.js';
import { planRollback, type RollbackInput } from '../../src/core/planRollback.js';
import type { Ledger } from '../../src/core/ports.js';
import { RELEASE_STATUSES, type Release } from '../../src/core/release.js';
import { releaseServing, type HostEvidence } from '../../src/core/runningEvidence.js';
import { findLastKnownGood, findServing } from '../../src/operations/ledgerLookups.js';
import { basisNow, ledgerDigest, planBasis } from '../../src/operations/planBasis.js';
import { planWindow, type PlanRequest } from '../../src/operations/planWindow.js';
import { release } from './fixtures.js';

const HISTORIES = 4;
const PLANS_PER_HISTORY = 25;
const SHAS = ['0123456789abcdef0123456789abcdef01234567', '0123456', 'ABCDEF0123456789', 'fedcba9876543210fedc', null];

/** mulberry32: small, seeded, good enough to pick cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function sameAnswersAsTheScan(ledger: Ledger, seed: number): Promise<void> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const maybe = <T>(p: number, value: () => T): T | null => (next() < p ? value() : null);
  const deps = { ledger, app: 'shop', envName: 'production' };
  for (let h = 0; h < HISTORIES; h++) {
    const env = `production-${h}`;
    const scope = { ...deps, envName: env };
    const versions = Array.from({ length: 2 + Math.floor(next() * 6) }, (_, i) => `v${i}`);
    const count = 8 + Math.floor(next() * 22);
    for (let i = 0; i < count; i++) {
      const bad = next() < 0.25;
      const sha = pick(SHAS);
      await ledger.insertRelease(release(`h${h}-r${i}`, {
        env, version: pick(versions), sha: sha !== null && next() < 0.3 ? sha.toUpperCase() : sha, status: pick(RELEASE_STATUSES),
        verifiedAt: maybe(0.7, () => `2025-01-01T10:0${Math.floor(next() * 9)}:00.000Z`),
        markedBadAt: bad ? '2025-01-02T00:00:00.000Z' : null,
        // Few distinct times: ties between activations are common.
        activatedAt: maybe(0.6, () => `2025-01-01T1${Math.floor(next() * 4)}:00:00.000Z`),
        migrations: next() < 0.4 ? [`m${i}`] : [],
      }));
      // Noise: the same versions in another environment must never be answered.
      if (next() < 0.2) await ledger.insertRelease(release(`h${h}-x${i}`, { env: `${env}-other`, version: pick(versions), verifiedAt: 'x', activatedAt: 'z' }));
    }
    const all = await ledger.listReleases({ app: 'shop', env });
    const label = `history ${h} (seed ${seed})`;

    assert.deepEqual(await ledger.liveRelease({ app: 'shop', env }), liveRelease(all), `${label}: live release`);
    for (const version of [...versions, 'v99']) {
      assert.deepEqual(await ledger.liveRelease({ app: 'shop', env, version }), liveRelease(all.filter((r) => r.version === version)),
        `${label}: live release of ${version}`);
    }
    for (const failed of [undefined, ...all]) {
      assert.deepEqual(await findLastKnownGood(scope, failed), lastKnownGood(all, failed), `${label}: last known good before ${failed?.id}`);
    }
    const builds = [...versions, ...SHAS.filter((s): s is string => s !== null).flatMap((s) => [s, s.slice(0, 7), s.toLowerCase().slice(0, 9)]), 'nope'];
    for (const reported of builds) {
      for (const current of [null, pick(versions), pick(versions)]) {
        assert.equal((await findServing(scope, reported, current))?.id, releaseServing(all, reported, current)?.id,
          `${label}: the release of build ${reported} with current ${current}`);
      }
    }
    for (let p = 0; p < PLANS_PER_HISTORY; p++) {
      const request: PlanRequest = {
        ...(next() < 0.3 ? { failed: pick([pick(all).id, pick(versions), 'nope']) } : {}),
        ...(next() < 0.3 ? { targetVersion: pick([...versions, 'v99']) } : {}),
      };
      const seen: HostEvidence[] = Array.from({ length: 1 + Math.floor(next() * 2) }, (_, i) => ({
        host: `web${i}`, current: maybe(0.8, () => pick([...versions, 'v99'])), serves: maybe(0.4, () => pick(versions)),
      }));
      await samePlan(scope, all, request, seen, `${label}, plan ${p} ${JSON.stringify({ request, seen })}`);
    }
  }
}

async function samePlan(deps: Parameters<typeof planWindow>[0], all: readonly Release[], request: PlanRequest, seen: HostEvidence[], label: string) {
  const window = await planWindow(deps, request, seen);
  const input = (releases: readonly Release[]): RollbackInput => ({
    app: 'shop', env: deps.envName, driver: 'releases', hosts: seen.map((s) => s.host), now: '2025-01-03T00:00:00.000Z', releases,
    observedLive: seen.length === 1 ? (seen[0] as HostEvidence).current : null, seenRunning: seen, ...request,
    healthConfigured: true, reloadConfigured: true, ledgerDigest: 'd', approvalPolicy: 'high',
  });
  const outcome = (releases: readonly Release[]) => {
    try {
      return { plan: planRollback(input(releases)) };
    } catch (error) {
      return { refused: `${(error as { code?: string }).code}: ${(error as Error).message}` };
    }
  };
  const [whole, windowed] = [outcome(all), outcome(window)];
  assert.deepEqual(windowed, whole, label);
  if (!whole.plan) return;
  const { from, to } = whole.plan;
  const applied = all.flatMap((r) => r.migrations).reverse();
  assert.deepEqual(migrationsToRevert(window, from.releaseId, to.releaseId, applied), migrationsToRevert(all, from.releaseId, to.releaseId, applied),
    `${label}: migrations to revert`);
  const digest = ledgerDigest(planBasis(all, from.releaseId, to.releaseId));
  assert.equal(ledgerDigest(planBasis(window, from.releaseId, to.releaseId)), digest, `${label}: digest of the window`);
  assert.equal(ledgerDigest(planBasis(await basisNow(deps, from.releaseId, to.releaseId), from.releaseId, to.releaseId)), digest,
    `${label}: digest read again`);
}
