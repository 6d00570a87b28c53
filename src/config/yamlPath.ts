import { isAlias, isCollection, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

export interface Position {
  line: number;
  /** Offset in the file, for sorting problems into document order. */
  offset: number;
}

type Segment = string | number | symbol;

/**
 * Where a schema problem at `path` should be reported. Walks the document as
 * far as the path exists; a missing key is reported at the mapping that
 * should hold it. A mapping or list is reported at the line of its key, which
 * is where a reader looks for it (`releases:`), not at its first entry.
 */
export function positionOf(doc: Document, lineCounter: LineCounter, path: readonly Segment[]): Position {
  let node = resolve(doc, doc.contents);
  let key: Node | undefined;
  for (const segment of path) {
    const next = child(doc, node, segment);
    if (!next) break;
    node = next.value;
    key = next.key;
  }
  const useKey = key !== undefined && (node === undefined || isCollection(node) || (isScalar(node) && node.value === null));
  const anchor = useKey ? key : (node ?? undefined);
  const offset = anchor?.range?.[0] ?? 0;
  return { line: lineCounter.linePos(offset).line, offset };
}

function child(doc: Document, node: Node | undefined, segment: Segment): { key?: Node; value: Node | undefined } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      // Keys are compared as text: zod sees `123:` as the string "123".
      if (isScalar(pair.key) && String(pair.key.value) === String(segment)) {
        return { key: pair.key, value: resolve(doc, pair.value as Node | null) };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as Node | null | undefined;
    return item === undefined ? undefined : { value: resolve(doc, item) };
  }
  return undefined;
}

function resolve(doc: Document, node: Node | null | undefined): Node | undefined {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? node;
  return node ?? undefined;
}
