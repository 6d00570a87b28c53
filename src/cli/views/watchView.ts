import { EXIT } from '../../core/errors.js';
import type { WatchResult } from '../../operations/watch/watchRelease.js';
import { out, printJson, type CliIO, type GlobalOptions } from '../io.js';
import { runJson } from './json.js';
import { rollbackJson, rollbackSummary } from './rollbackView.js';

/** How a watch ended: one JSON document, or a few lines; returns the exit code it means. */
export function showWatch(io: CliIO, globals: GlobalOptions, result: WatchResult): number {
  if (globals.json) printJson(io, watchJson(result));
  else if (!globals.quiet) out(io, watchSummary(result));
  return watchExitCode(result);
}

/** 0: nothing acted; 3: a human decides (tier 2, or the rollback waits for approval); the rollback's own code when it failed; else 1. */
export function watchExitCode(result: WatchResult): number {
  if (result.outcome === 'passed') return EXIT.ok;
  if (result.rollback && !result.rollback.ok) return result.rollback.error?.exitCode ?? EXIT.runFailed;
  return result.error?.exitCode ?? EXIT.runFailed;
}

export function watchJson(result: WatchResult): Record<string, unknown> {
  const { plan } = result;
  return {
    run_id: result.run.id,
    kind: 'watch',
    outcome: result.outcome,
    version: plan.version,
    started_at: plan.startedAt,
    until: plan.until,
    interval_ms: plan.intervalMs,
    decision: plan.decision,
    recorded: plan.recorded,
    segments: plan.segments,
    run: runJson(result.run),
    rollback: result.rollback ? rollbackJson(result.rollback) : null,
    error: result.error ? { code: result.error.code, message: result.error.message } : null,
  };
}

export function watchSummary(result: WatchResult): string {
  const { plan } = result;
  const ticks = plan.segments.reduce((sum, s) => sum + s.ticks, 0);
  const recorded = plan.recorded.map((c) => `tier 3 recorded: ${c}`);
  if (result.outcome === 'passed') {
    const verdict = plan.segments.every((s) => s.state === 'ok') ? 'every condition ok' : 'no tier 1 or 2 condition held';
    return [`watched ${plan.version} until ${plan.until}: ${ticks} ticks, ${verdict}`, ...recorded].join('\n');
  }
  const lines = [...recorded];
  if (result.rollback) lines.push(rollbackSummary(result.rollback));
  lines.push(`watch ${result.run.id}: ${result.error?.message ?? result.run.error ?? result.outcome}`);
  return lines.join('\n');
}
