/**
 * Server-side printing: `kubectl get` without -o asks for `application/json;as=Table;v=v1;g=meta.k8s.io`. The
 * columns are the real server's for these kinds (the -o wide ones left out). Without it kubectl would still work,
 * but show only NAME and AGE.
 */
type Obj = Record<string, any>;
type Cell = string | number;

interface Columns {
  names: string[];
  cells: (o: Obj) => Cell[];
}

function age(o: Obj): string {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(o.metadata?.creationTimestamp ?? '')) / 1000));
  const [m, h, d] = [Math.floor(seconds / 60), Math.floor(seconds / 3600), Math.floor(seconds / 86400)];
  if (seconds < 120) return `${seconds}s`;
  if (m < 10) return seconds % 60 === 0 ? `${m}m` : `${m}m${seconds % 60}s`;
  if (h < 3) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return d < 8 && h % 24 !== 0 ? `${d}d${h % 24}h` : `${d}d`;
}

const n = (value: unknown): number => (typeof value === 'number' ? value : 0);

function podStatus(pod: Obj): string {
  const waiting = (pod.status?.containerStatuses ?? []).find((c: Obj) => c.state?.waiting?.reason)?.state.waiting.reason;
  return waiting ?? pod.status?.phase ?? 'Pending';
}

const COLUMNS: Record<string, Columns> = {
  Deployment: {
    names: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'],
    cells: (o) => [o.metadata.name, `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}`, n(o.status?.updatedReplicas),
      n(o.status?.availableReplicas), age(o)],
  },
  ReplicaSet: {
    names: ['Name', 'Desired', 'Current', 'Ready', 'Age'],
    cells: (o) => [o.metadata.name, n(o.spec?.replicas), n(o.status?.replicas), n(o.status?.readyReplicas), age(o)],
  },
  Pod: {
    names: ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    cells: (o) => {
      const statuses: Obj[] = o.status?.containerStatuses ?? [];
      const ready = statuses.filter((c) => c.ready).length;
      const restarts = statuses.reduce((sum, c) => sum + n(c.restartCount), 0);
      return [o.metadata.name, `${ready}/${(o.spec?.containers ?? []).length}`, podStatus(o), restarts, age(o)];
    },
  },
  ConfigMap: { names: ['Name', 'Data', 'Age'], cells: (o) => [o.metadata.name, Object.keys(o.data ?? {}).length, age(o)] },
  Namespace: { names: ['Name', 'Status', 'Age'], cells: (o) => [o.metadata.name, o.status?.phase ?? 'Active', age(o)] },
  HorizontalPodAutoscaler: {
    names: ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'],
    cells: (o) => [o.metadata.name, `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`, '<unknown>',
      n(o.spec?.minReplicas), n(o.spec?.maxReplicas), n(o.status?.currentReplicas), age(o)],
  },
};

export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** A meta.k8s.io/v1 Table of the objects; rows carry PartialObjectMetadata unless includeObject says otherwise. */
export function asTable(kind: string, objects: Obj[], resourceVersion: string, includeObject: string | null): object {
  const columns = COLUMNS[kind] ?? { names: ['Name', 'Age'], cells: (o: Obj) => [o.metadata.name, age(o)] };
  const sample = objects[0] ? columns.cells(objects[0]) : [];
  const columnDefinitions = columns.names.map((name, i) => ({
    name, type: typeof sample[i] === 'number' ? 'integer' : 'string', format: name === 'Name' ? 'name' : '', description: '', priority: 0,
  }));
  const rows = objects.map((o) => ({
    cells: columns.cells(o),
    ...(includeObject === 'None' ? {} : {
      object: includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    }),
  }));
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions, rows };
}
