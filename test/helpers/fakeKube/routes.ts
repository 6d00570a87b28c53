/** Which resource a URL path names: /api/v1/... and /apis/<group>/<version>/..., namespaced or not. */
import { findResourceType } from './resources.js';
import type { Route } from './rest.js';

/** undefined when the path is not a resource path this fake serves. */
export function parseRoute(path: string): Route | undefined {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) [group, version, rest] = ['', parts[1] as string, parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, version, rest] = [parts[1] as string, parts[2] as string, parts.slice(3)];
  else return undefined;
  // namespaces/<ns>/<resource>[/<name>[/<subresource>]]
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, resource = '', name, subresource, ...extra] = rest;
    const type = findResourceType(group, version, resource);
    if (!type || !type.namespaced || extra.length > 0) return undefined;
    return { type, namespace, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
  }
  // <resource>[/<name>[/<subresource>]]: cluster-scoped kinds, or a list of a namespaced kind across all namespaces.
  const [resource = '', name, subresource, ...extra] = rest;
  const type = findResourceType(group, version, resource);
  if (!type || extra.length > 0 || (type.namespaced && name !== undefined)) return undefined;
  return { type, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
}
