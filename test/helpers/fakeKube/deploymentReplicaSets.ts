/**
 * A Deployment's ReplicaSets, as the real controller keeps them (pkg/controller/deployment/sync.go): finding the new
 * one by template, creating it with revision max+1 (or giving an existing one that revision, which is how a rollback
 * reuses its old ReplicaSet), scaling them, and deleting old ones beyond revisionHistoryLimit.
 */
import type { ControllerClock } from './conditions.js';
import { REASONS, getCondition, setCondition } from './conditions.js';
import {
  ANNOTATIONS, byCreation, hasProgressDeadline, maxRevision, maxSurge, newReplicaSetReplicas, revisionOf,
  setNewReplicaSetAnnotations, setReplicasAnnotations,
} from './deploymentUtil.js';
import { ApiError } from './status.js';
import type { ObjectStore } from './store.js';
import { HASH_LABEL, podTemplateHash, sameTemplate } from './templateHash.js';

type Obj = Record<string, any>;

export interface SyncContext {
  store: ObjectStore;
  clock: ControllerClock;
  /** The Deployment being synced, replaced by what the store returns after each write. */
  d: Obj;
}

export function writeDeploymentStatus(ctx: SyncContext): void {
  ctx.d = ctx.store.update('deployments', ctx.d, 'controller');
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's, ignoring the hash label. */
export function findNewReplicaSet(d: Obj, sets: Obj[]): Obj | undefined {
  return [...sets].sort(byCreation).find((rs) => sameTemplate(rs.spec?.template, d.spec.template));
}

/** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (made if asked and missing) and all the others. */
export function replicaSetsAndSyncRevision(ctx: SyncContext, sets: Obj[], createIfMissing: boolean): { newRS?: Obj; oldRSs: Obj[] } {
  const existing = findNewReplicaSet(ctx.d, sets);
  const oldRSs = sets.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) return { newRS: syncExistingRevision(ctx, existing, newRevision), oldRSs };
  if (!createIfMissing) return { oldRSs };
  return { newRS: createNewReplicaSet(ctx, oldRSs, newRevision), oldRSs };
}

function syncExistingRevision(ctx: SyncContext, rs: Obj, newRevision: number): Obj {
  const copy = structuredClone(rs);
  const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== (ctx.d.spec.minReadySeconds ?? 0);
  if (setNewReplicaSetAnnotations(ctx.d, copy, newRevision, true) || minReadyChanged) {
    copy.spec.minReadySeconds = ctx.d.spec.minReadySeconds ?? 0;
    // The Deployment's own revision annotation follows on the next sync, as in the real controller.
    return Object.assign(rs, ctx.store.update('replicasets', copy, 'controller'));
  }
  let changed = setDeploymentRevision(ctx.d, rs.metadata.annotations?.[ANNOTATIONS.revision]);
  if (hasProgressDeadline(ctx.d) && !getCondition(ctx.d.status, 'Progressing')) {
    const message = `Found new replica set "${rs.metadata.name}"`;
    setCondition((ctx.d.status ??= {}), ctx.clock.condition(ctx.d.metadata.uid, 'Progressing', 'True', REASONS.foundNewRS, message));
    changed = true;
  }
  if (changed) writeDeploymentStatus(ctx);
  return rs;
}

function createNewReplicaSet(ctx: SyncContext, oldRSs: Obj[], newRevision: number): Obj | undefined {
  const { d } = ctx;
  const hash = podTemplateHash(d.spec.template, d.status?.collisionCount ?? 0);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [HASH_LABEL]: hash };
  const rs: Obj = {
    metadata: {
      name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: template.metadata.labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true,
        blockOwnerDeletion: true }],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  rs.spec.replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  let created: Obj;
  try {
    created = ctx.store.create('replicasets', rs);
  } catch (error) {
    if (!(error instanceof ApiError) || error.reason !== 'AlreadyExists') throw error;
    const other = ctx.store.get('replicasets', d.metadata.namespace, rs.metadata.name);
    if (other && sameTemplate(other.spec.template, d.spec.template)) return other;
    // A hash collision: the next hash is made with collisionCount + 1 (the documented way out).
    ctx.d.status = { ...ctx.d.status, collisionCount: (ctx.d.status?.collisionCount ?? 0) + 1 };
    writeDeploymentStatus(ctx);
    return undefined;
  }
  setDeploymentRevision(ctx.d, String(newRevision));
  if (hasProgressDeadline(ctx.d)) {
    const message = `Created new replica set "${created.metadata.name}"`;
    setCondition((ctx.d.status ??= {}), ctx.clock.condition(d.metadata.uid, 'Progressing', 'True', REASONS.newRSCreated, message));
  }
  writeDeploymentStatus(ctx);
  return created;
}

function setDeploymentRevision(d: Obj, revision: string | undefined): boolean {
  if (revision === undefined) return false;
  const annotations: Record<string, string> = (d.metadata.annotations ??= {});
  if (annotations[ANNOTATIONS.revision] === revision) return false;
  annotations[ANNOTATIONS.revision] = revision;
  return true;
}

/**
 * scaleReplicaSet: spec.replicas and the desired/max-replicas annotations, the object updated in place. Without
 * `evenIfSameSize` (scaleReplicaSetAndRecordEvent) nothing is written when the size stays; true when it changed.
 */
export function scaleReplicaSet(ctx: SyncContext, rs: Obj, replicas: number, evenIfSameSize = false): boolean {
  const sizeChanges = (rs.spec.replicas ?? 0) !== replicas;
  if (!sizeChanges && !evenIfSameSize) return false;
  const copy = structuredClone(rs);
  copy.spec.replicas = replicas;
  const annotationsChange = setReplicasAnnotations(copy, ctx.d.spec.replicas, ctx.d.spec.replicas + maxSurge(ctx.d));
  if (sizeChanges || annotationsChange) Object.assign(rs, ctx.store.update('replicasets', copy, 'controller'));
  return sizeChanges;
}

/** cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit, lowest revision first, only those scaled to zero. */
export function cleanupOldReplicaSets(ctx: SyncContext, oldRSs: Obj[]): void {
  const limit = ctx.d.spec.revisionHistoryLimit;
  if (typeof limit !== 'number') return;
  const diff = oldRSs.length - limit;
  if (diff <= 0) return;
  const byRevision = [...oldRSs].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of byRevision.slice(0, diff)) {
    const busy = (rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0 ||
      (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
    if (!busy) ctx.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
  }
}
