/**
 * The few terminal escapes the step list needs. Hand-written because listr2
 * is not among the installed dependencies; CUU, CR and ED are understood by
 * every terminal worth supporting.
 */

/** Move up over `lines` lines we drew and clear from there to the end of the screen. */
export function eraseLines(lines: number): string {
  return lines > 0 ? `\x1b[${lines}A\r\x1b[J` : '';
}

export interface Paint {
  green(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export const colours: Paint = { green: sgr(32, 39), red: sgr(31, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22) };

const plain = (text: string) => text;
export const noColours: Paint = { green: plain, red: plain, cyan: plain, dim: plain, bold: plain };

/** https://no-color.org: any non-empty NO_COLOR turns colour off. */
export function paintFor(env: NodeJS.ProcessEnv): Paint {
  return env.NO_COLOR ? noColours : colours;
}

/**
 * Cut text to fit `width` columns, so a live line never wraps: a wrapped line
 * would make the next erase move up too few lines and leave debris behind.
 */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}\u2026`;
}
