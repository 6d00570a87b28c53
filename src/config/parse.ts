import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { z } from 'zod';
import { RewindError } from '../core/errors.js';
import { describeIssues } from './issues.js';
import type { ConfigIssue } from './issues.js';
import { configErrorMap } from './messages.js';
import type { ConfigProblem } from './safePaths.js';
import { configSchema } from './schema/index.js';
import type { RewindConfig } from './schema/index.js';

/**
 * Parse and validate the text of a rewind.yaml. `label` is how the file is
 * named in messages (`rewind.yaml:12: ...`). Throws CONFIG_INVALID with a
 * one-line message naming the first problem; all of them are in
 * `details.issues`. Only the text: the rules on paths need the file's place
 * (loadConfig applies them).
 */
export function parseConfigText(text: string, label: string): RewindConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw syntaxError(doc, lineCounter, label);

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    throw invalid(`${label} is empty: expected a mapping with at least app and environments (\`rewind init\` writes a starter)`, label, []);
  }
  if (!isMap(root)) {
    const line = lineCounter.linePos(root.range?.[0] ?? 0).line;
    const kind = isSeq(root) ? 'a list' : 'a single value';
    throw invalid(`${label}:${line}: expected a mapping of keys (app, environments, ...) at the top level, not ${kind}`, label, [
      { line, path: '', message: `expected a mapping at the top level, not ${kind}` },
    ]);
  }

  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw aliasError(doc, lineCounter, label, error);
  }

  const result = configSchema.safeParse(input, { error: configErrorMap });
  if (result.success) return result.data;
  throw issuesError(describeIssues(result.error.issues, input, doc, lineCounter), label);
}

/**
 * The CONFIG_INVALID error for problems found after the schema passed (see
 * safePaths.ts), each at its key path of `text`: reported as schema problems
 * are, the first with its line, all of them in `details.issues`.
 */
export function configProblemsError(text: string, label: string, problems: readonly ConfigProblem[]): RewindError {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues = problems.map(
    (problem): z.core.$ZodIssue => ({ code: 'custom', path: [...problem.path], message: problem.message, input: undefined }),
  );
  return issuesError(describeIssues(issues, doc.toJS({ maxAliasCount: 1000 }), doc, lineCounter), label);
}

function issuesError(issues: ConfigIssue[], label: string): RewindError {
  const [first] = issues;
  if (!first) return invalid(`${label}: does not match the schema`, label, []);
  const where = first.path === '' ? '' : `${first.path}: `;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length === 2 ? '' : 's'})` : '';
  return invalid(`${label}:${first.line}: ${where}${first.message}${more}`, label, issues);
}

function invalid(message: string, label: string, issues: ConfigIssue[]): RewindError {
  return new RewindError('CONFIG_INVALID', message, { file: label, issues });
}

function syntaxError(doc: Document, lineCounter: LineCounter, label: string): RewindError {
  const issues = doc.errors.map((error) => {
    // yaml reports an unclosed quote where the file ends; the quote that opened it is what needs fixing.
    const opened = error.code === 'MISSING_CHAR' ? unclosedQuoteStart(doc, error.pos[0]) : undefined;
    const { line, col } = lineCounter.linePos(opened ?? error.pos[0]);
    const message = opened === undefined ? syntaxMessage(doc, lineCounter, error) : 'this quoted string is never closed';
    return { line, col, path: '', message };
  });
  // Only the first: a YAML error usually sets off a cascade of follow-on errors.
  const first = issues[0] as (typeof issues)[number];
  return new RewindError('CONFIG_INVALID', `${label}:${first.line}:${first.col}: ${first.message}`, { file: label, issues });
}

function syntaxMessage(doc: Document, lineCounter: LineCounter, error: YAMLError): string {
  const text = error.message.split('\n')[0] ?? error.message;
  if (error.code === 'DUPLICATE_KEY') {
    const duplicate = findDuplicate(doc, error.pos[0]);
    if (duplicate) return `duplicate key "${duplicate.key}" (first on line ${lineCounter.linePos(duplicate.firstOffset).line})`;
    return 'duplicate key';
  }
  if (error.code === 'TAB_AS_INDENT') return 'tabs are not allowed for indentation in YAML; indent with spaces';
  // yaml's messages start with a capital; ours are lower case after the colon.
  return /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
}

function unclosedQuoteStart(doc: Document, errorOffset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, scalar) {
      if ((scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE') && scalar.range?.[1] === errorOffset) {
        start = scalar.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

function findDuplicate(doc: Document, offset: number): { key: string; firstOffset: number } | undefined {
  let found: { key: string; firstOffset: number } | undefined;
  visit(doc, {
    Map(_, map) {
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) continue;
        const key = String(pair.key.value);
        const first = map.items.find((other) => isScalar(other.key) && String(other.key.value) === key);
        found = { key, firstOffset: (first?.key as { range?: [number] } | undefined)?.range?.[0] ?? offset };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function aliasError(doc: Document, lineCounter: LineCounter, label: string, error: unknown): RewindError {
  let message = error instanceof Error ? error.message : String(error);
  let line: number | undefined;
  let col: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      ({ line, col } = lineCounter.linePos(alias.range?.[0] ?? 0));
      message = `unknown alias *${alias.source} (no anchor &${alias.source} before it)`;
      return visit.BREAK;
    },
  });
  const where = line === undefined ? label : `${label}:${line}:${col}`;
  return new RewindError(
    'CONFIG_INVALID',
    `${where}: ${message.split('\n')[0]}`,
    { file: label, issues: [{ line: line ?? 0, path: '', message }] },
    { cause: error },
  );
}
