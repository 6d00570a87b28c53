/**
 * The objects, as etcd behind the API server would hold them: one resourceVersion counter for everything, bumped on
 * every change (never on a write that changes nothing), uid and creationTimestamp set on create, metadata.generation
 * counting spec changes, and a history of change events that watches replay from a resourceVersion.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { applyDefaults } from './defaults.js';
import { apiVersionOf, resourceType, type ResourceName } from './resources.js';
import { errors } from './status.js';

type Obj = Record<string, any>;
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  resourceVersion: number;
  type: EventType;
  resource: ResourceName;
  /** The object after the change (for DELETED, its last state with the deletion's resourceVersion). */
  object: Obj;
  /** The object before the change (MODIFIED and DELETED): a watch with a selector needs both. */
  previous?: Obj;
}

/**
 * Who writes. `api`: a client through the main resource (status kept as it was). `status`: a client through the
 * status subresource (spec and labels kept). `controller`: the fake's controllers, which write both.
 */
export type Writer = 'api' | 'status' | 'controller';

/** An RFC 3339 time to the second, as the API server writes them. */
export function timestamp(at = Date.now()): string {
  return new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
}

const HISTORY_LIMIT = 50_000;

export class ObjectStore {
  private readonly objects = new Map<string, Obj>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private counter = 1;

  resourceVersion(): number {
    return this.counter;
  }

  get(resource: ResourceName, namespace: string, name: string): Obj | undefined {
    const found = this.objects.get(key(resource, namespace, name));
    return found && structuredClone(found);
  }

  /** Everything of a resource, in one namespace or in all (`undefined`), in etcd's key order. */
  list(resource: ResourceName, namespace?: string): Obj[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => structuredClone(o));
  }

  create(resource: ResourceName, input: Obj): Obj {
    const type = resourceType(resource);
    const object: Obj = { ...asStored(input), apiVersion: apiVersionOf(type), kind: type.kind };
    const meta = (object.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name) throw errors.invalid(type, '', 'metadata.name', 'Required value: name or generateName is required');
    const namespace = type.namespaced ? String(meta.namespace ?? 'default') : '';
    if (type.namespaced) {
      meta.namespace = namespace;
      if (!this.objects.has(key('namespaces', '', namespace))) throw errors.notFound(resourceType('namespaces'), namespace);
    } else delete meta.namespace;
    if (this.objects.has(key(resource, namespace, meta.name))) throw errors.alreadyExists(type, meta.name);
    applyDefaults(object);
    Object.assign(meta, { uid: randomUUID(), creationTimestamp: timestamp(), resourceVersion: String(++this.counter) });
    if (type.hasGeneration) meta.generation = 1;
    delete meta.deletionTimestamp;
    this.objects.set(key(resource, namespace, meta.name), object);
    this.emit({ resourceVersion: this.counter, type: 'ADDED', resource, object: structuredClone(object) });
    return structuredClone(object);
  }

  /**
   * Replaces an object. A resourceVersion in the input must be the stored one (409 Conflict otherwise); without one
   * the update is unconditional, as the real server allows for these kinds.
   */
  update(resource: ResourceName, input: Obj, writer: Writer): Obj {
    const type = resourceType(resource);
    const name = String(input.metadata?.name ?? '');
    const namespace = type.namespaced ? String(input.metadata?.namespace ?? '') : '';
    const old = this.objects.get(key(resource, namespace, name));
    if (!old) throw errors.notFound(type, name);
    const expected = input.metadata?.resourceVersion;
    if (expected !== undefined && expected !== '' && expected !== old.metadata.resourceVersion) throw errors.conflict(type, name);
    let object: Obj = { ...structuredClone(input), apiVersion: old.apiVersion, kind: old.kind };
    object.metadata = { ...object.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp };
    if (type.namespaced) object.metadata.namespace = namespace;
    if (writer === 'api' && type.hasStatus) object.status = structuredClone(old.status);
    if (writer === 'status') {
      object.spec = structuredClone(old.spec);
      object.metadata.labels = structuredClone(old.metadata.labels);
    }
    object = asStored(object);
    applyDefaults(object);
    object.metadata.generation = old.metadata.generation;
    if (type.hasGeneration && generationChanges(old, object, writer)) object.metadata.generation = (old.metadata.generation ?? 0) + 1;
    object.metadata.resourceVersion = old.metadata.resourceVersion;
    object = asStored(object);
    if (isDeepStrictEqual(object, old)) return structuredClone(old);
    object.metadata.resourceVersion = String(++this.counter);
    this.objects.set(key(resource, namespace, name), object);
    this.emit({ resourceVersion: this.counter, type: 'MODIFIED', resource, object: structuredClone(object), previous: old });
    return structuredClone(object);
  }

  delete(resource: ResourceName, namespace: string, name: string): Obj {
    const type = resourceType(resource);
    const k = key(resource, type.namespaced ? namespace : '', name);
    const old = this.objects.get(k);
    if (!old) throw errors.notFound(type, name);
    this.objects.delete(k);
    const last = structuredClone(old);
    last.metadata.resourceVersion = String(++this.counter);
    this.emit({ resourceVersion: this.counter, type: 'DELETED', resource, object: last, previous: old });
    return structuredClone(last);
  }

  /** Events after `resourceVersion`; undefined when the history no longer reaches back that far (410 Gone). */
  eventsSince(resourceVersion: number): StoredEvent[] | undefined {
    const oldest = this.history[0]?.resourceVersion ?? this.counter + 1;
    if (resourceVersion < oldest - 1 && this.history.length >= HISTORY_LIMIT) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoredEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const listener of [...this.listeners]) listener(event);
  }
}

/**
 * Through JSON, as decoding into Go types and encoding again would leave it: fields that are undefined or null are
 * not there (merge patches have already used their nulls to delete).
 */
function asStored(object: Obj): Obj {
  return JSON.parse(JSON.stringify(object, function (this: unknown, _key, value: unknown) {
    return value === null && !Array.isArray(this) ? undefined : value;
  })) as Obj;
}

function key(resource: string, namespace: string, name: string): string {
  return `${resource}/${namespace}/${name}`;
}

// (isDeepStrictEqual ignores the order of keys.) Deployments also count annotation changes: the controller copies
// them to ReplicaSets (the apps/v1 strategy).
function generationChanges(old: Obj, next: Obj, writer: Writer): boolean {
  if (writer === 'status') return false;
  if (!isDeepStrictEqual(old.spec, next.spec)) return true;
  return writer === 'api' && old.kind === 'Deployment' &&
    !isDeepStrictEqual(old.metadata.annotations ?? {}, next.metadata.annotations ?? {});
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters from the alphabet the real server uses for generateName (no vowels, no look-alikes). */
export function randomSuffix(length = 5): string {
  return Array.from({ length }, () => SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)]).join('');
}
