/**
 * Runs that stopped without finishing hold their environment until someone
 * decides: a new deploy or rollback planned over a half-done one would take
 * the half-done state for the truth (a target switched but not reloaded
 * looks live) and judge the wrong release. A run is unsettled when it is
 * paused, or `running` while no live process holds the lock for it (or for
 * its family: a deploy and its automatic rollback).
 */
import { RewindError } from '../core/errors.js';
import { isStale, lockKey, type LockHolder } from '../core/lock.js';
import { describeProgress, runProgress, type RunProgress } from '../core/runProgress.js';
import type { DeployPlan, PlanStep, RollbackPlan } from '../core/plan.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';
import { deployStepsOf, rollbackStepsOf } from './planSteps.js';

export interface UnsettledRun {
  run: Run;
  /** `interrupted`: its process died or lost the ledger; `paused`: it waits for an operator. */
  state: 'interrupted' | 'paused';
  progress: RunProgress;
  /** A deploy's automatic rollback that did not finish either. */
  child?: UnsettledRun;
}

type Deps = Pick<EnvDeps, 'ledger' | 'app' | 'envName' | 'clock' | 'self' | 'targets' | 'fleet' | 'env' | 'migrations'>;

/** A rollback a deploy started when it failed, or a watch when a tier-1 condition held: it rolls back that run's release. */
export function isChildOf(child: Run, parent: Run): boolean {
  const started = (parent.kind === 'deploy' && child.trigger === 'deploy.verify_failed') ||
    (parent.kind === 'watch' && child.trigger.startsWith('watch:'));
  return started && child.kind === 'rollback' && child.fromReleaseId !== null && child.fromReleaseId === parent.toReleaseId;
}

export function parentOf(run: Run, runs: readonly Run[]): Run | undefined {
  return runs.find((other) => isChildOf(run, other));
}

export function childOf(run: Run, runs: readonly Run[]): Run | undefined {
  return runs.find((other) => isChildOf(other, run));
}

/**
 * The runs that may be `run`'s parent or child, by two indexed queries (not every run of the
 * environment): the runs to the release it leaves, and those from the release it makes, each newest
 * first. isChildOf decides: parentOf and childOf over this list find what they find over all runs.
 */
export async function familyOf(deps: Pick<Deps, 'ledger' | 'app' | 'envName'>, run: Run): Promise<Run[]> {
  const scope = { app: deps.app, env: deps.envName };
  const [parents, children] = await Promise.all([
    run.fromReleaseId === null ? [] : deps.ledger.listRuns({ ...scope, toReleaseId: run.fromReleaseId }),
    run.toReleaseId === null ? [] : deps.ledger.listRuns({ ...scope, fromReleaseId: run.toReleaseId }),
  ]);
  return [...parents, ...children];
}

/** Is a live process carrying this run out: it, or its family, holds an unexpired lock? */
export function isCarriedOut(run: Run, runs: readonly Run[], lock: LockHolder | undefined, deps: Pick<Deps, 'self' | 'clock'>): boolean {
  if (!lock || isStale(lock, { host: deps.self.host, now: deps.clock.now(), isAlive: deps.self.isAlive })) return false;
  const family = [run, parentOf(run, runs), childOf(run, runs)].filter((r): r is Run => r !== undefined);
  return family.some((r) => r.id === lock.runId);
}

