/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), for the fields of the kinds served here.
 * Lists with a patch merge key in the Kubernetes types (containers and env by name, ports by containerPort, ...)
 * merge element by element; other lists are replaced. Directives: `$patch` (merge, replace, delete), null deletes a key,
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and `$retainKeys`, as kubectl's two-way patches send them.
 */
import { isPlainObject } from './mergePatch.js';

type Obj = Record<string, any>;

/** patchMergeKey of list fields in core/v1 and apps/v1, by field name (the names do not clash in the kinds served). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name',
  volumeMounts: 'mountPath', volumeDevices: 'devicePath', ports: 'containerPort', imagePullSecrets: 'name',
  conditions: 'type', ownerReferences: 'uid', hostAliases: 'ip', topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};
/** Lists of scalars with patchStrategy merge: a patch adds to them. */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  return mergeMaps(isPlainObject(original) ? original : {}, patch);
}

function mergeMaps(original: Obj, patch: Obj): Obj {
  const directive = patch.$patch;
  const rest = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== '$patch'));
  if (directive === 'replace') return stripDirectives(rest) as Obj;
  const result: Obj = structuredClone(original);
  for (const [key, value] of Object.entries(rest)) {
    if (key === '$retainKeys' || key.startsWith(SET_ORDER)) continue;
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      if (Array.isArray(result[field])) result[field] = result[field].filter((v: unknown) => !(value as unknown[]).includes(v));
      continue;
    }
    if (value === null) delete result[key];
    else if (isPlainObject(value)) {
      if (value.$patch === 'delete') delete result[key];
      else result[key] = mergeMaps(isPlainObject(result[key]) ? result[key] : {}, value);
    } else if (Array.isArray(value)) result[key] = mergeList(key, result[key], value);
    else result[key] = value;
  }
  for (const [key, order] of Object.entries(rest)) {
    if (key.startsWith(SET_ORDER) && Array.isArray(result[key.slice(SET_ORDER.length)])) {
      const field = key.slice(SET_ORDER.length);
      result[field] = reorder(result[field], order as unknown[], MERGE_KEYS[field]);
    }
  }
  if (Array.isArray(rest.$retainKeys)) {
    for (const key of Object.keys(result)) if (!rest.$retainKeys.includes(key)) delete result[key];
  }
  return result;
}

function mergeList(field: string, original: unknown, patch: unknown[]): unknown[] {
  const mergeKey = MERGE_KEYS[field];
  const current = Array.isArray(original) ? original : [];
  if (MERGED_SCALAR_LISTS.has(field)) return [...current, ...patch.filter((v) => !current.includes(v))];
  if (!mergeKey || !patch.every(isPlainObject)) return stripDirectives(patch) as unknown[];
  if (patch.some((item) => item.$patch === 'replace')) {
    return stripDirectives(patch.filter((item) => item.$patch !== 'replace')) as unknown[];
  }
  const result: Obj[] = structuredClone(current.filter(isPlainObject));
  for (const item of patch as Obj[]) {
    const at = result.findIndex((existing) => existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (at >= 0) result.splice(at, 1);
    } else if (at >= 0) result[at] = mergeMaps(result[at] as Obj, item);
    else result.push(mergeMaps({}, item));
  }
  return result;
}

/** The elements named in `order` first, in that order; the rest (only in the original) after, as they were. */
function reorder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (item: unknown): unknown => (mergeKey && isPlainObject(item) ? item[mergeKey] : item);
  const wanted = order.map(keyOf);
  const named = wanted.flatMap((key) => list.filter((item) => keyOf(item) === key));
  return [...named, ...list.filter((item) => !wanted.includes(keyOf(item)))];
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value)
    .filter(([k, v]) => !k.startsWith('$') && v !== null)
    .map(([k, v]) => [k, stripDirectives(v)]));
}
