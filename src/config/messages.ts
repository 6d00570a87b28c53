import type { z } from 'zod';

/**
 * Plain-language messages for zod's built-in checks, passed per parse. Messages
 * written into the schema itself take precedence, so this only fills the gaps.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${showExpected(issue.values[0])}`
        : `expected one of: ${issue.values.map(showExpected).join(', ')}`;
    case 'too_small':
      return bound('at least', issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case 'too_big':
      return bound('at most', issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_format':
      return issue.format === 'url'
        ? 'expected a URL'
        : issue.format === 'regex' && 'pattern' in issue
          ? `expected text matching ${String(issue.pattern)}`
          : `expected a valid ${issue.format}`;
    case 'invalid_union':
      return 'expected one of the allowed forms (see the configuration reference)';
    default:
      return undefined;
  }
};

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

function bound(word: string, origin: string, limit: number, inclusive: boolean): string {
  if (origin === 'array') return `expected ${word} ${limit} item${limit === 1 ? '' : 's'}`;
  if (origin === 'string') {
    return limit === 1 && word === 'at least' ? 'expected a non-empty string' : `expected ${word} ${limit} characters`;
  }
  const sign = word === 'at least' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  return `expected a number ${sign} ${limit}`;
}

function showExpected(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value as it appears in a message's "(got ...)", or undefined when it would be too long to help. */
export function showGiven(value: unknown): string | undefined {
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object' && value !== undefined && Object.getPrototypeOf(value) === Object.prototype) {
    // The keys given are what tells a user which form they were aiming for.
    const keys = Object.keys(value);
    const listed = keys.join(', ');
    return keys.length === 0 ? 'an empty mapping' : listed.length <= 40 ? `a mapping with ${listed}` : 'a mapping';
  }
  return undefined;
}

/** `environments.production.smoke[0]`; odd keys quoted so the path stays readable. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}
