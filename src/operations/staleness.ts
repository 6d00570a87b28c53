/**
 * One staleness rule for every way a saved run is carried out: `--run`,
 * `--plan`, `approve --apply` and `resume`. Just before its first write, a
 * run checks that the ledger and what the targets run are still what it was
 * made from (a plan never started) or what its last finished step left (a
 * run that stopped). If not, finishing it would act on a world it never saw:
 * it is refused, and nothing is changed.
 */
import { RewindError } from '../core/errors.js';
import { SWITCHING_KINDS, type DeployPlan, type PlanStep, type RollbackPlan } from '../core/plan.js';
import type { Release } from '../core/release.js';
import type { Run, StepRecord } from '../core/run.js';
import { runProgress } from '../core/runProgress.js';
import type { EnvDeps } from './deps.js';
import { planMigrations } from './migrationSteps.js';
import { basisNow, ledgerDigest, planBasis } from './planBasis.js';
import { childOf, parentOf, stepsOfRun } from './unsettledRuns.js';
import { observeFleet, onHosts } from './targets.js';

/** Why a rollback plan that never started is stale, or undefined when it still holds. */
export async function planChanges(deps: EnvDeps, plan: RollbackPlan): Promise<string | undefined> {
  const releases = await basisNow(deps, plan.from.releaseId, plan.to.releaseId);
  if (ledgerDigest(planBasis(releases, plan.from.releaseId, plan.to.releaseId)) !== plan.ledgerDigest) {
    return `the ledger changed since it was made (${ledgerChange(releases, plan)})`;
  }
  const observed = (await observeFleet(deps.targets, deps.fleet.concurrency)).version;
  if (observed !== plan.observedLive) {
    return `the target now runs ${observed ?? 'nothing'}; the plan was made when it ran ${plan.observedLive ?? 'nothing'}`;
  }
  // Someone may have run a migration by hand since: the plan would leave it applied under the old code.
  const plannedIds = (plan.migrations ?? []).map((m) => m.id);
  const now = (await planMigrations(deps, releases, plan.from, plan.to)).map((m) => m.id);
  if (plannedIds.join(',') !== now.join(',')) {
    return `the migrations to revert changed since it was made: it reverts ${plannedIds.join(', ') || 'none'}, ` +
      `now ${now.join(', ') || 'none'} would be`;
  }
  return undefined;
}

/**
 * Refuse to carry out `run` when the world moved since it was made or since
 * it stopped. `journal` is the run's own; a deploy and its automatic rollback
 * are judged together (what one did is not a change for the other).
 */
export async function refuseIfStale(
  deps: EnvDeps,
  run: Run,
  planSteps: readonly PlanStep[],
  journal: readonly StepRecord[],
): Promise<void> {
  const why = journal.length === 0 && run.kind === 'rollback'
    ? await planChanges(deps, run.plan as RollbackPlan)
    : await changesSinceStopped(deps, run, planSteps, journal);
  if (why === undefined) return;
  const never = journal.length === 0 && run.kind === 'rollback';
  throw new RewindError(
    'PLAN_STALE',
    never
      ? `plan ${run.id} is stale: ${why}; nothing was changed: make a new one with \`rewind rollback\``
      : `run ${run.id} is stale: ${why}; nothing was changed: give it up with \`rewind abandon ${run.id} --reason "..."\` ` +
        'and start a new run',
    { runId: run.id },
  );
}

