/** Kept while looking for the ready line: a login shell may print a banner first. */
const MAX_PREAMBLE_BYTES = 4096;

/**
 * A remote loop (the command session, the file operations loop) prints one
 * ready line once it is set up; whatever the login shell printed before it
 * is skipped. `buffer` is everything received so far: `rest` is what follows
 * the line once it has arrived, `kept` what to go on looking in until then
 * (bounded, so a chatty login shell cannot grow it).
 */
export function afterReadyLine(buffer: Buffer, readyLine: Buffer): { rest: Buffer } | { kept: Buffer } {
  const at = buffer.indexOf(readyLine);
  if (at !== -1) return { rest: buffer.subarray(at + readyLine.length) };
  return { kept: buffer.length > MAX_PREAMBLE_BYTES ? buffer.subarray(-readyLine.length) : buffer };
}
