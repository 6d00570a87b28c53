/**
 * The one line of a failed command's output most likely to say why: tools
 * often end with a line that only says they failed (tar's "Exiting with
 * failure status due to previous errors", npm's pointer to its log), or
 * with advice after the real error (git). So: skip those, prefer the last
 * line flagged as an error (`fatal:`, `error:`, `ERR!`) or naming a system
 * error, else take the last line.
 */
const BOILERPLATE = [
  /exiting with failure status due to previous errors/i,
  /complete log of this run can be found in/i,
  /^npm (error|ERR!) (a complete log|code [A-Z]+$)/i,
];

const FLAGGED = [
  /^(fatal|error):/i,
  /no space left on device|disk quota exceeded|read-only file system|permission denied|cannot allocate memory/i,
];

export function reasonLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !BOILERPLATE.some((pattern) => pattern.test(line)));
  for (const pattern of FLAGGED) {
    const flagged = lines.filter((line) => pattern.test(line));
    if (flagged.length > 0) return flagged[flagged.length - 1] as string;
  }
  return lines[lines.length - 1] ?? '';
}
