/** The validation errors (422 Invalid) a client can run into with the kinds served here; the rest is accepted. */
import { isDeepStrictEqual } from 'node:util';
import type { ResourceType } from './resources.js';
import { labelSelectorMatcher } from './selectors.js';
import { errors } from './status.js';

type Obj = Record<string, any>;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validate(type: ResourceType, object: Obj, old?: Obj): void {
  const name = String(object.metadata?.name ?? '');
  const fail = (field: string, why: string): never => {
    throw errors.invalid(type, name, field, why);
  };
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    fail('metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric ` +
      `characters, '-' or '.', and must start and end with an alphanumeric character`);
  }
  if (type.kind === 'Deployment' || type.kind === 'ReplicaSet') validateWorkload(object, old, fail);
  if (type.kind === 'Pod') validateContainers(object.spec?.containers, 'spec.containers', fail);
}

function validateWorkload(object: Obj, old: Obj | undefined, fail: (field: string, why: string) => never): void {
  const spec = object.spec ?? {};
  const selector = spec.selector;
  const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
  if (empty) fail('spec.selector', 'Required value');
  if (!labelSelectorMatcher(selector)({ metadata: { labels: spec.template?.metadata?.labels ?? {} } })) {
    fail('spec.template.metadata.labels', 'Invalid value: `selector` does not match template `labels`');
  }
  if (old && !isDeepStrictEqual(old.spec?.selector, selector)) fail('spec.selector', 'Invalid value: field is immutable');
  for (const field of ['replicas', 'revisionHistoryLimit', 'minReadySeconds', 'progressDeadlineSeconds']) {
    const value = spec[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      fail(`spec.${field}`, `Invalid value: ${JSON.stringify(value)}: must be greater than or equal to 0`);
    }
  }
  if (typeof spec.progressDeadlineSeconds === 'number' && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
    fail('spec.progressDeadlineSeconds', 'Invalid value: must be greater than minReadySeconds');
  }
  validateContainers(spec.template?.spec?.containers, 'spec.template.spec.containers', fail);
}

function validateContainers(containers: unknown, field: string, fail: (field: string, why: string) => never): void {
  if (!Array.isArray(containers) || containers.length === 0) fail(field, 'Required value');
  (containers as Obj[]).forEach((c, i) => {
    if (!c.name) fail(`${field}[${i}].name`, 'Required value');
    if (!c.image) fail(`${field}[${i}].image`, 'Required value');
  });
}