async function changesSinceStopped(
  deps: EnvDeps,
  run: Run,
  planSteps: readonly PlanStep[],
  journal: readonly StepRecord[],
): Promise<string | undefined> {
  const runs = await deps.ledger.listRuns({ app: deps.app, env: deps.envName });
  const family = [run, parentOf(run, runs), childOf(run, runs)].filter((r): r is Run => r !== undefined);
  const journals = await Promise.all(family.map((r) => (r.id === run.id ? journal : deps.ledger.listSteps(r.id))));
  const stoppedAt = latest([...family.map((r) => r.startedAt ?? r.createdAt), ...journals.flat().map((s) => s.finishedAt ?? s.startedAt)]);
  const since = `since it stopped at ${stoppedAt}`;
  const ids = new Set(family.map((r) => r.id));
  const other = runs.find((r) =>
    !ids.has(r.id) && r.kind !== 'drill' && r.kind !== 'watch' && !['planned', 'awaiting_approval', 'cancelled'].includes(r.status) &&
    (r.startedAt ?? r.createdAt) > stoppedAt);
  if (other) return `${since}, ${other.kind} ${other.id} ${describeRun(other)} ran (${other.status})`;
  // The latest activation tells whether any release became live since (an indexed query, not a scan).
  const activated = await deps.ledger.liveRelease({ app: deps.app, env: deps.envName });
  // The family's own switch may have made its target live after its last journal entry (killed between the two writes).
  const ownSwitch = activated !== undefined && family.some((r, i) => r.toReleaseId === activated.id &&
    (journals[i] ?? []).some((s) => s.stepId?.startsWith('switch:') === true || s.name.startsWith('switch to ')));
  if (activated?.activatedAt && activated.activatedAt > stoppedAt && !ownSwitch) {
    const how = activated.source === 'rewind' ? 'deployed' : `recorded from ${activated.source}`;
    return `${since}, ${activated.version} became live (${how})`;
  }
  // What the targets should run is what the family's newest run left there (a deploy's rollback switches back).
  const newest = family.reduce((a, b) => ((b.startedAt ?? b.createdAt) > (a.startedAt ?? a.createdAt) ? b : a));
  const moved = newest.id === run.id
    ? await movedHosts(deps, run, planSteps, journal)
    : await movedHosts(deps, newest, stepsOfRun(deps, newest), journals[family.indexOf(newest)] ?? []);
  return moved.length > 0 ? `${since}, ${moved.join(', ')}` : undefined;
}

/** Hosts whose `current` is not what the run's finished steps left there (hosts that cannot be asked are not judged here). */
async function movedHosts(deps: EnvDeps, run: Run, planSteps: readonly PlanStep[], journal: readonly StepRecord[]): Promise<string[]> {
  const before = run.kind === 'deploy' ? (run.plan as DeployPlan).observedBefore : undefined;
  const common = run.kind === 'rollback' ? (run.plan as RollbackPlan).observedLive : undefined;
  const switched = switchedVersions(planSteps, journal);
  const midSwitch = switchStoppedIn(planSteps, journal);
  const seen = await onHosts(deps.targets, deps.fleet.concurrency, (t) => t.driver.inspect());
  return seen.flatMap((outcome) => {
    const expected = switched.get(outcome.host) ?? switched.get('*') ?? before?.[outcome.host] ?? common;
    if (!outcome.ok || expected === undefined || expected === null) return [];
    const now = outcome.value?.version ?? null;
    if (now === expected) return [];
    // Killed inside its switch, a host may be on either side of it, or between (a container set aside, the next not yet started).
    const inFlight = midSwitch && (midSwitch.hosts ?? [outcome.host]).includes(outcome.host);
    if (inFlight && (now === midSwitch.version || now === null)) return [];
    const label = deps.targets.length > 1 ? `${outcome.host} now runs` : `the target now runs`;
    return [`${label} ${now ?? 'nothing'}, but the run left it on ${expected}`];
  });
}

/** Per host (`*`: every host), the version the run's last finished switch left there. */
function switchedVersions(planSteps: readonly PlanStep[], journal: readonly StepRecord[]): Map<string, string> {
  const left = new Map<string, string>();
  for (const step of runProgress(planSteps, journal).done) {
    if (SWITCHING_KINDS.includes(step.kind)) for (const host of step.hosts ?? ['*']) left.set(host, step.version);
  }
  return left;
}

/** The switch step the run was in when it stopped, if it stopped in one. */
function switchStoppedIn(planSteps: readonly PlanStep[], journal: readonly StepRecord[]): PlanStep | undefined {
  const stoppedIn = runProgress(planSteps, journal).stoppedIn;
  return stoppedIn && SWITCHING_KINDS.includes(stoppedIn.kind) ? stoppedIn : undefined;
}

function describeRun(run: Run): string {
  return run.kind === 'deploy' ? `of ${run.toVersion ?? '?'}` : `from ${run.fromVersion ?? '?'} to ${run.toVersion ?? '?'}`;
}

/** What changed, from the releases the plan is judged by now (its basis and the newest few). */
function ledgerChange(releases: readonly Release[], plan: RollbackPlan): string {
  const newest = releases[0];
  const at = plan.createdAt;
  const since = releases.find((r) => r.deployedAt > at || (r.activatedAt ?? '') > at);
  if (since) return `${since.version} was ${since.source === 'rewind' ? 'deployed' : 'recorded'} since, now ${since.status}`;
  return newest ? `a release's status changed; newest is ${newest.version} (${newest.status})` : 'its releases are gone';
}

function latest(times: readonly (string | null)[]): string {
  return times.filter((t): t is string => t !== null).sort().at(-1) ?? '';
}
