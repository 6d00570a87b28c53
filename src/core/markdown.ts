/**
 * Markdown assembled from values rewind does not control: reasons from the
 * command line, names of people, step output, error messages. A value must
 * never become structure: a newline in it must not start a line of its own
 * (`- approved by: ...`, `## Risks`), and it must not open a heading, a list
 * item, a link, an HTML tag, a table cell or emphasis. So every writer builds
 * its lines with `md`, a template tag that escapes every value it is given;
 * only the literal text of the template is markdown. A line is a `Markdown`,
 * which a string is not, so `document` cannot be handed text that skipped it.
 */
import { REDACTED, redact, redactedParts } from './redact.js';

declare const escaped: unique symbol;

/** Text that is markdown by construction: made only by a kit's `md` and `code`. */
export interface Markdown {
  readonly [escaped]: true;
  readonly text: string;
}

/** What a template may interpolate: text is escaped, numbers are shown as they are, Markdown is kept. */
export type MdValue = string | number | Markdown;

export interface MarkdownKit {
  /** One line (or a part of one): the template's literal text as written, every value escaped. */
  md(strings: TemplateStringsArray, ...values: readonly MdValue[]): Markdown;
  /** A code span that shows `text` as it is, whatever backticks it holds. */
  code(text: string): Markdown;
  /** A link destination (`[text](here)`): what could end or break it is percent-encoded. */
  url(text: string): Markdown;
  /** The lines of a file, joined; redacted once more as a last line of defence. */
  document(lines: ReadonlyArray<Markdown>): string;
}

const made = (text: string): Markdown => ({ text }) as Markdown;

/**
 * The kit for one document. Values are redacted before they are escaped:
 * a backslash put inside a secret would hide it from any later pass.
 */
export function markdownKit(secrets: readonly string[] = []): MarkdownKit {
  const value = (text: string, before: string, after: string): string => {
    const parts = redactedParts(text, secrets);
    return parts.map((part, i) => {
      // `***` alone at the start of a line would be read as a rule.
      if (part.secret) return i === 0 && atLineStart(before) ? '\\*\\*\\*' : REDACTED;
      return escapeMarkdown(part.text, {
        lineStart: i === 0 && atLineStart(before),
        before: i === 0 ? before.slice(-1) : REDACTED,
        after: i === parts.length - 1 ? after.slice(0, 1) : REDACTED,
      });
    }).join('');
  };
  return {
    md(strings, ...values) {
      let text = strings[0] ?? '';
      values.forEach((item, i) => {
        const next = strings[i + 1] ?? '';
        if (typeof item === 'number') text += String(item);
        else if (typeof item === 'string') text += value(item, text, next);
        else text += item.text;
        text += next;
      });
      return made(text);
    },
    code(text) {
      const flat = redactedParts(text, secrets).map((part) => (part.secret ? REDACTED : visibleControls(oneLine(part.text)))).join('');
      const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
      const fence = '`'.repeat(longest + 1);
      // A span that starts or ends with a backtick needs a space between it and the fence.
      const pad = /^`|`$/.test(flat) ? ' ' : '';
      return made(`${fence}${pad}${flat}${pad}${fence}`);
    },
    url(text) {
      return made(encodeURI(redact(text, secrets)).replace(/[()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
    },
    document(lines) {
      return redact(lines.map((line) => line.text).join('\n'), secrets);
    },
  };
}

/** Nothing but blanks since the last line break: a value placed here could open a block. */
function atLineStart(text: string): boolean {
  return /(^|\n)[ \t]*$/.test(text);
}

export interface EscapeContext {
  /** The value begins a line. */
  lineStart?: boolean;
  /** The character just before and just after the value, where known: an `_` between letters is no delimiter. */
  before?: string;
  after?: string;
}

/** Escaped wherever they are: each can open a link, an HTML tag or comment, a code span, emphasis, strikethrough or a cell. */
const ACTIVE = /[\\`*[\]<|~]/g;

/**
 * The one escaping function for text inside markdown. Line breaks become
 * spaces (a value stays on its line), other control characters a visible
 * `\xHH`, markdown's active characters get a backslash. Kept readable: `.`,
 * `-`, `>`, `#` and `_` inside a word are left alone where they cannot start
 * anything, so `rolled_back` and `current -> v2` read as they always did.
 */
export function escapeMarkdown(text: string, context: EscapeContext = {}): string {
  const flat = oneLine(text).replace(ACTIVE, (c) => `\\${c}`);
  let out = '';
  for (let i = 0; i < flat.length; i += 1) {
    const c = flat[i] as string;
    if (c !== '_') {
      out += c;
      continue;
    }
    const before = i > 0 ? flat[i - 1] : context.before;
    const after = i + 1 < flat.length ? flat[i + 1] : context.after;
    out += isWordChar(before) && isWordChar(after) ? c : '\\_';
  }
  if (context.lineStart) {
    out = out.replace(/^[ \t]+/, '');
    // A heading, quote, list item or setext underline; `1.` and `1)` are ordered list items.
    out = /^[#>+=-]/.test(out) ? `\\${out}` : out.replace(/^(\d{1,9})([.)])/, '$1\\$2');
  }
  return visibleControls(out);
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && c !== '' && /^[\p{L}\p{N}]$/u.test(c);
}

/** Line breaks of every kind, and tabs, become one space each. */
function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\t\u0085\u2028\u2029]/g, ' ');
}

/** Control and bidirectional-override characters would act on a terminal that prints the file, or reorder what is read. */
function visibleControls(text: string): string {
  return text.replace(/[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
