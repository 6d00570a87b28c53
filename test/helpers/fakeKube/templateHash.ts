/**
 * Pod templates as the deployment controller compares them: equal when they are equal without the
 * pod-template-hash label (EqualIgnoreHash), and named by a hash of the template (ComputeHash: FNV-1a 32 over the
 * template and the collision count, written with the API's safe alphabet).
 */
import { isPlainObject } from './mergePatch.js';

type Obj = Record<string, any>;

export const HASH_LABEL = 'pod-template-hash';
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The template as data, without the hash label and without the nulls and empty maps Go's encoder adds or leaves out. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isPlainObject(value)) return value;
  const out: Obj = {};
  for (const k of Object.keys(value).sort()) {
    const v = canonical(value[k]);
    if (v === null || v === undefined || (isPlainObject(v) && Object.keys(v).length === 0)) continue;
    out[k] = v;
  }
  return out;
}

function withoutHash(template: Obj | undefined): Obj {
  const copy: Obj = structuredClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
  return copy;
}

export function templateKey(template: Obj | undefined): string {
  return JSON.stringify(canonical(withoutHash(template)));
}

export function sameTemplate(a: Obj | undefined, b: Obj | undefined): boolean {
  return templateKey(a) === templateKey(b);
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function podTemplateHash(template: Obj | undefined, collisionCount = 0): string {
  const hash = fnv1a32(`${templateKey(template)}#${collisionCount}`);
  // rand.SafeEncodeString over the decimal digits, as the real controller does with fmt.Sprint(hash).
  return [...String(hash)].map((ch) => SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}
