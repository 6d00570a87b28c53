import { EXIT } from '../../core/errors.js';
import type { DeployResult } from '../../operations/deploy.js';
import { out, printJson, type CliIO, type GlobalOptions } from '../io.js';
import { releaseJson, runJson } from './json.js';

/** Show a deploy's result; returns the exit code it means. */
export function showDeploy(io: CliIO, globals: GlobalOptions, result: DeployResult): number {
  if (globals.json) printJson(io, deployJson(result));
  else if (!globals.quiet) out(io, deploySummary(result));
  return deployExitCode(result);
}

/** 4 when the automatic rollback found no good version either; else the failure's own code (2 for bad input, 1 for a failed run). */
export function deployExitCode(result: DeployResult): number {
  if (result.ok) return EXIT.ok;
  if (result.rollback?.error?.exitCode === EXIT.noKnownGood) return EXIT.noKnownGood;
  // The automatic rollback waits for an operator (a manual migration): blocked, not merely failed.
  if (result.rollback?.paused) return EXIT.blocked;
  return result.error?.exitCode ?? EXIT.runFailed;
}

export function deploySummary(result: DeployResult): string {
  const { release } = result;
  const sha = release.sha ? ` (${release.sha.slice(0, 7)})` : '';
  const migrations = release.migrations.length > 0 ? `; migrations applied: ${release.migrations.join(', ')}` : '';
  if (result.ok) return `deployed ${release.version}${sha}: ${release.status}${migrations}`;
  const lines = [`deploy of ${release.version}${sha} FAILED: ${result.error?.message ?? 'unknown error'}`];
  if (result.rollback) {
    const rb = result.rollback;
    lines.push(rb.ok
      ? `rolled back to ${rb.plan.to.version}: verified, running ${rb.liveAfter ?? 'unknown'}`
      : rb.paused
        ? `automatic rollback to ${rb.plan.to.version} PAUSED before the switch: ${rb.error?.message ?? 'a manual step'}`
        : `automatic rollback to ${rb.plan.to.version} FAILED: ${rb.error?.message ?? 'unknown error'}; ` +
          `running ${rb.liveAfter ?? 'unknown'}`);
    if (!rb.paused) lines.push(`report: ${rb.files.reportMd}`);
  } else if (result.rollbackSkipped) {
    lines.push(`no automatic rollback: ${result.rollbackSkipped}`);
  }
  return lines.join('\n');
}

export function deployJson(result: DeployResult): Record<string, unknown> {
  return {
    ok: result.ok,
    run_id: result.run.id,
    run: runJson(result.run),
    release: releaseJson(result.release),
    previous_version: result.previous?.version ?? null,
    steps: result.steps.map((s) => ({
      name: s.name,
      ok: s.status === 'succeeded',
      duration_ms: s.durationMs,
      detail: s.error ?? s.output,
    })),
    verification: result.verification ?? null,
    error: result.error ? { code: result.error.code, message: result.error.message } : null,
    rollback: result.rollback
      ? {
        ok: result.rollback.ok,
        paused: result.rollback.paused === true,
        run_id: result.rollback.run.id,
        to_version: result.rollback.plan.to.version,
        live_after: result.rollback.liveAfter,
        report: result.rollback.files.reportMd,
        error: result.rollback.error?.message ?? null,
      }
      : null,
    rollback_skipped: result.rollbackSkipped,
    pruned: result.pruned,
  };
}
