/** What a run tells whoever watches it (a terminal view, the JSON view, a test). */
export type RunEvent =
  | { type: 'run.started'; runId: string; kind: string; title: string }
  | { type: 'step.started'; runId: string; index: number; name: string }
  | { type: 'step.finished'; runId: string; index: number; name: string; ok: boolean; durationMs: number; detail: string }
  /** `verbose`: a detail shown only under --verbose (how a host is reached, say). */
  | { type: 'note'; text: string; verbose?: boolean }
  /** A watch's verdict at one tick: `changed` when it differs from the tick before (a line to keep, not just to redraw). */
  | { type: 'watch.tick'; runId: string; line: string; changed: boolean }
  /** A milestone of the command itself (config read, logged in to a host, ...): what REWIND_TIMELINE=1 prints, with the time. */
  | { type: 'phase'; what: string };

export type EventSink = (event: RunEvent) => void;

export const ignoreEvents: EventSink = () => {};
