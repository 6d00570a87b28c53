import type { RunEvent } from '../../core/events.js';
import { eraseLines, fit, type Paint } from './ansi.js';

export interface StepListOptions {
  write: (text: string) => void;
  /** Read at every draw, so a resized terminal is honoured. */
  columns: () => number;
  paint: Paint;
  now?: () => number;
  frameMs?: number;
}

export interface StepList {
  handle(event: RunEvent): void;
  /** Stop the spinner and leave any unfinished step on screen as such. */
  close(): void;
  /** Clear the live lines and stop drawing them (a prompt takes the terminal) until `resume()`. */
  suspend(): void;
  resume(): void;
}

const FRAMES = ['\u280b', '\u2819', '\u2839', '\u2838', '\u283c', '\u2834', '\u2826', '\u2827', '\u2807', '\u280f'];
const TICK = '\u2714';
const CROSS = '\u2716';

interface Running {
  name: string;
  startedAt: number;
}

/**
 * A step list for a terminal. Steps are not known up front (they arrive as
 * events), so only the running steps form a live area that is redrawn in
 * place; a finished step is printed once, above it, and never touched again.
 * That keeps the redraw small and leaves a plain scrollback behind.
 */
export function createStepList(options: StepListOptions): StepList {
  const { write, paint } = options;
  const now = options.now ?? Date.now;
  const running = new Map<string, Running>();
  let drawn = 0;
  /** The watch's latest verdict, redrawn in place at every tick. */
  let watchLine: string | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const liveLines = (): string => {
    const width = options.columns() - 1;
    const spinner = FRAMES[frame % FRAMES.length] ?? '-';
    let text = '';
    for (const step of running.values()) {
      const elapsed = `${((now() - step.startedAt) / 1000).toFixed(1)}s`;
      const name = fit(step.name, width - 5 - elapsed.length);
      text += `  ${paint.cyan(spinner)} ${name} ${paint.dim(elapsed)}\n`;
    }
    if (watchLine !== undefined) text += `  ${paint.cyan('~')} ${fit(watchLine, width - 4)}\n`;
    return text;
  };

  /** One write per change: erase the live area, add permanent lines, redraw the live area. */
  let suspended = false;
  const render = (permanent = ''): void => {
    if (suspended) {
      if (permanent) write(permanent);
      return;
    }
    const live = liveLines();
    write(`${eraseLines(drawn)}${permanent}${live}`);
    drawn = running.size + (watchLine === undefined ? 0 : 1);
  };

  const startTimer = (): void => {
    if (timer) return;
    timer = setInterval(() => {
      frame += 1;
      render();
    }, options.frameMs ?? 80);
    // A spinner must never keep the process alive on its own.
    timer.unref();
  };

  const stopTimer = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  const handle = (event: RunEvent): void => {
    switch (event.type) {
      case 'run.started':
        render(`${paint.bold(event.title)} ${paint.dim(`(run ${event.runId})`)}\n`);
        break;
      case 'step.started':
        running.set(`${event.runId}#${event.index}`, { name: event.name, startedAt: now() });
        startTimer();
        render();
        break;
      case 'step.finished': {
        running.delete(`${event.runId}#${event.index}`);
        if (running.size === 0) stopTimer();
        const mark = event.ok ? paint.green(TICK) : paint.red(CROSS);
        const detail = event.detail ? `: ${event.ok ? event.detail : paint.red(event.detail)}` : '';
        render(`  ${mark} ${event.name} ${paint.dim(`(${(event.durationMs / 1000).toFixed(2)}s)`)}${detail}\n`);
        break;
      }
      case 'note':
        render(`  ${event.text}\n`);
        break;
      case 'watch.tick': {
        // A change of verdict stays on screen; a tick like the one before only redraws the live line.
        const kept = event.changed && watchLine !== undefined ? `  ${watchLine}\n` : '';
        watchLine = event.line;
        render(kept);
        break;
      }
    }
  };

  const close = (): void => {
    stopTimer();
    let unfinished = '';
    for (const step of running.values()) {
      unfinished += `  ${paint.dim('-')} ${step.name} ${paint.dim(`(${((now() - step.startedAt) / 1000).toFixed(2)}s, unfinished)`)}\n`;
    }
    running.clear();
    if (watchLine !== undefined) unfinished += `  ${watchLine}\n`;
    watchLine = undefined;
    if (drawn > 0 || unfinished) render(unfinished);
  };

  const suspend = (): void => {
    write(eraseLines(drawn));
    drawn = 0;
    suspended = true;
  };
  const resume = (): void => {
    suspended = false;
    render();
  };

  return { handle, close, suspend, resume };
}
