/**
 * One sync of a Deployment (syncDeployment in pkg/controller/deployment): paused or scaling → sync only the sizes;
 * otherwise roll out, RollingUpdate (grow the new ReplicaSet within maxSurge, shrink old ones within
 * maxUnavailable) or Recreate (old ones to zero first, then the new one).
 */
import {
  ANNOTATIONS, byCreation, controlledBy, deploymentComplete, maxSurge, maxUnavailable, newReplicaSetReplicas, specReplicas,
  sumSpecReplicas, sumStatus,
} from './deploymentUtil.js';
import { cleanupOldReplicaSets, replicaSetsAndSyncRevision, scaleReplicaSet, type SyncContext } from './deploymentReplicaSets.js';
import { checkPausedConditions, syncDeploymentStatus, syncRolloutStatus } from './deploymentStatus.js';

type Obj = Record<string, any>;

const present = (sets: (Obj | undefined)[]): Obj[] => sets.filter((rs): rs is Obj => rs !== undefined);
const active = (sets: Obj[]): Obj[] => sets.filter((rs) => specReplicas(rs) > 0);

export function syncDeployment(ctx: SyncContext, sets: Obj[]): void {
  checkPausedConditions(ctx);
  if (ctx.d.spec.paused || isScalingEvent(ctx, sets)) return syncSizes(ctx, sets);
  if (ctx.d.spec.strategy?.type === 'Recreate') return rolloutRecreate(ctx, sets);
  return rolloutRolling(ctx, sets);
}

/** The Deployment's replicas changed since the active ReplicaSets were sized (their desired-replicas annotation). */
function isScalingEvent(ctx: SyncContext, sets: Obj[]): boolean {
  const { newRS, oldRSs } = replicaSetsAndSyncRevision(ctx, sets, false);
  if (!newRS) return false;
  return active([...oldRSs, newRS]).some((rs) => {
    const desired = rs.metadata.annotations?.[ANNOTATIONS.desiredReplicas];
    return desired !== undefined && Number(desired) !== ctx.d.spec.replicas;
  });
}

function syncSizes(ctx: SyncContext, sets: Obj[]): void {
  const { newRS, oldRSs } = replicaSetsAndSyncRevision(ctx, sets, false);
  scale(ctx, newRS, oldRSs);
  if (ctx.d.spec.paused) cleanupOldReplicaSets(ctx, oldRSs);
  syncDeploymentStatus(ctx, present([...oldRSs, newRS]), newRS);
}

/** scale: one active ReplicaSet takes the new size; several share it in proportion to their sizes. */
function scale(ctx: SyncContext, newRS: Obj | undefined, oldRSs: Obj[]): void {
  const desired = ctx.d.spec.replicas ?? 1;
  const running = active(present([newRS, ...oldRSs]));
  const latest = newRS ?? [...oldRSs].sort(byCreation).at(-1);
  const activeOrLatest = running.length === 1 ? running[0] : running.length === 0 ? latest : undefined;
  if (activeOrLatest) {
    scaleReplicaSet(ctx, activeOrLatest, desired, true);
    return;
  }
  if (newRS && specReplicas(newRS) === desired && (newRS.status?.availableReplicas ?? 0) === desired) {
    for (const rs of active(oldRSs)) scaleReplicaSet(ctx, rs, 0, true);
    return;
  }
  const allowed = desired > 0 ? desired + maxSurge(ctx.d) : 0;
  const total = sumSpecReplicas(running);
  const toAdd = allowed - total;
  // Growing favours the newest, shrinking takes from the oldest (ReplicaSetsBySizeNewer / BySizeOlder).
  const ordered = [...running].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  const sizes = ordered.map((rs) => {
    const share = total > 0 ? Math.trunc((toAdd * specReplicas(rs)) / total) : 0;
    added += share;
    return specReplicas(rs) + share;
  });
  if (sizes.length > 0) sizes[0] = Math.max(0, (sizes[0] ?? 0) + toAdd - added);
  ordered.forEach((rs, i) => scaleReplicaSet(ctx, rs, sizes[i] ?? 0, true));
}

function rolloutRolling(ctx: SyncContext, sets: Obj[]): void {
  const { newRS, oldRSs } = replicaSetsAndSyncRevision(ctx, sets, true);
  if (!newRS) return;
  const all = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(ctx, all, newRS)) return syncRolloutStatus(ctx, all, newRS);
  if (reconcileOldReplicaSets(ctx, all, active(oldRSs), newRS)) return syncRolloutStatus(ctx, all, newRS);
  if (deploymentComplete(ctx.d, ctx.d.status ?? {})) cleanupOldReplicaSets(ctx, oldRSs);
  syncRolloutStatus(ctx, all, newRS);
}

function reconcileNewReplicaSet(ctx: SyncContext, all: Obj[], newRS: Obj): boolean {
  const desired = ctx.d.spec.replicas ?? 1;
  if (specReplicas(newRS) === desired) return false;
  if (specReplicas(newRS) > desired) return scaleReplicaSet(ctx, newRS, desired);
  return scaleReplicaSet(ctx, newRS, newReplicaSetReplicas(ctx.d, all, newRS));
}

function reconcileOldReplicaSets(ctx: SyncContext, all: Obj[], oldActive: Obj[], newRS: Obj): boolean {
  if (sumSpecReplicas(oldActive) === 0) return false;
  const minAvailable = (ctx.d.spec.replicas ?? 1) - maxUnavailable(ctx.d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpecReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // First the old pods that are not available anyway (cleanupUnhealthyReplicas), then available ones down to minAvailable.
  let cleaned = 0;
  for (const rs of [...oldActive].sort(byCreation)) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (specReplicas(rs) === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    scaleReplicaSet(ctx, rs, specReplicas(rs) - down);
    cleaned += down;
  }
  const available = sumStatus(all, 'availableReplicas');
  let scaledDown = 0;
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of [...oldActive].sort(byCreation)) {
      if (scaledDown >= total) break;
      if (specReplicas(rs) === 0) continue;
      const down = Math.min(specReplicas(rs), total - scaledDown);
      scaleReplicaSet(ctx, rs, specReplicas(rs) - down);
      scaledDown += down;
    }
  }
  return cleaned + scaledDown > 0;
}

function rolloutRecreate(ctx: SyncContext, sets: Obj[]): void {
  let { newRS, oldRSs } = replicaSetsAndSyncRevision(ctx, sets, false);
  let scaledDown = false;
  for (const rs of active(oldRSs)) scaledDown = scaleReplicaSet(ctx, rs, 0) || scaledDown;
  const pods = ctx.store.list('pods', ctx.d.metadata.namespace);
  const oldPodsRunning = oldRSs.some((rs) => pods.some((pod) => controlledBy(pod, rs.metadata.uid)));
  if (scaledDown || oldPodsRunning) return syncRolloutStatus(ctx, present([...oldRSs, newRS]), newRS);
  if (!newRS) ({ newRS, oldRSs } = replicaSetsAndSyncRevision(ctx, sets, true));
  if (!newRS) return;
  scaleReplicaSet(ctx, newRS, ctx.d.spec.replicas ?? 1);
  if (deploymentComplete(ctx.d, ctx.d.status ?? {})) cleanupOldReplicaSets(ctx, oldRSs);
  syncRolloutStatus(ctx, [...oldRSs, newRS], newRS);
}
