import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { deploy, type DeployResult } from '../../operations/deploy.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { releaseJson, runJson } from '../views/json.js';

export function registerDeploy(program: Command, io: CliIO): void {
  program
    .command('deploy')
    .description('make a release, switch to it, reload, verify; roll back by itself when verification fails')
    .argument('<version>', 'the version to deploy (a git ref, or the name used in the source path)')
    .option('--no-auto-rollback', 'keep the failed release current instead of going back')
    .option('--reason <text>', 'why, for the history')
    .action(async (version: string, options: { autoRollback: boolean; reason?: string }, command: Command) => {
      const globals = globalsOf(command);
      const result = await withEnvironment(io, globals, (deps) => deploy(deps, { version, autoRollback: options.autoRollback, reason: options.reason }));
      if (globals.json) printJson(io, deployJson(result));
      else if (!globals.quiet) out(io, deploySummary(result));
      io.exitCode = deployExitCode(result);
    });
}

/** 4 when the automatic rollback found no good version either; else the failure's own code (2 for bad input, 1 for a failed run). */
function deployExitCode(result: DeployResult): number {
  if (result.ok) return EXIT.ok;
  if (result.rollback?.error?.exitCode === EXIT.noKnownGood) return EXIT.noKnownGood;
  return result.error?.exitCode ?? EXIT.runFailed;
}

function deploySummary(result: DeployResult): string {
  const { release } = result;
  const sha = release.sha ? ` (${release.sha.slice(0, 7)})` : '';
  if (result.ok) return `deployed ${release.version}${sha}: ${release.status}`;
  const lines = [`deploy of ${release.version}${sha} FAILED: ${result.error?.message ?? 'unknown error'}`];
  if (result.rollback) {
    const rb = result.rollback;
    lines.push(rb.ok
      ? `rolled back to ${rb.plan.to.version}: verified, running ${rb.liveAfter ?? 'unknown'}`
      : `automatic rollback to ${rb.plan.to.version} FAILED: ${rb.error?.message ?? 'unknown error'}; running ${rb.liveAfter ?? 'unknown'}`);
    lines.push(`report: ${rb.files.reportMd}`);
  } else if (result.rollbackSkipped) {
    lines.push(`no automatic rollback: ${result.rollbackSkipped}`);
  }
  return lines.join('\n');
}

function deployJson(result: DeployResult): Record<string, unknown> {
  return {
    ok: result.ok,
    run_id: result.run.id,
    run: runJson(result.run),
    release: releaseJson(result.release),
    previous_version: result.previous?.version ?? null,
    steps: result.outcomes.map((o) => ({ name: o.name, ok: o.ok, duration_ms: o.durationMs, detail: o.detail })),
    verification: result.verification ?? null,
    error: result.error ? { code: result.error.code, message: result.error.message } : null,
    rollback: result.rollback
      ? { ok: result.rollback.ok, run_id: result.rollback.run.id, to_version: result.rollback.plan.to.version, live_after: result.rollback.liveAfter, report: result.rollback.files.reportMd, error: result.rollback.error?.message ?? null }
      : null,
    rollback_skipped: result.rollbackSkipped,
    pruned: result.pruned,
  };
}