/** The unsettled runs of the environment, a deploy and its automatic rollback as one; drills never count. */
export async function unsettledRuns(deps: Deps, except: readonly string[] = []): Promise<UnsettledRun[]> {
  // Only a running or paused run can hold the environment: an indexed query, whatever the ledger's age.
  const [holding, lock] = await Promise.all([
    deps.ledger.listRuns({ app: deps.app, env: deps.envName, statuses: ['running', 'paused'] }),
    deps.ledger.getLock(lockKey(deps.app, deps.envName)),
  ]);
  const families = new Map<string, Promise<Run[]>>();
  const kin = (run: Run): Promise<Run[]> => {
    if (!families.has(run.id)) families.set(run.id, familyOf(deps, run));
    return families.get(run.id) as Promise<Run[]>;
  };
  const stateOf = async (run: Run): Promise<UnsettledRun['state'] | undefined> => {
    if (run.kind === 'drill' || except.includes(run.id)) return undefined;
    if (run.status === 'paused') return 'paused';
    return run.status === 'running' && !isCarriedOut(run, await kin(run), lock, deps) ? 'interrupted' : undefined;
  };
  const describe = async (run: Run, state: UnsettledRun['state']): Promise<UnsettledRun> => ({
    run, state, progress: runProgress(stepsOfRun(deps, run), await deps.ledger.listSteps(run.id)),
  });
  const found: UnsettledRun[] = [];
  for (const run of holding) {
    const state = await stateOf(run);
    if (!state) continue;
    const parent = parentOf(run, await kin(run));
    if (parent && (await stateOf(parent))) continue; // told as part of its parent
    const entry = await describe(run, state);
    const child = childOf(run, await kin(run));
    const childState = child && (await stateOf(child));
    found.push(child && childState ? { ...entry, child: await describe(child, childState) } : entry);
  }
  return found;
}

/**
 * A new deploy or rollback stops here, before planning, while another run holds the environment.
 * A rollback is what a watch paused by a tier-2 breach waits for: `rollingBack` lets it through.
 */
export async function refuseIfUnsettled(
  deps: Deps,
  except: readonly string[] = [],
  options: { rollingBack?: boolean } = {},
): Promise<void> {
  const found = await unsettledRuns(deps, except);
  const holding = options.rollingBack ? found.filter((u) => !(u.run.kind === 'watch' && u.state === 'paused')) : found;
  const [first, ...others] = holding;
  if (!first) return;
  if (first.run.kind === 'watch' && first.state === 'paused') {
    const waiting = first.run.error ?? 'it waits for a decision';
    throw new RewindError('WATCH_ESCALATED', `${deps.envName} is held by watch ${first.run.id}: ${waiting}`, { runId: first.run.id });
  }
  const more = others.length > 0 ? ` (and ${others.length} more: ${others.map((o) => o.run.id).join(', ')})` : '';
  throw new RewindError(
    'INTERRUPTED_RUN',
    `${deps.envName} is held by ${describeUnsettled(first)}${more}; continue it with \`rewind resume ${first.run.id}\`, ` +
      `or give it up with \`rewind abandon ${first.run.id} --reason "..."\` (the target is left as it is)`,
    { runId: first.run.id, state: first.state, child: first.child?.run.id ?? null },
  );
}

export function describeUnsettled(entry: UnsettledRun): string {
  const { run } = entry;
  const what = run.kind === 'deploy'
    ? `deploy ${run.id} of ${run.toVersion ?? '?'}`
    : run.kind === 'watch'
      ? `watch ${run.id} of ${run.fromVersion ?? '?'}`
      : `rollback ${run.id} from ${run.fromVersion ?? '?'} to ${run.toVersion ?? '?'}`;
  const since = `started by ${run.requestedBy} at ${run.startedAt ?? run.createdAt}`;
  const child = entry.child
    ? `; its automatic rollback ${entry.child.run.id} to ${entry.child.run.toVersion ?? '?'} is ${entry.child.state} too ` +
      `(${describeProgress(entry.child.progress)})`
    : '';
  return `${entry.state === 'paused' ? 'a paused' : 'an interrupted'} ${what} (${since}; ${describeProgress(entry.progress)}${child})`;
}

export function stepsOfRun(deps: Pick<Deps, 'targets' | 'fleet' | 'env' | 'migrations'>, run: Run): PlanStep[] {
  if (run.kind === 'deploy') return deployStepsOf(deps, run.plan as DeployPlan);
  // A watch has no steps: its ticks are kept in its plan (core/watch/watchPlan).
  if (run.kind === 'watch') return [];
  return rollbackStepsOf(deps, run.plan as RollbackPlan);
}
