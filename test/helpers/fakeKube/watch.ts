/**
 * `?watch=true` on a collection: newline-delimited JSON events ({type, object}) on a chunked response, until
 * timeoutSeconds or the client goes. From a resourceVersion the store's history is replayed first; without one
 * (or with "0") every matching object comes as ADDED first, as the real server does. An object that stops matching
 * the selectors arrives as DELETED, one that starts matching as ADDED. sendInitialEvents=true ends its initial
 * ADDED events with the BOOKMARK annotated k8s.io/initial-events-end; allowWatchBookmarks gets one BOOKMARK as the
 * watch times out. `present` turns each object into what the client asked for (a Table for `kubectl get -w`).
 */
import type { ServerResponse } from 'node:http';
import type { ResourceType, ResourceName } from './resources.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import { errors } from './status.js';
import type { EventType, ObjectStore, StoredEvent } from './store.js';

type Obj = Record<string, any>;

export function serveWatch(
  res: ServerResponse, store: ObjectStore, type: ResourceType, namespace: string | undefined,
  params: URLSearchParams, open: Set<ServerResponse>, present: (object: Obj) => Obj = (object) => object,
): void {
  const labels = labelMatcher(params.get('labelSelector'));
  const fields = fieldMatcher(params.get('fieldSelector'));
  const matches = (o: Obj | undefined): boolean =>
    o !== undefined && (namespace === undefined || o.metadata?.namespace === namespace) && labels(o) && fields(o);
  const resourceVersion = params.get('resourceVersion') ?? '';
  const initialEvents = params.get('sendInitialEvents') === 'true';
  const fromNow = resourceVersion === '' || resourceVersion === '0' || initialEvents;
  const replay = fromNow ? undefined : store.eventsSince(Number(resourceVersion));
  if (!fromNow && !replay) throw errors.expired(resourceVersion);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  open.add(res);
  const send = (eventType: EventType | 'BOOKMARK', object: Obj): void => {
    const shown = eventType === 'BOOKMARK' ? object : present(object);
    if (!res.writableEnded) res.write(`${JSON.stringify({ type: eventType, object: shown })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>): void => send('BOOKMARK', {
    kind: type.kind, apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    metadata: { resourceVersion: String(store.resourceVersion()), ...(annotations ? { annotations } : {}) },
  });
  const deliver = (event: StoredEvent): void => {
    if (event.resource !== (type.resource as ResourceName)) return;
    const was = event.type !== 'ADDED' && matches(event.previous);
    const is = event.type !== 'DELETED' && matches(event.object);
    if (was && is) send('MODIFIED', event.object);
    else if (is) send('ADDED', event.object);
    else if (was) send('DELETED', event.object);
  };

  if (replay) replay.forEach(deliver);
  else {
    for (const object of store.list(type.resource as ResourceName, namespace)) if (matches(object)) send('ADDED', object);
    if (initialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  }
  const unsubscribe = store.subscribe(deliver);
  const seconds = Number(params.get('timeoutSeconds') ?? '1800');
  // A client that allows bookmarks gets one as the watch times out, so it can resume from there.
  const timer = setTimeout(() => {
    if (params.get('allowWatchBookmarks') === 'true') bookmark();
    res.end();
  }, (Number.isFinite(seconds) && seconds > 0 ? seconds : 1800) * 1000);
  const finish = (): void => {
    clearTimeout(timer);
    unsubscribe();
    open.delete(res);
  };
  // The response's close is the connection's (or our end); the request's close only means its body was read.
  res.once('close', finish);
}
