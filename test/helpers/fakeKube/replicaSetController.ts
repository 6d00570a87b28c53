/**
 * The ReplicaSet controller: as many Pods as spec.replicas, owned through a controller ownerReference, named
 * `<replicaset>-<5 chars>`, with the template's labels; extra pods go not-ready first, then the newest. Status counts
 * replicas, ready ones, and available ones (ready for minReadySeconds).
 */
import type { ControllerClock } from './conditions.js';
import { controlledBy } from './deploymentUtil.js';
import { randomSuffix, type ObjectStore } from './store.js';

type Obj = Record<string, any>;

function isReady(pod: Obj): boolean {
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

function isAvailable(pod: Obj, minReadySeconds: number, clock: ControllerClock): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const readySince = (pod.status.conditions as Obj[]).find((c) => c.type === 'Ready')?.lastTransitionTime ?? '';
  const since = clock.when(`${pod.metadata.uid}/Ready`, readySince);
  return since + minReadySeconds * clock.msPerSecond() <= clock.now();
}

/** Deletion order (ActivePodsWithRanks, simplified): pending before running, not ready before ready, newest first. */
function deletionRank(a: Obj, b: Obj): number {
  const rank = (p: Obj): number => (p.status?.phase === 'Running' ? 2 : 0) + (isReady(p) ? 1 : 0);
  return rank(a) - rank(b) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp));
}

function newPod(rs: Obj): Obj {
  const template = rs.spec.template ?? {};
  return {
    metadata: {
      name: `${rs.metadata.name}-${randomSuffix()}`, namespace: rs.metadata.namespace,
      labels: structuredClone(template.metadata?.labels ?? {}),
      ...(template.metadata?.annotations ? { annotations: structuredClone(template.metadata.annotations) } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true,
        blockOwnerDeletion: true }],
    },
    spec: { ...structuredClone(template.spec ?? {}), nodeName: 'fake-node' },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

export function replicaSetTick(store: ObjectStore, clock: ControllerClock): void {
  for (const rs of store.list('replicasets')) {
    let pods = store.list('pods', rs.metadata.namespace).filter((pod) => controlledBy(pod, rs.metadata.uid));
    const diff = (rs.spec.replicas ?? 0) - pods.length;
    if (diff > 0) {
      for (let i = 0; i < diff; i++) pods.push(store.create('pods', newPod(rs)));
    } else if (diff < 0) {
      const doomed = [...pods].sort(deletionRank).slice(0, -diff);
      for (const pod of doomed) store.delete('pods', pod.metadata.namespace, pod.metadata.name);
      pods = pods.filter((pod) => !doomed.includes(pod));
    }
    const minReady = rs.spec.minReadySeconds ?? 0;
    const counts: Record<string, number> = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: pods.filter(isReady).length,
      availableReplicas: pods.filter((pod) => isAvailable(pod, minReady, clock)).length,
    };
    // Zero counts are left out, as Go's encoder does (omitempty); replicas is always there.
    const status: Obj = { replicas: pods.length, observedGeneration: rs.metadata.generation };
    for (const [field, value] of Object.entries(counts)) if (value !== 0) status[field] = value;
    store.update('replicasets', { ...rs, status }, 'controller');
  }
}
