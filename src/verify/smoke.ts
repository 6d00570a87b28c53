/**
 * Smoke commands: the user's own end-to-end checks, run in order through the
 * Exec port. The first failure ends the run, since later commands usually
 * depend on what the earlier ones proved.
 */
import type { Exec } from '../core/ports.js';
import { expandArgv } from '../core/template.js';
import type { TemplateVars } from '../core/template.js';
import type { SmokeCommandResult, SmokeResult } from '../core/verification.js';

export type { SmokeCommandResult, SmokeResult };

export interface SmokeDeps {
  exec: Exec;
  cwd?: string;
  vars: TemplateVars;
  env?: Record<string, string>;
  timeoutMs?: number;
  now?: () => number;
}

const TAIL_LINES = 20;
const TAIL_CHARS = 2000;

export async function runSmoke(commands: readonly (readonly string[])[], deps: SmokeDeps): Promise<SmokeResult> {
  const now = deps.now ?? (() => performance.now());
  const options = {
    ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}),
    ...(deps.env !== undefined ? { env: deps.env } : {}),
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
  };
  const results: SmokeCommandResult[] = [];
  for (const command of commands) {
    const argv = expandArgv(command, deps.vars);
    const started = now();
    let result: SmokeCommandResult;
    try {
      const run = await deps.exec.run(argv, options);
      // The Exec's argv has secrets redacted; results end up in reports.
      result = { argv: run.argv, code: run.code, durationMs: run.durationMs, outputTail: tail(joinOutput(run.stdout, run.stderr)) };
    } catch (error) {
      // Exec rejects only when the program cannot start (not found, not executable).
      const message = error instanceof Error ? error.message : String(error);
      result = { argv: shownArgv(error) ?? argv, code: null, durationMs: Math.round(now() - started), outputTail: tail(message) };
    }
    results.push(result);
    if (result.code !== 0) return { ok: false, results, reason: failureReason(result) };
  }
  return { ok: true, results, reason: null };
}

/** An argv shown the way a user would type it, unambiguous about item boundaries. */
export function showArgv(argv: readonly string[]): string {
  return argv.map((item) => (/^[\w@%+=:,./-]+$/.test(item) ? item : JSON.stringify(item))).join(' ');
}

/** A start error may carry the argv as the Exec shows it (redacted). */
function shownArgv(error: unknown): string[] | undefined {
  const argv = (error as { details?: { argv?: unknown } } | null)?.details?.argv;
  return Array.isArray(argv) && argv.every((item) => typeof item === 'string') ? argv : undefined;
}

function failureReason(result: SmokeCommandResult): string {
  const what = result.code === null ? 'could not start' : `exited ${result.code}`;
  const lastLine = result.outputTail.split('\n').map((line) => line.trim()).filter(Boolean).pop();
  const command = clip(showArgv(result.argv), 120);
  return `smoke command ${command} ${what}${lastLine ? `: ${clip(lastLine, 160)}` : ''}`;
}

function joinOutput(stdout: string, stderr: string): string {
  const out = stdout.trimEnd();
  const err = stderr.trimEnd();
  return out && err ? `${out}\n${err}` : out || err;
}

function tail(text: string): string {
  const lines = text.trimEnd().split('\n');
  const kept = lines.slice(-TAIL_LINES).join('\n');
  return kept.length <= TAIL_CHARS ? kept : kept.slice(-TAIL_CHARS);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
