/**
 * The HTTPS front: bearer-token authentication (401), injected failures, forbidden namespaces (403), discovery,
 * then the REST verbs and watches. Every request is logged; every error is a Status object.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { discoveryDocument } from './discovery.js';
import { handleRest } from './rest.js';
import { parseRoute } from './routes.js';
import { ApiError, errors } from './status.js';
import { asTable, wantsTable } from './table.js';
import type { ObjectStore } from './store.js';
import { serveWatch } from './watch.js';

export interface RequestRecord {
  method: string;
  /** The path without the query. */
  path: string;
  /** The query string, `?` included, or ''. */
  query: string;
  /** The body's media type, parameters left out; '' without one. */
  contentType: string;
  accept: string;
  /** The HTTP status answered (0 until the answer is sent). */
  status: number;
  /** The request's JSON body, when it had one. */
  body?: unknown;
}

export interface InjectedFailure {
  method: string;
  path: RegExp;
  status: number;
  remaining: number;
}

export interface ServerState {
  store: ObjectStore;
  tokens: Set<string>;
  forbiddenNamespaces: Set<string>;
  failures: InjectedFailure[];
  requests: RequestRecord[];
  serverVersion: string;
  openWatches: Set<ServerResponse>;
}

function send(res: ServerResponse, record: RequestRecord, code: number, body: object): void {
  record.status = code;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw errors.badRequest(`the request body is not JSON (the fake reads JSON only): ${text.slice(0, 80)}`);
  }
}

function takeFailure(state: ServerState, method: string, path: string): InjectedFailure | undefined {
  const found = state.failures.find((f) => (f.method === '*' || f.method === method) && f.path.test(path));
  if (found && --found.remaining <= 0) state.failures.splice(state.failures.indexOf(found), 1);
  return found;
}

function recordOf(req: IncomingMessage): RequestRecord {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  return { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.search, contentType,
    accept: req.headers.accept ?? '', status: 0 };
}

async function handle(
  state: ServerState, req: IncomingMessage, res: ServerResponse, record: RequestRecord, address: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const { method, contentType } = record;
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (token === undefined || !state.tokens.has(token)) throw errors.unauthorized();
  const body = await readBody(req);
  if (body !== undefined) record.body = body;
  const failure = takeFailure(state, method, url.pathname);
  if (failure) throw errors.injected(failure.status);
  if (method === 'GET') {
    const document = discoveryDocument(url.pathname.replace(/\/$/, '') || '/', address, state.serverVersion);
    // Plain JSON, whatever the Accept asked for: that is how a server without aggregated discovery answers.
    if (document) return send(res, record, 200, document);
  }
  const route = parseRoute(url.pathname);
  if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const namespace = route.namespace ?? (route.type.resource === 'namespaces' ? route.name : undefined);
  if (namespace !== undefined && state.forbiddenNamespaces.has(namespace)) {
    throw errors.forbidden(verbOf(method, route.name, url.searchParams), route.type, namespace, route.name);
  }
  const watching = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  if (method === 'GET' && route.name === undefined && watching) {
    const present = wantsTable(record.accept)
      ? (o: Record<string, any>) => asTable(route.type.kind, [o], String(o.metadata.resourceVersion), url.searchParams.get('includeObject'))
      : undefined;
    serveWatch(res, state.store, route.type, route.namespace, url.searchParams, state.openWatches, present);
    record.status = 200;
    return;
  }
  const answer = handleRest(state.store, { method, route, params: url.searchParams, body, contentType });
  if (method === 'GET' && route.subresource === undefined && wantsTable(record.accept)) {
    const found = answer.body as Record<string, any>;
    const objects = route.name === undefined ? found.items : [found];
    const table = asTable(route.type.kind, objects, String(found.metadata.resourceVersion), url.searchParams.get('includeObject'));
    return send(res, record, 200, table);
  }
  send(res, record, answer.code, answer.body);
}

function verbOf(method: string, name: string | undefined, params: URLSearchParams): string {
  if (method === 'GET') return name !== undefined ? 'get' : ['true', '1'].includes(params.get('watch') ?? '') ? 'watch' : 'list';
  return { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name !== undefined ? 'delete' : 'deletecollection' }[method] ?? method;
}

export function createApiServer(state: ServerState, tls: { key: Buffer; cert: Buffer }, address: () => string): Server {
  return createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const record = recordOf(req);
    state.requests.push(record);
    handle(state, req, res, record, address()).catch((error: unknown) => {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', `fakeKube: ${String(error)}`);
      if (res.headersSent) return void res.end();
      send(res, record, apiError.code, apiError.toStatus());
    });
  });
}
