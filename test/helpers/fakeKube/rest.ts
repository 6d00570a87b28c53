/**
 * The REST verbs on a resource: get, list (labelSelector, fieldSelector), create, replace (409 on a stale
 * resourceVersion), patch (merge, strategic merge, JSON patch), delete, deletecollection, and the status and scale
 * subresources. Watches are handed to watch.ts by the server.
 */
import { applyJsonPatch, JsonPatchError } from './jsonPatch.js';
import { applyMergePatch, isPlainObject } from './mergePatch.js';
import { apiVersionOf, type ResourceName, type ResourceType } from './resources.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import { ApiError, errors } from './status.js';
import type { ObjectStore, Writer } from './store.js';
import { applyStrategicMergePatch } from './strategicMerge.js';
import { validate } from './validation.js';

type Obj = Record<string, any>;

export interface Route {
  type: ResourceType;
  /** undefined for cluster-scoped kinds, and for a list across all namespaces. */
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface RestRequest {
  method: string;
  route: Route;
  params: URLSearchParams;
  body: unknown;
  /** Without parameters (`; charset=utf-8`). */
  contentType: string;
}

export interface RestAnswer {
  code: number;
  body: object;
}

export function handleRest(store: ObjectStore, request: RestRequest): RestAnswer {
  const { method, route, params } = request;
  const resource = route.type.resource as ResourceName;
  if (params.has('dryRun') && method !== 'GET') throw errors.badRequest('fakeKube does not implement dryRun');
  if (route.name === undefined) {
    if (method === 'GET') return { code: 200, body: list(store, route, params) };
    if (method === 'POST') return { code: 201, body: create(store, route, request.body) };
    if (method === 'DELETE') {
      const doomed = list(store, route, params) as Obj;
      for (const item of doomed.items as Obj[]) store.delete(resource, item.metadata.namespace ?? '', item.metadata.name);
      return { code: 200, body: doomed };
    }
    throw errors.methodNotAllowed(method);
  }
  const existing = (): Obj => {
    const found = store.get(resource, route.namespace ?? '', route.name as string);
    if (!found) throw errors.notFound(route.type, route.name as string);
    return found;
  };
  if (route.subresource === 'scale' && route.type.hasScale) return scale(store, request, existing());
  if (route.subresource !== undefined && route.subresource !== 'status') {
    throw errors.notFound(route.type, `${route.name}/${route.subresource}`);
  }
  if (route.subresource === 'status' && !route.type.hasStatus) throw errors.notFound(route.type, `${route.name}/status`);
  const writer: Writer = route.subresource === 'status' ? 'status' : 'api';
  switch (method) {
    case 'GET':
      return { code: 200, body: existing() };
    case 'PUT':
      return { code: 200, body: write(store, route, existing(), asObject(request.body), writer) };
    case 'PATCH': {
      const old = existing();
      return { code: 200, body: write(store, route, old, patched(old, request), writer) };
    }
    case 'DELETE': {
      checkPreconditions(route.type, existing(), request.body);
      const gone = store.delete(resource, route.namespace ?? '', route.name);
      const details = { name: route.name, group: route.type.group, kind: route.type.resource, uid: gone.metadata.uid };
      return { code: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } };
    }
    default:
      throw errors.methodNotAllowed(method);
  }
}

