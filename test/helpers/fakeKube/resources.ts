/** The kinds this fake serves: where they live in the API, and what discovery says about them. */

export interface ResourceType {
  /** Plural, as in the URL: `deployments`. */
  resource: string;
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  singularName: string;
  verbs: string[];
  /** Writes to the main resource leave `status` alone (the real server's status subresource). */
  hasStatus: boolean;
  /** Serves `<name>/scale` (autoscaling/v1 Scale). */
  hasScale: boolean;
  /** metadata.generation counts changes of spec. */
  hasGeneration: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function type(fields: Partial<ResourceType> & Pick<ResourceType, 'resource' | 'kind' | 'group' | 'version'>): ResourceType {
  return {
    namespaced: true, shortNames: [], singularName: fields.kind.toLowerCase(), verbs: ALL_VERBS,
    hasStatus: false, hasScale: false, hasGeneration: false, ...fields,
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type({ resource: 'namespaces', kind: 'Namespace', group: '', version: 'v1', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], hasStatus: true }),
  type({ resource: 'pods', kind: 'Pod', group: '', version: 'v1', shortNames: ['po'], hasStatus: true }),
  type({ resource: 'configmaps', kind: 'ConfigMap', group: '', version: 'v1', shortNames: ['cm'] }),
  type({ resource: 'deployments', kind: 'Deployment', group: 'apps', version: 'v1', shortNames: ['deploy'],
    hasStatus: true, hasScale: true, hasGeneration: true }),
  type({ resource: 'replicasets', kind: 'ReplicaSet', group: 'apps', version: 'v1', shortNames: ['rs'],
    hasStatus: true, hasScale: true, hasGeneration: true }),
  type({ resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2',
    shortNames: ['hpa'], singularName: 'horizontalpodautoscaler', hasStatus: true, hasGeneration: true }),
];

export type ResourceName = 'namespaces' | 'pods' | 'configmaps' | 'deployments' | 'replicasets' | 'horizontalpodautoscalers';

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function resourceType(resource: string): ResourceType {
  const found = RESOURCE_TYPES.find((t) => t.resource === resource);
  if (!found) throw new Error(`fakeKube: no resource type ${resource}`);
  return found;
}

/** The type served at /api/v1 or /apis/<group>/<version>, by plural name. */
export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
}

/** `deployments.apps`, as the real server names a resource in its error messages. */
export function qualifiedName(type: ResourceType): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}
