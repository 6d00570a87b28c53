import { basename, isAbsolute } from 'node:path';
import { RewindError } from '../core/errors.js';
import type { Release } from '../core/release.js';
import { expandArgv, type TemplateVars } from '../core/template.js';
import type { Step } from '../engine/runSteps.js';
import { probeOnce } from '../verify/probeOnce.js';
import { verifyRelease, type Verification } from '../verify/verifyRelease.js';
import type { EnvDeps } from './deps.js';

/** The steps deploy and rollback share: switch, reload, verify. */

/** A smoke command that hangs must not hang the rollback with it. */
const SMOKE_TIMEOUT_MS = 5 * 60_000;
/** Nor may a reload that never returns. */
const RELOAD_TIMEOUT_MS = 5 * 60_000;

export async function releaseVars(deps: EnvDeps, release: Pick<Release, 'version' | 'sha'>): Promise<TemplateVars> {
  return { ...(await deps.driver.vars(release.version)), sha: release.sha ?? '', env: deps.envName, app: deps.app };
}

export function switchStep(deps: EnvDeps, release: Release): Step {
  return {
    name: `switch to ${release.version}`,
    run: async () => {
      await deps.driver.activate(release.version);
      await deps.ledger.markLive(release.id, 'live', deps.clock.now().toISOString());
      return `current -> ${release.version}`;
    },
    simulate: async () => {
      const now = await deps.driver.inspect();
      return `would point current at ${release.version} (now ${now.version ?? 'nothing'})`;
    },
  };
}

export function reloadStep(deps: EnvDeps, release: Release): Step | undefined {
  const reload = deps.env.reload;
  if (!reload) return undefined;
  return {
    name: 'reload the app',
    run: async () => {
      const vars = await releaseVars(deps, release);
      const argv = expandArgv(reload, vars);
      const result = await deps.exec.run(argv, { cwd: vars.release_dir, env: releaseEnv(release, vars), timeoutMs: RELOAD_TIMEOUT_MS });
      if (result.code !== 0) {
        const last = lastLine(result.stderr) || lastLine(result.stdout);
        throw new RewindError('STEP_FAILED', `reload \`${argv.join(' ')}\` exited ${result.code}${last ? `: ${last}` : ''}`, { stdout: result.stdout, stderr: result.stderr });
      }
      return `${showCommand(argv)} exited 0 in ${result.durationMs}ms`;
    },
    simulate: async () => `would run ${showCommand(expandArgv(reload, await releaseVars(deps, release)))}`,
  };
}

/** Verifies the release and records the verdict on it; throws VERIFY_FAILED when it does not pass. */
export function verifyStep(deps: EnvDeps, release: Release, onResult: (verification: Verification) => void): Step {
  return {
    name: `verify ${release.version}`,
    run: async () => {
      const vars = await releaseVars(deps, release);
      const verification = await verifyRelease(
        { health: deps.env.health, smoke: deps.env.smoke, expected: { version: release.version, sha: release.sha }, cwd: vars.release_dir, vars, env: releaseEnv(release, vars), smokeTimeoutMs: SMOKE_TIMEOUT_MS },
        { exec: deps.exec, fetch: deps.fetch },
      );
      onResult(verification);
      const at = deps.clock.now().toISOString();
      if (!verification.ok) {
        await deps.ledger.updateRelease(release.id, { status: 'failed', markedBadAt: at });
        throw new RewindError('VERIFY_FAILED', `${release.version} failed verification: ${verification.reason}`, { checks: verification.checks });
      }
      await deps.ledger.updateRelease(release.id, { verifiedAt: at });
      await deps.ledger.markLive(release.id, 'verified');
      const passed = verification.checks.map((c) => c.detail).join('; ');
      return passed || 'nothing configured to check';
    },
    simulate: async () => {
      const health = deps.env.health;
      if (!health) return 'no health check configured: a real rollback could not prove its result';
      // The target is not running yet, so only ask whether the endpoint answers at all.
      const probe = await probeOnce(health.url, { fetch: deps.fetch });
      if (probe.status === null) throw new RewindError('VERIFY_FAILED', `the health endpoint does not answer: ${probe.reason}`);
      return `health endpoint answers (status ${probe.status} now); would check that ${release.version} reports ${release.sha?.slice(0, 7) ?? 'its version'}`;
    },
  };
}

export function releaseEnv(release: Pick<Release, 'version' | 'sha'>, vars: TemplateVars): Record<string, string> {
  return { REWIND_VERSION: release.version, REWIND_SHA: release.sha ?? '', REWIND_RELEASE_DIR: vars.release_dir ?? '' };
}

/** For display only: absolute program paths shortened to their file name. */
function showCommand(argv: readonly string[]): string {
  return argv.map((item) => (isAbsolute(item) ? basename(item) : item)).join(' ');
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').at(-1)?.trim() ?? '';
}
