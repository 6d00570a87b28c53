/**
 * The defaults the real API server fills in on every write (SetDefaults_* of core/v1 and apps/v1), for the fields
 * that matter here. Defaulting on write is also what makes a template sent back by `kubectl rollout undo` equal
 * to the ReplicaSet's template it came from.
 */
type Obj = Record<string, any>;

function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
}

function defaultContainer(container: Obj): void {
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  const tag = imageTag(String(container.image ?? ''));
  // Pinned by digest: IfNotPresent; `latest` or no tag: Always (the documented rule).
  container.imagePullPolicy ??= String(container.image ?? '').includes('@') || (tag !== undefined && tag !== 'latest')
    ? 'IfNotPresent' : 'Always';
  container.resources ??= {};
  for (const port of container.ports ?? []) port.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultContainer(container);
}

function defaultTemplate(template: Obj | undefined): void {
  if (!template) return;
  template.metadata ??= {};
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

function defaultDeployment(spec: Obj): void {
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec.template);
}

/** Fills in defaults in place, by kind. */
export function applyDefaults(object: Obj): void {
  object.metadata ??= {};
  switch (object.kind) {
    case 'Deployment':
      object.spec ??= {};
      defaultDeployment(object.spec);
      break;
    case 'ReplicaSet':
      object.spec ??= {};
      object.spec.replicas ??= 1;
      defaultTemplate(object.spec.template);
      break;
    case 'Pod':
      object.spec ??= {};
      defaultPodSpec(object.spec);
      break;
    case 'HorizontalPodAutoscaler':
      object.spec ??= {};
      object.spec.minReplicas ??= 1;
      break;
    case 'Namespace':
      object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name };
      object.spec ??= { finalizers: ['kubernetes'] };
      object.status ??= { phase: 'Active' };
      break;
  }
}
