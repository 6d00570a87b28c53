/**
 * The arithmetic of kubernetes/pkg/controller/deployment/util: revisions, maxSurge and maxUnavailable, replica
 * counts, the annotations a Deployment hands its ReplicaSets, and when a rollout is complete or progressing.
 */
type Obj = Record<string, any>;

export const ANNOTATIONS = {
  revision: 'deployment.kubernetes.io/revision',
  revisionHistory: 'deployment.kubernetes.io/revision-history',
  desiredReplicas: 'deployment.kubernetes.io/desired-replicas',
  maxReplicas: 'deployment.kubernetes.io/max-replicas',
  changeCause: 'kubernetes.io/change-cause',
} as const;

/** Never copied from a Deployment to its ReplicaSets (skipCopyAnnotation). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', ANNOTATIONS.revision, ANNOTATIONS.revisionHistory,
  ANNOTATIONS.desiredReplicas, ANNOTATIONS.maxReplicas, 'deprecated.deployment.rollback.to',
]);
const REVISION_HISTORY_CHARS = 2000;

export function revisionOf(rs: Obj): number {
  const value = Number.parseInt(rs.metadata?.annotations?.[ANNOTATIONS.revision] ?? '', 10);
  return Number.isNaN(value) ? 0 : value;
}

export function maxRevision(replicaSets: Obj[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

const specReplicas = (rs: Obj | undefined): number => rs?.spec?.replicas ?? 0;
export const sumSpecReplicas = (sets: Obj[]): number => sets.reduce((n, rs) => n + specReplicas(rs), 0);
export const sumStatus = (sets: Obj[], field: string): number => sets.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
export { specReplicas };

function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const text = String(value ?? '0');
  if (!text.endsWith('%')) return Number.parseInt(text, 10) || 0;
  const exact = (Number.parseInt(text, 10) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable down, and they are never both zero. */
export function fenceposts(d: Obj): { surge: number; unavailable: number } {
  const rolling = d.spec?.strategy?.rollingUpdate ?? {};
  const desired = d.spec?.replicas ?? 1;
  const surge = scaledValue(rolling.maxSurge ?? '25%', desired, true);
  const unavailable = scaledValue(rolling.maxUnavailable ?? '25%', desired, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

const isRolling = (d: Obj): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

export function maxSurge(d: Obj): number {
  return isRolling(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: Obj): number {
  const desired = d.spec?.replicas ?? 1;
  if (!isRolling(d) || desired === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desired);
}

/** NewRSNewReplicas: how far the new ReplicaSet may grow now, within replicas + maxSurge. */
export function newReplicaSetReplicas(d: Obj, all: Obj[], newRS: Obj): number {
  const desired = d.spec.replicas ?? 1;
  if (!isRolling(d)) return desired;
  const maxTotal = desired + maxSurge(d);
  const current = sumSpecReplicas(all);
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, desired - specReplicas(newRS));
}

/** copyDeploymentAnnotationsToReplicaSet, then the revision and its history (SetNewReplicaSetAnnotations). */
export function setNewReplicaSetAnnotations(d: Obj, rs: Obj, newRevision: number, exists: boolean): boolean {
  const annotations: Record<string, string> = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries<string>(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const oldText = annotations[ANNOTATIONS.revision];
  const old = oldText === undefined ? 0 : Number.parseInt(oldText, 10);
  if (Number.isNaN(old)) return false;
  if (old < newRevision) {
    annotations[ANNOTATIONS.revision] = String(newRevision);
    changed = true;
    // Rolling back to this ReplicaSet: its earlier revisions are kept, for history.
    if (oldText !== undefined) {
      const history = (annotations[ANNOTATIONS.revisionHistory] ?? '').split(',').filter((r) => r !== '');
      history.push(oldText);
      while (history.join(',').length > REVISION_HISTORY_CHARS) history.shift();
      annotations[ANNOTATIONS.revisionHistory] = history.join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, d.spec.replicas, d.spec.replicas + maxSurge(d))) changed = true;
  return changed;
}

export function setReplicasAnnotations(rs: Obj, desired: number, max: number): boolean {
  const annotations: Record<string, string> = (rs.metadata.annotations ??= {});
  if (annotations[ANNOTATIONS.desiredReplicas] === String(desired) && annotations[ANNOTATIONS.maxReplicas] === String(max)) return false;
  annotations[ANNOTATIONS.desiredReplicas] = String(desired);
  annotations[ANNOTATIONS.maxReplicas] = String(max);
  return true;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: Obj, status: Obj): boolean {
  const desired = d.spec.replicas ?? 1;
  return (status.updatedReplicas ?? 0) === desired && (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than the last recorded status. */
export function deploymentProgressing(d: Obj, next: Obj): boolean {
  const old = d.status ?? {};
  const n = (s: Obj, f: string): number => s[f] ?? 0;
  return n(next, 'updatedReplicas') > n(old, 'updatedReplicas') ||
    n(next, 'replicas') - n(next, 'updatedReplicas') < n(old, 'replicas') - n(old, 'updatedReplicas') ||
    n(next, 'readyReplicas') > n(old, 'readyReplicas') || n(next, 'availableReplicas') > n(old, 'availableReplicas');
}

export function hasProgressDeadline(d: Obj): boolean {
  const seconds = d.spec.progressDeadlineSeconds;
  return typeof seconds === 'number' && seconds !== 2147483647;
}

/** Owned through a controller ownerReference by the object with this uid. */
export function controlledBy(object: Obj, uid: string): boolean {
  return (object.metadata?.ownerReferences ?? []).some((ref: Obj) => ref.controller === true && ref.uid === uid);
}

export function byCreation(a: Obj, b: Obj): number {
  const at = (o: Obj): string => o.metadata.creationTimestamp ?? '';
  return at(a).localeCompare(at(b)) || String(a.metadata.name).localeCompare(String(b.metadata.name));
}
