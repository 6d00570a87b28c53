import type { EventSink, RunEvent } from '../../core/events.js';
import { err, type CliIO } from '../io.js';

/**
 * With REWIND_TIMELINE=1, every milestone and step on stderr as
 * `rewind: timeline <ms> <what>`, ms counted from the process's start
 * (performance.now()'s origin): where a command's time goes, as the
 * benchmark prints it. Otherwise `inner` unchanged.
 */
export function withTimeline<S extends EventSink>(io: CliIO, inner: S, now: () => number = () => performance.now()): S {
  if (io.env.REWIND_TIMELINE !== '1') return inner;
  const sink = (event: RunEvent): void => {
    const what = milestone(event);
    if (what !== undefined) err(io, `rewind: timeline ${Math.round(now())} ${what}`);
    inner(event);
  };
  return Object.assign(sink, inner);
}

function milestone(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'phase':
      return event.what;
    case 'run.started':
      return `run ${event.runId} started: ${event.title}`;
    case 'step.started':
      return `step "${event.name}" starts`;
    case 'step.finished':
      return `step "${event.name}" ${event.ok ? 'done' : 'FAILED'}`;
    default:
      return undefined;
  }
}
