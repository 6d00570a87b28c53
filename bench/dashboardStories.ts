/**
 * What a deploy, a rollback and a watch write to the ledger, call by call as
 * rewind's operations make them (the order and the audit entries of a real
 * `deploy`, `rollback --apply` and `watch` on the releases driver), for
 * dashboardLedger.ts to replay years of history through the ledger's own code:
 * every release change there appends its `release.state` entry itself.
 */
import type { Ledger } from '../src/core/ports.js';
import type { Release } from '../src/core/release.js';
import type { Run } from '../src/core/run.js';
import type { WatchPlan } from '../src/core/watch/watchPlan.js';
import type { PastDeploy } from './yearsHistory.js';

export const APP = 'shop';
const ACTOR = 'ci@example.com';

/** The ledger, and the clock its entries are stamped with (the ledger's own release.state entries read it too). */
export interface Story {
  ledger: Ledger;
  clock: { ms: number };
}

/** A release the environment could go back to: verified, never marked bad. */
export interface Good {
  id: string;
  version: string;
  sha: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Let `ms` pass on the story's clock; returns the new time, ISO. */
function pass(story: Story, ms: number): string {
  story.clock.ms += ms;
  return iso(story.clock.ms);
}

async function audit(story: Story, env: string, action: string, outcome: string, detail: Record<string, unknown>, runId: string | null) {
  await story.ledger.appendAudit({ at: iso(story.clock.ms), actor: ACTOR, action, app: APP, env, runId, outcome, detail });
}

/** Journal `list` (id, title, how long) as steps `first`, `first + 1`, ... of the run; with `failLast`, the last one failed. */
async function steps(story: Story, runId: string, first: number, list: readonly (readonly [string, string, number])[], failLast = false) {
  for (const [i, [stepId, title, ms]] of list.entries()) {
    await story.ledger.startStep(runId, first + i, title, iso(story.clock.ms), stepId);
    const failed = failLast && i === list.length - 1;
    await story.ledger.finishStep(runId, first + i, {
      status: failed ? 'failed' : 'succeeded', at: pass(story, ms), durationMs: ms,
      output: failed ? '' : `${title}: ok`, error: failed ? `${title}: health answered 503` : null,
    });
  }
}

type RunFields = 'id' | 'env' | 'kind' | 'fromVersion' | 'toVersion' | 'fromReleaseId' | 'toReleaseId' | 'reason' | 'trigger' | 'plan' |
  'createdAt';

function newRun(fields: Pick<Run, RunFields>): Run {
  return {
    ...fields, app: APP, status: 'running', requestedBy: ACTOR, approvedBy: null, startedAt: fields.createdAt, finishedAt: null,
    error: null,
  };
}

/**
 * One deploy of `d` to `env` over `previous` (the live good release, if any): made, switched to, verified.
 * `build` false: the build failed and nothing went live. `d.failed`: verification failed and the deploy
 * rolled back to `previous` by itself (trigger deploy.verify_failed). Returns the release when it was verified.
 */
export async function deploy(story: Story, env: string, d: PastDeploy, previous: Good | null, build = true): Promise<Good | null> {
  story.clock.ms = d.at;
  const id = `rel-${d.index}`;
  const runId = `deploy-${d.index}`;
  const at = iso(d.at);
  const release: Release = {
    id, app: APP, env, version: d.version, sha: null, artifact: null, status: 'deploying', deployedBy: ACTOR, deployedAt: at,
    verifiedAt: null, markedBadAt: null, activatedAt: null, migrations: [], source: 'rewind',
  };
  const plan = {
    kind: 'deploy', version: d.version, releaseId: id, previousReleaseId: previous?.id ?? null, autoRollback: true,
    steps: [['make', `make release ${d.version}`], ['switch', `switch to ${d.version}`], ['reload', 'reload the app'],
      ['verify', `verify ${d.version}`]].map(([kind, title]) => ({ id: `${kind}:${d.version}`, kind, title, version: d.version,
      ...(kind === 'make' ? {} : { hosts: ['local'], final: true }) })),
    observedBefore: { local: previous?.version ?? null },
  };
  await story.ledger.insertRelease(release);
  await story.ledger.insertRun(newRun({ id: runId, env, kind: 'deploy', fromVersion: previous?.version ?? null, toVersion: d.version,
    fromReleaseId: previous?.id ?? null, toReleaseId: id, reason: null, trigger: 'manual', plan, createdAt: at }));
  await audit(story, env, 'deploy.started', 'started', { version: d.version, previous: previous?.version ?? null }, runId);
  if (!build) {
    await steps(story, runId, 0, [[`make:${d.version}`, `make release ${d.version}`, 2_100]], true);
    const error = `make release ${d.version}: the build exited 1`;
    await story.ledger.updateRelease(id, { status: 'failed', markedBadAt: iso(story.clock.ms) });
    await story.ledger.updateRun(runId, { status: 'failed', finishedAt: pass(story, 5), error });
    await audit(story, env, 'deploy.failed', 'failure', { version: d.version, error }, runId);
    return null;
  }
  const v = d.version;
  await steps(story, runId, 0, [[`make:${v}`, `make release ${v}`, 12_000], [`switch:${v}`, `switch to ${v}`, 4]]);
  await story.ledger.updateRelease(id, { sha: d.sha, artifact: `/srv/${env}/releases/${d.version}`, committedAt: iso(d.at - 3_600_000) });
  await story.ledger.markLive(id, 'live', iso(story.clock.ms));
  await steps(story, runId, 2, [[`reload:${v}`, 'reload the app', 1_600], [`verify:${v}`, `verify ${v}`, 400]], d.failed);
  if (!d.failed) {
    await story.ledger.updateRelease(id, { verifiedAt: iso(story.clock.ms) });
    await story.ledger.markLive(id, 'verified');
    await story.ledger.updateRun(runId, { status: 'succeeded', finishedAt: pass(story, 5) });
    await audit(story, env, 'deploy.succeeded', 'success', { version: d.version }, runId);
    return { id, version: d.version, sha: d.sha };
  }
  const error = `${d.version} failed verification: health http://127.0.0.1:8080/health: status 503, expected 200 (20 attempts in 4.0s)`;
  await story.ledger.updateRelease(id, { status: 'failed', markedBadAt: iso(story.clock.ms) });
  const from = { id, version: d.version, sha: d.sha };
  if (previous) {
    await rollback(story, env, `rollback-${d.index}`, from, previous, 'deploy.verify_failed', `deploy of ${d.version} failed verification`);
  }
  await story.ledger.updateRun(runId, { status: 'failed', finishedAt: pass(story, 10), error });
  await audit(story, env, 'deploy.failed', 'failure', { version: d.version, error, rolled_back_to: previous?.version ?? null }, runId);
  return null;
}

/** A rollback from `from` to `to`, as `rollback --apply` carries it out: `to` live and verified again, `from` rolled back. */
export async function rollback(story: Story, env: string, runId: string, from: Good, to: Good, trigger: string, reason: string) {
  const at = pass(story, 20);
  // One in seven takes longer than usual (a slow reload): the SLA figures have something to count.
  const reloadMs = Number.parseInt(runId.replace(/\D/g, '') || '0', 10) % 7 === 0 ? 95_000 : 1_700;
  const list = [
    [`snapshot:${from.version}`, `capture diagnostics of ${from.version}`, 8],
    [`ensure:${to.version}`, `check ${to.version} is present`, 2],
    [`switch:${to.version}`, `switch to ${to.version}`, 4], [`reload:${to.version}`, 'reload the app', reloadMs],
    [`verify:${to.version}`, `verify ${to.version}`, 390], [`mark:${from.version}`, `mark ${from.version} rolled_back`, 2],
  ] as const;
  const plan = {
    kind: 'rollback', app: APP, env, driver: 'releases', createdAt: at, reason,
    from: { releaseId: from.id, version: from.version, sha: from.sha }, to: { releaseId: to.id, version: to.version, sha: to.sha },
    targetChosenBy: 'last_known_good', skipped: [], steps: list.map(([id, title]) => ({ id, kind: id.split(':')[0], title })),
    migrations: [], risks: [], riskLevel: 'low', approvalRequired: false, observedLive: from.version, missingOn: [], hosts: ['local'],
    scope: 'host',
  };
  await story.ledger.insertRun(newRun({ id: runId, env, kind: 'rollback', fromVersion: from.version, toVersion: to.version,
    fromReleaseId: from.id, toReleaseId: to.id, reason, trigger, plan, createdAt: at }));
  await audit(story, env, 'rollback.started', 'started', { from: from.version, to: to.version, reason }, runId);
  await steps(story, runId, 0, list.slice(0, 3));
  await story.ledger.markLive(to.id, 'live', iso(story.clock.ms));
  await steps(story, runId, 3, list.slice(3));
  await story.ledger.updateRelease(to.id, { verifiedAt: iso(story.clock.ms) });
  await story.ledger.markLive(to.id, 'verified');
  await story.ledger.updateRelease(from.id, { status: 'rolled_back', markedBadAt: iso(story.clock.ms) });
  await story.ledger.updateRun(runId, { status: 'succeeded', finishedAt: pass(story, 5) });
  await audit(story, env, 'rollback.succeeded', 'success',
    { from: from.version, to: to.version, live_after: to.version, sla_breached: reloadMs > 60_000, failed_notifications: [] }, runId);
}

/**
 * Ten minutes of `rewind watch` over the live release, a tick every 10 s. `breachTo`: tier 1 trips
 * after six minutes and the watch rolls back there (trigger watch:tier1); otherwise it passes.
 * Returns whether it rolled back.
 */
export async function watch(story: Story, env: string, index: number, live: Good, breachTo: Good | null): Promise<boolean> {
  const runId = `watch-${index}`;
  const startedAt = pass(story, 30_000);
  const plan: WatchPlan = {
    kind: 'watch', releaseId: live.id, version: live.version, sha: live.sha, startedAt, until: iso(story.clock.ms + 600_000),
    intervalMs: 10_000, segments: [], decision: null, recorded: [], childRunId: null,
  };
  await story.ledger.insertRun(newRun({ id: runId, env, kind: 'watch', fromVersion: live.version, toVersion: live.version,
    fromReleaseId: live.id, toReleaseId: live.id, reason: `watch ${live.version} for 10m`, trigger: 'manual', plan,
    createdAt: startedAt }));
  await audit(story, env, 'watch.started', 'started', { version: live.version, until: plan.until }, runId);
  const condition = 'error rate of http://127.0.0.1:8080/ above 0.05 for 1m';
  const green = { from: startedAt, ticks: breachTo ? 36 : 60, state: 'ok', tier: null, condition: null, reason: null } as const;
  if (!breachTo) {
    const done = { ...plan, segments: [{ ...green, to: pass(story, 600_000) }] };
    await audit(story, env, 'watch.passed', 'success', { version: live.version, ticks: 60, recorded: [] }, runId);
    await story.ledger.updateRun(runId, { status: 'succeeded', finishedAt: pass(story, 5), plan: done });
    return false;
  }
  const okUntil = pass(story, 360_000);
  const at = pass(story, 10_000);
  const reason = 'error rate of http://127.0.0.1:8080/ = 0.12 above 0.05 for 1m (held 1m)';
  const childRunId = `rollback-w${index}`;
  await story.ledger.updateRun(runId, { plan: {
    ...plan, segments: [{ ...green, to: okUntil }, { from: at, to: at, ticks: 1, state: 'breached', tier: 1, condition, reason }],
    decision: { tier: 1, action: 'rollback', condition, reason, at }, childRunId,
  } });
  await audit(story, env, 'watch.breached', 'failure', { tier: 1, condition, reason }, runId);
  await rollback(story, env, childRunId, live, breachTo, 'watch:tier1', `watch tier 1: ${reason}`);
  await story.ledger.updateRun(runId, { status: 'failed', finishedAt: pass(story, 5),
    error: `tier 1: ${reason}; rolled back to ${breachTo.version} (run ${childRunId})` });
  return true;
}
