import { RewindError } from '../core/errors.js';
import type { Exec } from '../core/ports.js';

/** A migration tool can take its time (a big table's ALTER); it may not hang the run forever. */
const TOOL_TIMEOUT_MS = 30 * 60_000;

/**
 * Run a migration tool's command in the release dir with the database URL in its environment;
 * throws MIGRATION_FAILED on a non-zero exit.
 */
export async function runTool(
  exec: Exec,
  argv: readonly string[],
  cwd: string,
  env: Record<string, string>,
  what: string,
): Promise<string> {
  const result = await exec.run(argv, { cwd, env, timeoutMs: TOOL_TIMEOUT_MS });
  if (result.code !== 0) {
    const last = lastLine(result.stderr) || lastLine(result.stdout);
    throw new RewindError('MIGRATION_FAILED', `${what} failed (exit ${result.code})${last ? `: ${last}` : ''}`, {
      stdout: result.stdout,
      stderr: result.stderr,
    });
  }
  return result.stdout;
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').at(-1)?.trim() ?? '';
}
