import type { EventSink, RunEvent } from '../../core/events.js';
import { terminalText } from '../../core/terminalText.js';
import { err, type CliIO, type GlobalOptions } from '../io.js';
import { paintFor } from './ansi.js';
import { createStepList } from './stepList.js';

/** An EventSink that may hold a spinner timer; `close()` stops it (safe to call twice, or never). */
export type ProgressView = EventSink & {
  close(): void;
  /** Give the terminal to a prompt while `ask` runs: the live lines are cleared and not redrawn meanwhile. */
  whilePrompting<T>(ask: () => Promise<T>): Promise<T>;
};

export interface ProgressOptions {
  /** For tests: the clock the running step's timer reads. */
  now?: () => number;
}

/**
 * Step-by-step progress on stderr, so stdout stays for the result (and for
 * the one JSON document under --json, where progress is silent).
 */
export function progressView(io: CliIO, globals: GlobalOptions, options: ProgressOptions = {}): ProgressView {
  if (globals.quiet || (globals.json && !globals.verbose)) return withClose(() => {});
  if (!io.stderrIsTTY) return withClose(cleaned(plainLines(io, globals)));
  const stream = io.stderr as { columns?: number };
  const list = createStepList({
    write: (text) => io.stderr.write(text),
    columns: () => (stream.columns && stream.columns > 0 ? stream.columns : 80),
    paint: paintFor(io.env),
    now: options.now,
  });
  const whilePrompting = async <T>(ask: () => Promise<T>): Promise<T> => {
    list.suspend();
    try {
      return await ask();
    } finally {
      list.resume();
    }
  };
  return Object.assign(cleaned((event) => (shown(event, globals) ? list.handle(event) : undefined)), { close: list.close, whilePrompting });
}

/**
 * Every text of an event (step names and details come from plans, tools and
 * the ledger) reaches the view as one line with no escape sequence in it:
 * the step list counts the lines it drew to erase them again.
 */
function cleaned(sink: EventSink): EventSink {
  return (event) => {
    const entries = Object.entries(event).map(([key, value]) => [key, typeof value === 'string' ? oneLine(value) : value]);
    sink(Object.fromEntries(entries) as RunEvent);
  };
}

function oneLine(text: string): string {
  return terminalText(text).replace(/\s*\n\s*/g, ' ');
}

/** A note marked verbose is a detail for --verbose only. */
function shown(event: RunEvent, globals: GlobalOptions): boolean {
  return globals.verbose || !(event.type === 'note' && event.verbose === true);
}

/** One line per finished step, for logs and pipes; scripts match `ok <name> (<s>s)` and `FAILED <name>`. */
function plainLines(io: CliIO, globals: GlobalOptions): EventSink {
  return (event) => {
    switch (event.type) {
      case 'run.started':
        err(io, `${event.title} (run ${event.runId})`);
        break;
      case 'step.started':
        if (globals.verbose) err(io, `  ... ${event.name}`);
        break;
      case 'step.finished': {
        const seconds = (event.durationMs / 1000).toFixed(2);
        const detail = event.detail ? `: ${event.detail}` : '';
        err(io, `  ${event.ok ? 'ok' : 'FAILED'} ${event.name} (${seconds}s)${detail}`);
        break;
      }
      case 'note':
        if (shown(event, globals)) err(io, `  ${event.text}`);
        break;
      case 'watch.tick':
        err(io, `  ${event.line}`);
        break;
    }
  };
}

function withClose(sink: EventSink): ProgressView {
  return Object.assign(sink, { close: () => {}, whilePrompting: <T>(ask: () => Promise<T>) => ask() });
}