/** DeleteOptions.preconditions: the uid and resourceVersion the client expects to delete (409 Conflict otherwise). */
function checkPreconditions(type: ResourceType, object: Obj, body: unknown): void {
  const wanted: Obj = isPlainObject(body) && isPlainObject(body.preconditions) ? body.preconditions : {};
  for (const [field, label] of [['uid', 'UID'], ['resourceVersion', 'ResourceVersion']] as const) {
    if (wanted[field] !== undefined && wanted[field] !== object.metadata[field]) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.resource} "${object.metadata.name}": Precondition ` +
        `failed: ${label} in precondition: ${wanted[field]}, ${label} in object meta: ${object.metadata[field]}`,
      { name: object.metadata.name, group: type.group, kind: type.resource });
    }
  }
}

function asObject(body: unknown): Obj {
  if (!isPlainObject(body)) throw errors.badRequest('the body of the request is not a JSON object');
  return body;
}

function list(store: ObjectStore, route: Route, params: URLSearchParams): object {
  const labels = labelMatcher(params.get('labelSelector'));
  const fields = fieldMatcher(params.get('fieldSelector'));
  const items = store.list(route.type.resource as ResourceName, route.namespace).filter((o) => labels(o) && fields(o));
  // List items carry no kind or apiVersion in the real server's JSON; the list says what they are.
  for (const item of items) {
    delete item.kind;
    delete item.apiVersion;
  }
  const kind = `${route.type.kind}List`;
  return { kind, apiVersion: apiVersionOf(route.type), metadata: { resourceVersion: String(store.resourceVersion()) }, items };
}

function checkIdentity(route: Route, object: Obj): void {
  if (object.kind !== undefined && object.kind !== route.type.kind) {
    throw errors.badRequest(`the kind of the object (${object.kind}) does not match the resource (${route.type.resource})`);
  }
  const ns = object.metadata?.namespace;
  if (route.type.namespaced && ns !== undefined && ns !== '' && ns !== route.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

function create(store: ObjectStore, route: Route, body: unknown): Obj {
  const object = asObject(body);
  checkIdentity(route, object);
  object.metadata = { ...object.metadata, ...(route.type.namespaced ? { namespace: route.namespace } : {}) };
  // A generateName is checked as the name it will become (the store adds the suffix).
  const placeholder = `${object.metadata.generateName ?? ''}x`;
  const named = object.metadata.name ? object : { ...object, metadata: { ...object.metadata, name: placeholder } };
  validate(route.type, named);
  return store.create(route.type.resource as ResourceName, object);
}

function write(store: ObjectStore, route: Route, old: Obj, object: Obj, writer: Writer): Obj {
  checkIdentity(route, object);
  const name = object.metadata?.name;
  if (name !== undefined && name !== route.name) {
    throw errors.badRequest(`the name of the object (${name}) does not match the name on the URL (${route.name})`);
  }
  object.metadata = { ...object.metadata, name: route.name, ...(route.type.namespaced ? { namespace: route.namespace } : {}) };
  validate(route.type, writer === 'status' ? { ...object, spec: old.spec } : object, old);
  return store.update(route.type.resource as ResourceName, object, writer);
}

/** The object after the patch; a resourceVersion the patch sets is a precondition, as on the real server. */
function patched(old: Obj, request: RestRequest): Obj {
  let result: unknown;
  try {
    if (request.contentType === 'application/merge-patch+json') result = applyMergePatch(old, asPatchObject(request.body));
    else if (request.contentType === 'application/strategic-merge-patch+json') {
      result = applyStrategicMergePatch(old, asPatchObject(request.body));
    } else if (request.contentType === 'application/json-patch+json') result = applyJsonPatch(old, request.body);
    else throw errors.unsupportedMediaType(request.contentType);
  } catch (error) {
    if (error instanceof JsonPatchError) throw new ApiError(422, 'Invalid', error.message);
    throw error;
  }
  return asObject(result);
}

function asPatchObject(body: unknown): Obj {
  if (!isPlainObject(body)) throw errors.badRequest('the patch is not a JSON object');
  return body;
}

/** autoscaling/v1 Scale of a Deployment or ReplicaSet; writing it writes the parent's spec.replicas. */
function scale(store: ObjectStore, request: RestRequest, parent: Obj): RestAnswer {
  const { route } = request;
  const selector = Object.entries(parent.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const current: Obj = {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: parent.metadata.name, namespace: parent.metadata.namespace, uid: parent.metadata.uid,
      resourceVersion: parent.metadata.resourceVersion, creationTimestamp: parent.metadata.creationTimestamp },
    spec: { replicas: parent.spec?.replicas ?? 0 }, status: { replicas: parent.status?.replicas ?? 0, selector },
  };
  if (request.method === 'GET') return { code: 200, body: current };
  let wanted: Obj;
  if (request.method === 'PUT') wanted = asObject(request.body);
  else if (request.method === 'PATCH') wanted = patched(current, request);
  else throw errors.methodNotAllowed(request.method);
  const replicas = wanted.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid(route.type, parent.metadata.name, 'spec.replicas', 'Invalid value: must be greater than or equal to 0');
  }
  const next: Obj = { ...parent, spec: { ...parent.spec, replicas } };
  next.metadata = { ...next.metadata, resourceVersion: wanted.metadata?.resourceVersion ?? parent.metadata.resourceVersion };
  const updated = store.update(route.type.resource as ResourceName, next, 'api');
  return scale(store, { ...request, method: 'GET' }, updated);
}
