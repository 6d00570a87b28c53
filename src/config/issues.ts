import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { configJsonSchema } from './jsonSchema.js';
import type { JsonSchema } from './jsonSchema.js';
import { formatPath, showGiven } from './messages.js';
import { positionOf } from './yamlPath.js';

/** One problem in rewind.yaml, as reported to users and in `details.issues`. */
export interface ConfigIssue {
  line: number;
  /** Dotted key path, empty for the top level. */
  path: string;
  message: string;
}

interface Located extends ConfigIssue {
  offset: number;
}

/** zod's issues as line-numbered, plain-language problems, in document order. */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  doc: Document,
  lineCounter: LineCounter,
): ConfigIssue[] {
  const located: Located[] = [];
  const at = (path: readonly PropertyKey[], shownPath: readonly PropertyKey[], message: string): void => {
    located.push({ ...positionOf(doc, lineCounter, path), path: formatPath(shownPath), message });
  };
  const wrapped = new Set<string>();
  for (const issue of issues) {
    const path = issue.path;
    const list = singleCommandInList(issue, input);
    if (list) {
      // One problem for `smoke: ["npm", "test"]`, not one per word.
      const listPath = path.slice(0, -1);
      const id = formatPath(listPath);
      if (!wrapped.has(id)) {
        at(
          listPath,
          listPath,
          'expected a list of commands; wrap this one command in another [ ]: ' +
            `[[${list.map((item) => JSON.stringify(item)).join(', ')}]]`,
        );
      }
      wrapped.add(id);
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      const expected = expectedKeys(path, valueAt(input, path));
      for (const key of issue.keys) at([...path, key], path, `unknown key "${key}"${expected ? ` (expected one of: ${expected})` : ''}`);
      continue;
    }
    if (issue.code === 'invalid_key') {
      at(path, path, issue.issues[0]?.message ?? issue.message);
      continue;
    }
    const value = valueAt(input, path);
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    if (issue.code === 'invalid_type' && value === undefined && typeof key === 'string' && isPlainObject(valueAt(input, parentPath))) {
      at(parentPath, parentPath, `missing required key "${key}"`);
      continue;
    }
    // Custom checks already name the value they object to.
    const given = issue.code === 'custom' ? undefined : showGiven(value);
    at(path, path, given === undefined ? issue.message : `${issue.message} (got ${given})`);
  }
  located.sort((a, b) => a.offset - b.offset);
  return located.map(({ line, path, message }) => ({ line, path, message }));
}

/** The list of strings given where a list of commands belongs, if that is what this issue is about. */
function singleCommandInList(issue: z.core.$ZodIssue, input: unknown): string[] | undefined {
  if (issue.code !== 'invalid_type' || issue.expected !== 'array' || typeof issue.path[issue.path.length - 1] !== 'number') {
    return undefined;
  }
  const list = valueAt(input, issue.path.slice(0, -1));
  return Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'string') ? list : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The keys allowed where an unknown key was found, read from the JSON Schema
 * so the list can never drift from the schema. Where several forms are
 * allowed (a source is { git } or { dir } or { tarball }), the forms that fit
 * the keys already given are the ones listed.
 */
function expectedKeys(path: readonly PropertyKey[], given: unknown): string | undefined {
  let candidates: JsonSchema[] = [configJsonSchema()];
  for (const segment of path) {
    candidates = candidates.flatMap(forms).flatMap((schema) => {
      if (typeof segment === 'number') return schema.items ? [schema.items] : [];
      const property = schema.properties?.[String(segment)];
      if (property) return [property];
      return typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : [];
    });
  }
  const objects = candidates.flatMap(forms).filter((schema) => schema.properties !== undefined);
  const givenKeys = isPlainObject(given) ? Object.keys(given) : [];
  const fitting = objects.filter((schema) => givenKeys.some((key) => schema.properties?.[key] !== undefined));
  const keys = new Set((fitting.length > 0 ? fitting : objects).flatMap((schema) => Object.keys(schema.properties ?? {})));
  return keys.size > 0 ? [...keys].join(', ') : undefined;
}

function forms(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ? schema.anyOf.flatMap(forms) : [schema];
}
