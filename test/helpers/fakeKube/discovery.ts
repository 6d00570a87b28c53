/**
 * Legacy discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList). kubectl 1.26+ first asks for
 * aggregated discovery (Accept: application/json;g=apidiscovery.k8s.io;v=v2...,application/json); a plain JSON answer
 * with Content-Type application/json is the documented fallback, and it then walks /api/v1 and /apis/<g>/<v>.
 */
import { RESOURCE_TYPES, apiVersionOf, type ResourceType } from './resources.js';

// `kubectl get all` lists what is in the category "all".
const IN_CATEGORY_ALL = new Set(['pods', 'deployments', 'replicasets', 'horizontalpodautoscalers']);

export function versionInfo(serverVersion: string): object {
  const [major = '1', minor = '30'] = serverVersion.split('.');
  return {
    major, minor, gitVersion: `v${major}.${minor}.0-fake`, gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean', buildDate: '2024-01-01T00:00:00Z', goVersion: 'go1.22.0', compiler: 'gc', platform: 'linux/amd64',
  };
}

function groupVersions(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const t of RESOURCE_TYPES) {
    if (t.group === '') continue;
    const versions = groups.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    groups.set(t.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: string[]): object {
  const listed = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: listed, preferredVersion: listed[0] };
}

/** The discovery document at `path`, or undefined when the path is not a discovery path. */
export function discoveryDocument(path: string, serverAddress: string, serverVersion: string): object | undefined {
  if (path === '/version') return versionInfo(serverVersion);
  if (path === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }
  const groups = groupVersions();
  if (path === '/apis') {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups].map(([name, versions]) => apiGroup(name, versions)) };
  }
  if (path === '/api/v1') return resourceList('', 'v1');
  const match = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!match) return undefined;
  const [, group = '', version] = match;
  const versions = groups.get(group);
  if (!versions) return undefined;
  if (version === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
  return versions.includes(version) ? resourceList(group, version) : undefined;
}

function resourceList(group: string, version: string): object {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  const resources = types.flatMap((t) => [mainResource(t), ...subresources(t)]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(types[0] as ResourceType), resources };
}

function mainResource(t: ResourceType): object {
  return {
    name: t.resource, singularName: t.singularName, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs,
    ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
    ...(IN_CATEGORY_ALL.has(t.resource) ? { categories: ['all'] } : {}),
  };
}

function subresources(t: ResourceType): object[] {
  const out: object[] = [];
  const verbs = ['get', 'patch', 'update'];
  if (t.hasStatus) out.push({ name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs });
  if (t.hasScale) {
    const scale = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    out.push({ name: `${t.resource}/scale`, singularName: '', namespaced: true, ...scale, verbs });
  }
  return out;
}
