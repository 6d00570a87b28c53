/**
 * Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and field selectors (`metadata.name=x`), parsed the way
 * the API server reads the labelSelector and fieldSelector query parameters.
 */
import { errors } from './status.js';

type Obj = Record<string, any>;
export type Matcher = (object: Obj) => boolean;

/** The comma-separated parts, commas inside `( )` kept. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function labelRequirement(text: string): Matcher {
  const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    return (labels) => (op === 'in' ? key in labels && values.includes(labels[key]) : !(key in labels) || !values.includes(labels[key]));
  }
  const compare = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(text);
  if (compare) {
    const [, key = '', op, value] = compare;
    return (labels) => (op === '!=' ? labels[key] !== value : labels[key] === value);
  }
  const exists = /^(!?)([\w./-]+)$/.exec(text);
  if (exists) {
    const [, not, key = ''] = exists;
    return (labels) => (not ? !(key in labels) : key in labels);
  }
  throw errors.badRequest(`unable to parse requirement: ${JSON.stringify(text)}`);
}

export function labelMatcher(selector: string | null | undefined): Matcher {
  const checks = requirements(selector ?? '').map(labelRequirement);
  return (object) => {
    const labels: Obj = object.metadata?.labels ?? {};
    return checks.every((check) => check(labels));
  };
}

const FIELDS: Record<string, (o: Obj) => unknown> = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
  'status.phase': (o) => o.status?.phase,
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
};

export function fieldMatcher(selector: string | null | undefined): Matcher {
  const checks = requirements(selector ?? '').map((text): Matcher => {
    const parsed = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
    if (!parsed) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${text}'`);
    const [, field = '', op, value] = parsed;
    const read = FIELDS[field];
    if (!read) throw errors.badRequest(`field label not supported: ${field}`);
    return (o) => (op === '!=' ? String(read(o) ?? '') !== value : String(read(o) ?? '') === value);
  });
  return (object) => checks.every((check) => check(object));
}

/** A Deployment's or ReplicaSet's spec.selector (matchLabels and matchExpressions) as a matcher on labels. */
export function labelSelectorMatcher(selector: Obj | undefined): Matcher {
  if (!selector) return () => false;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  // An empty selector would match everything; the API refuses it for workloads, so it matches nothing here.
  return parts.length === 0 ? () => false : labelMatcher(parts.join(','));
}
