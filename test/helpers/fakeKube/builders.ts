/** The objects a test asks for by a few fields: a Deployment (one container, or several), a ConfigMap, an HPA. */
type Obj = Record<string, any>;

export interface ContainerInput {
  name: string;
  image: string;
  /** `{ NAME: 'value' }`, in order. */
  env?: Record<string, string>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  ports?: number[];
}

export interface DeploymentInput {
  name: string;
  /** The one container's image (when `containers` is not given). */
  image?: string;
  /** The one container's name; the Deployment's name by default. */
  containerName?: string;
  env?: Record<string, string>;
  resources?: ContainerInput['resources'];
  containers?: ContainerInput[];
  replicas?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
  /** On the Deployment (say kubernetes.io/change-cause). */
  annotations?: Record<string, string>;
  /** Pod labels, also the selector; `{ app: <name> }` by default. */
  labels?: Record<string, string>;
  paused?: boolean;
  strategy?: { type?: 'RollingUpdate' | 'Recreate'; maxSurge?: number | string; maxUnavailable?: number | string };
}

export interface ConfigMapInput {
  name: string;
  data: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface HpaInput {
  name: string;
  /** The Deployment it scales. */
  deployment: string;
  minReplicas?: number;
  maxReplicas: number;
  /** Target average CPU utilization, percent (default 80). */
  cpuUtilization?: number;
}

function container(input: ContainerInput): Obj {
  return {
    name: input.name, image: input.image,
    ...(input.ports ? { ports: input.ports.map((containerPort) => ({ containerPort })) } : {}),
    ...(input.env ? { env: Object.entries(input.env).map(([name, value]) => ({ name, value })) } : {}),
    resources: input.resources ?? {},
  };
}

export function deploymentObject(namespace: string, input: DeploymentInput): Obj {
  const labels = input.labels ?? { app: input.name };
  const containers = input.containers ??
    [{ name: input.containerName ?? input.name, image: input.image ?? 'nginx:1.25', env: input.env, resources: input.resources }];
  const strategy = input.strategy?.type === 'Recreate'
    ? { type: 'Recreate' }
    : {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: input.strategy?.maxSurge ?? '25%', maxUnavailable: input.strategy?.maxUnavailable ?? '25%' },
    };
  const spec: Obj = {
    replicas: input.replicas ?? 1,
    selector: { matchLabels: { ...labels } },
    template: { metadata: { labels: { ...labels } }, spec: { containers: containers.map((c) => container(c as ContainerInput)) } },
    strategy,
  };
  for (const field of ['revisionHistoryLimit', 'progressDeadlineSeconds', 'minReadySeconds', 'paused'] as const) {
    if (input[field] !== undefined) spec[field] = input[field];
  }
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: {
      name: input.name, namespace, labels: { ...labels },
      ...(input.annotations ? { annotations: { ...input.annotations } } : {}),
    },
    spec,
  };
}

export function configMapObject(namespace: string, input: ConfigMapInput): Obj {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: input.name, namespace, ...(input.labels ? { labels: input.labels } : {}),
      ...(input.annotations ? { annotations: input.annotations } : {}) },
    data: { ...input.data },
  };
}

export function hpaObject(namespace: string, input: HpaInput): Obj {
  return {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
    metadata: { name: input.name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: input.deployment },
      minReplicas: input.minReplicas ?? 1, maxReplicas: input.maxReplicas,
      metrics: [{
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: input.cpuUtilization ?? 80 } },
      }],
    },
  };
}
