/**
 * The in-process handle a test holds: make objects (validated and defaulted as through the API), read them, break
 * images, set digests, inject failures, choose tokens and forbidden namespaces, wait for the controllers to settle,
 * and read the request log.
 */
import {
  configMapObject, deploymentObject, hpaObject, type ConfigMapInput, type DeploymentInput, type HpaInput,
} from './builders.js';
import type { Controllers } from './controllers.js';
import { controlledBy, revisionOf } from './deploymentUtil.js';
import type { ImageCatalog } from './images.js';
import { resourceType, type ResourceName } from './resources.js';
import { labelMatcher } from './selectors.js';
import type { RequestRecord, ServerState } from './server.js';
import { validate } from './validation.js';

type Obj = Record<string, any>;

export interface FakeKubeApi {
  createNamespace(name: string): Obj;
  createDeployment(namespace: string, input: DeploymentInput): Obj;
  createConfigMap(namespace: string, input: ConfigMapInput): Obj;
  createHpa(namespace: string, input: HpaInput): Obj;
  /** Any served kind, as a client's POST would make it. */
  create(resource: ResourceName, namespace: string, object: Obj): Obj;
  get(resource: ResourceName, namespace: string, name: string): Obj | undefined;
  list(resource: ResourceName, namespace?: string, labelSelector?: string): Obj[];
  /** Read, change, write back, as a client's PUT (status is kept; a changed spec bumps generation). */
  update(resource: ResourceName, namespace: string, name: string, change: (object: Obj) => void): Obj;
  delete(resource: ResourceName, namespace: string, name: string): void;
  /** The Deployment's ReplicaSets, lowest revision first. */
  replicaSetsOf(namespace: string, deployment: string): Obj[];
  /** The Pods of the Deployment's ReplicaSets. */
  podsOf(namespace: string, deployment: string): Obj[];
  /** Pods of this image stop being Ready (also those already running), or get Ready again with `false`. */
  markBroken(image: string, broken?: boolean): void;
  /** The digest pods that start from now on report for this image (`sha256:<hex>` or hex). */
  setDigest(image: string, digest: string): void;
  /** The hex digest pods of this image report (default: sha256 of the image reference). */
  digestOf(image: string): string;
  /** The next `times` requests of `method` ('*' for any) whose path matches are answered `status`, a Status object. */
  failNext(method: string, path: RegExp | string, status: number, times?: number): void;
  /** Only these bearer tokens are accepted from now on; any other gets 401. */
  acceptTokens(tokens: string[]): void;
  /** Every request in this namespace gets 403 (or not, with `false`). */
  forbidNamespace(namespace: string, forbidden?: boolean): void;
  /** Waits until the controllers have nothing left to do (not for progress deadlines still in the future). */
  settle(timeoutMs?: number): Promise<void>;
  /** Every request so far, in order of arrival. */
  readonly requests: RequestRecord[];
  /** The store's current resourceVersion. */
  resourceVersion(): string;
}

export function createApi(state: ServerState, images: ImageCatalog, controllers: Controllers): FakeKubeApi {
  const { store } = state;
  const create = (resource: ResourceName, namespace: string, object: Obj): Obj => {
    const type = resourceType(resource);
    const input = structuredClone(object);
    input.metadata = { ...input.metadata, ...(type.namespaced ? { namespace } : {}) };
    validate(type, input);
    return store.create(resource, input);
  };
  const replicaSetsOf = (namespace: string, deployment: string): Obj[] => {
    const d = store.get('deployments', namespace, deployment);
    if (!d) return [];
    return store.list('replicasets', namespace).filter((rs) => controlledBy(rs, d.metadata.uid))
      .sort((a, b) => revisionOf(a) - revisionOf(b));
  };
  return {
    createNamespace: (name) => create('namespaces', '', { metadata: { name } }),
    createDeployment: (namespace, input) => create('deployments', namespace, deploymentObject(namespace, input)),
    createConfigMap: (namespace, input) => create('configmaps', namespace, configMapObject(namespace, input)),
    createHpa: (namespace, input) => create('horizontalpodautoscalers', namespace, hpaObject(namespace, input)),
    create,
    get: (resource, namespace, name) => store.get(resource, resourceType(resource).namespaced ? namespace : '', name),
    list: (resource, namespace, labelSelector) => store.list(resource, namespace).filter(labelMatcher(labelSelector)),
    update: (resource, namespace, name, change) => {
      const type = resourceType(resource);
      const current = store.get(resource, type.namespaced ? namespace : '', name);
      if (!current) throw new Error(`fakeKube: no ${resource} ${namespace}/${name}`);
      const next = structuredClone(current);
      change(next);
      validate(type, next, current);
      return store.update(resource, next, 'api');
    },
    delete: (resource, namespace, name) => void store.delete(resource, namespace, name),
    replicaSetsOf,
    podsOf: (namespace, deployment) => {
      const sets = replicaSetsOf(namespace, deployment);
      return store.list('pods', namespace).filter((pod) => sets.some((rs) => controlledBy(pod, rs.metadata.uid)));
    },
    markBroken: (image, broken = true) => images.markBroken(image, broken),
    setDigest: (image, digest) => images.setDigest(image, digest),
    digestOf: (image) => images.digestOf(image),
    failNext: (method, path, status, times = 1) => {
      const pattern = typeof path === 'string' ? new RegExp(path) : path;
      state.failures.push({ method: method.toUpperCase(), path: pattern, status, remaining: times });
    },
    acceptTokens: (tokens) => {
      state.tokens.clear();
      for (const token of tokens) state.tokens.add(token);
    },
    forbidNamespace: (namespace, forbidden = true) => {
      if (forbidden) state.forbiddenNamespaces.add(namespace);
      else state.forbiddenNamespaces.delete(namespace);
    },
    settle: (timeoutMs) => controllers.settle(timeoutMs),
    requests: state.requests,
    resourceVersion: () => String(store.resourceVersion()),
  };
}
