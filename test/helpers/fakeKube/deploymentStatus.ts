/**
 * A Deployment's status from its ReplicaSets (calculateStatus), its Progressing condition (syncRolloutStatus,
 * including ProgressDeadlineExceeded) and the paused/resumed conditions (checkPausedConditions).
 * Zero counts are left out of the status, as Go's encoder leaves them out (omitempty).
 */
import { REASONS, getCondition, removeCondition, setCondition, type Condition } from './conditions.js';
import {
  deploymentComplete, deploymentProgressing, hasProgressDeadline, maxUnavailable, sumSpecReplicas, sumStatus,
} from './deploymentUtil.js';
import { writeDeploymentStatus, type SyncContext } from './deploymentReplicaSets.js';
import { isDeepStrictEqual } from 'node:util';

type Obj = Record<string, any>;

function calculateStatus(ctx: SyncContext, all: Obj[], newRS: Obj | undefined): Obj {
  const { d } = ctx;
  const available = sumStatus(all, 'availableReplicas');
  const counts: Record<string, number> = {
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: sumStatus(newRS ? [newRS] : [], 'replicas'),
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpecReplicas(all) - available),
  };
  const status: Obj = { observedGeneration: d.metadata.generation };
  for (const [field, value] of Object.entries(counts)) if (value !== 0) status[field] = value;
  status.conditions = structuredClone(d.status?.conditions ?? []);
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const [state, reason, message] = available >= (d.spec.replicas ?? 1) - maxUnavailable(d)
    ? ['True', REASONS.minimumAvailable, 'Deployment has minimum availability.'] as const
    : ['False', REASONS.minimumUnavailable, 'Deployment does not have minimum availability.'] as const;
  // Made only when it changes, so that the clock is not asked for a stamp on every tick.
  const current = getCondition(status, 'Available');
  if (current?.status !== state || current.reason !== reason) {
    setCondition(status, ctx.clock.condition(d.metadata.uid, 'Available', state, reason, message));
  }
  return status;
}

function write(ctx: SyncContext, status: Obj): void {
  if (isDeepStrictEqual(ctx.d.status ?? {}, status)) return;
  ctx.d.status = status;
  writeDeploymentStatus(ctx);
}

/** syncDeploymentStatus: the counts, when nothing is rolling out (paused, or a scaling event). */
export function syncDeploymentStatus(ctx: SyncContext, all: Obj[], newRS: Obj | undefined): void {
  write(ctx, calculateStatus(ctx, all, newRS));
}

function timedOut(ctx: SyncContext, status: Obj): boolean {
  const condition = getCondition(status, 'Progressing');
  if (!hasProgressDeadline(ctx.d) || !condition || condition.reason === REASONS.newRSAvailable) return false;
  if (condition.reason === REASONS.timedOut) return true;
  const deadline = ctx.clock.updatedAt(ctx.d.metadata.uid, condition) + ctx.d.spec.progressDeadlineSeconds * ctx.clock.msPerSecond();
  return deadline < ctx.clock.now();
}

/** syncRolloutStatus: the counts and the Progressing condition of a rollout under way. */
export function syncRolloutStatus(ctx: SyncContext, all: Obj[], newRS: Obj | undefined): void {
  const { d } = ctx;
  const status = calculateStatus(ctx, all, newRS);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === REASONS.newRSAvailable;
  const name = newRS?.metadata.name ?? '';
  const uid = d.metadata.uid;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      const message = `ReplicaSet "${name}" has successfully progressed.`;
      setCondition(status, ctx.clock.condition(uid, 'Progressing', 'True', REASONS.newRSAvailable, message));
    } else if (deploymentProgressing(d, status)) {
      // Progress moves lastUpdateTime even when the reason stays; lastTransitionTime stays while the status is True.
      const message = `ReplicaSet "${name}" is progressing.`;
      const condition: Condition = ctx.clock.condition(uid, 'Progressing', 'True', REASONS.rsUpdated, message);
      if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, condition);
    } else if (timedOut(ctx, status)) {
      const message = `ReplicaSet "${name}" has timed out progressing.`;
      setCondition(status, ctx.clock.condition(uid, 'Progressing', 'False', REASONS.timedOut, message));
    }
  }
  write(ctx, status);
}

/** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed, unless it already timed out. */
export function checkPausedConditions(ctx: SyncContext): void {
  const { d } = ctx;
  if (!hasProgressDeadline(d)) return;
  const current = getCondition(d.status, 'Progressing');
  if (current?.reason === REASONS.timedOut) return;
  const pausedShown = current?.reason === REASONS.paused;
  let condition: Condition | undefined;
  if (d.spec.paused && !pausedShown) {
    condition = ctx.clock.condition(d.metadata.uid, 'Progressing', 'Unknown', REASONS.paused, 'Deployment is paused');
  } else if (!d.spec.paused && pausedShown) {
    condition = ctx.clock.condition(d.metadata.uid, 'Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed');
  }
  if (!condition) return;
  setCondition((d.status ??= {}), condition);
  writeDeploymentStatus(ctx);
}
