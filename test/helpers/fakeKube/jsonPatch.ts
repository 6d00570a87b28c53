/** JSON Patch (RFC 6902, `application/json-patch+json`): add, remove, replace, move, copy and test on JSON Pointers. */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from './mergePatch.js';

type Obj = Record<string, any>;

/** The operation did not apply; the server answers 422 (as the real one does for a failed json-patch). */
export class JsonPatchError extends Error {}

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The container that holds the pointer's last token, and that token. */
function locate(doc: unknown, pointer: string, op: string): { parent: Obj | unknown[]; key: string } {
  const path = tokens(pointer);
  const key = path.pop();
  if (key === undefined) throw new JsonPatchError(`${op} operation does not apply to the whole document`);
  let at: unknown = doc;
  for (const token of path) {
    at = Array.isArray(at) ? at[index(at, token, false, op, pointer)] : isPlainObject(at) ? at[token] : undefined;
    if (at === undefined) throw new JsonPatchError(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  if (!Array.isArray(at) && !isPlainObject(at)) {
    throw new JsonPatchError(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return { parent: at, key };
}

function index(list: unknown[], token: string, inserting: boolean, op: string, pointer: string): number {
  if (inserting && token === '-') return list.length;
  const i = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : NaN;
  if (!(i >= 0 && (inserting ? i <= list.length : i < list.length))) {
    throw new JsonPatchError(`${op} operation does not apply: index out of range in "${pointer}"`);
  }
  return i;
}

function read(doc: unknown, pointer: string, op: string): unknown {
  if (pointer === '') return doc;
  const { parent, key } = locate(doc, pointer, op);
  const value = Array.isArray(parent) ? parent[index(parent, key, false, op, pointer)] : (parent as Obj)[key];
  if (value === undefined) throw new JsonPatchError(`${op} operation does not apply: doc is missing key: ${pointer}`);
  return value;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const { parent, key } = locate(doc, pointer, 'add');
  if (Array.isArray(parent)) parent.splice(index(parent, key, true, 'add', pointer), 0, value);
  else (parent as Obj)[key] = value;
  return doc;
}

function remove(doc: unknown, pointer: string, op: string): unknown {
  read(doc, pointer, op);
  const { parent, key } = locate(doc, pointer, op);
  if (Array.isArray(parent)) parent.splice(index(parent, key, false, op, pointer), 1);
  else delete (parent as Obj)[key];
  return doc;
}

export function applyJsonPatch(document: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new JsonPatchError('a json patch is a JSON array of operations');
  let doc = structuredClone(document);
  for (const operation of operations as JsonPatchOperation[]) {
    const { op, path } = operation;
    if (typeof path !== 'string') throw new JsonPatchError(`operation ${JSON.stringify(op)} has no path`);
    const value = structuredClone(operation.value);
    if (op === 'add') doc = add(doc, path, value);
    else if (op === 'remove') doc = remove(doc, path, 'remove');
    else if (op === 'replace') doc = path === '' ? value : add(remove(doc, path, 'replace'), path, value);
    else if (op === 'move') {
      const moved = structuredClone(read(doc, operation.from ?? '', 'move'));
      doc = add(remove(doc, operation.from ?? '', 'move'), path, moved);
    } else if (op === 'copy') doc = add(doc, path, structuredClone(read(doc, operation.from ?? '', 'copy')));
    else if (op === 'test') {
      if (!isDeepStrictEqual(read(doc, path, 'test'), value)) throw new JsonPatchError(`testing value ${path} failed: test failed`);
    } else throw new JsonPatchError(`unexpected kind of operation: ${JSON.stringify(op)}`);
  }
  return doc;
}
