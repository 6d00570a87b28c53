import type { EventSink } from '../../core/events.js';
import { err, type CliIO, type GlobalOptions } from '../io.js';

/**
 * Step-by-step progress on stderr, so stdout stays for the result (and for
 * the one JSON document under --json, where progress is silent).
 */
export function progressView(io: CliIO, globals: GlobalOptions): EventSink {
  if (globals.quiet || (globals.json && !globals.verbose)) return () => {};
  const tick = io.stderrIsTTY ? '\u2714' : 'ok';
  const cross = io.stderrIsTTY ? '\u2716' : 'FAILED';
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
        err(io, `  ${event.ok ? tick : cross} ${event.name} (${seconds}s)${detail}`);
        break;
      }
      case 'note':
        err(io, `  ${event.text}`);
        break;
    }
  };
}
