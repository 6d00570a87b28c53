/** What a run tells whoever watches it (a terminal view, the JSON view, a test). */
export type RunEvent =
  | { type: 'run.started'; runId: string; kind: string; title: string }
  | { type: 'step.started'; runId: string; index: number; name: string }
  | { type: 'step.finished'; runId: string; index: number; name: string; ok: boolean; durationMs: number; detail: string }
  | { type: 'note'; text: string };

export type EventSink = (event: RunEvent) => void;

export const ignoreEvents: EventSink = () => {};
