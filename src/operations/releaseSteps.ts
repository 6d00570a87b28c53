import { basename, isAbsolute } from 'node:path';
import { stepFailed } from '../core/stepFailed.js';
import { RewindError } from '../core/errors.js';
import { onHostsLabel } from '../core/fleet.js';
import type { Release } from '../core/release.js';
import type { Verification } from '../core/verification.js';
import { expandArgv, type TemplateVars } from '../core/template.js';
import type { Step } from '../engine/runSteps.js';
import type { PlanStep } from '../core/plan.js';
import { rewindEnv } from '../core/rewindEnv.js';
import { targetsOf, type StepContext } from './stepContext.js';
import type { EnvDeps } from './deps.js';
import type { Target } from '../core/target.js';
import type { Driver } from '../core/driver.js';
import type { Slot } from '../core/traffic.js';
import { onHosts, settle } from './targets.js';
import { reasonLine } from '../core/reasonLine.js';
import { healthFor } from './healthFor.js';

/**
 * The steps deploy and rollback share: switch, reload, verify. Each acts on
 * a batch of hosts at once (one host on a single-host environment) and fails
 * when any host of the batch fails, after every host of it has finished.
 */

/** A smoke command that hangs must not hang the rollback with it. */
const SMOKE_TIMEOUT_MS = 5 * 60_000;
/** Nor may a reload that never returns. */
const RELOAD_TIMEOUT_MS = 5 * 60_000;

/** `driver`: a blue/green slot's own, whose vars hold {slot} and {port}; the target's by default. */
export async function releaseVars(
  deps: EnvDeps, target: Target, release: Pick<Release, 'version' | 'sha'>, driver: Driver = target.driver,
): Promise<TemplateVars> {
  return { ...(await driver.vars(release.version)), sha: release.sha ?? '', env: deps.envName, app: deps.app, host: target.address };
}

/** `on web1, web2` for a step that acts on some of the targets; nothing when there is only one. */
function onLabel(deps: Pick<EnvDeps, 'targets'>, hosts: readonly Target[]): string {
  return onHostsLabel(hosts.map((h) => h.name), deps.targets.map((t) => t.name));
}

/**
 * The last batch (`step.final`) alone makes the ledger call the release
 * live: until then the environment still belongs to the release it is
 * leaving, so running the same rollback again converges the fleet.
 */
export function switchStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  const hosts = targetsOf(step, deps);
  return {
    name: `switch to ${release.version}${onLabel(deps, hosts)}`,
    run: async () => {
      // A deploy's release got its artifact when it was made, after the run began.
      const run = { ...ctx.run, targetArtifact: release.artifact };
      const outcomes = await onHosts(hosts, deps.fleet.concurrency, (t) => t.driver.activate(release.version, run));
      if (step.final && outcomes.every((o) => o.ok)) await deps.ledger.markLive(release.id, 'live', deps.clock.now().toISOString());
      // A driver that ran the user's commands says what they did.
      return settle(outcomes, (said) => said || `current -> ${release.version}`);
    },
    simulate: async () => {
      const outcomes = await onHosts(hosts, deps.fleet.concurrency, async (t) => {
        const now = await t.driver.inspect();
        const would = t.driver.describeActivate
          ? await t.driver.describeActivate(release.version)
          : `would point current at ${release.version}`;
        return `${would} (now ${now.version ?? 'nothing'})`;
      });
      return settle(outcomes, (line) => line);
    },
  };
}

export function reloadStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  const hosts = targetsOf(step, deps);
  const reload = deps.env.reload;
  // The plan had a reload; the config no longer does: say so rather than run something else.
  if (!reload) {
    return { name: `reload the app${onLabel(deps, hosts)}`, run: async () => 'no reload command is configured now: nothing to run' };
  }
  return {
    name: `reload the app${onLabel(deps, hosts)}`,
    run: async () => {
      const outcomes = await onHosts(hosts, deps.fleet.concurrency,
        async (t) => runReload(ctx, t, reload, await releaseVars(deps, t, release)));
      return settle(outcomes, (line) => line);
    },
    simulate: async () => {
      const outcomes = await onHosts(
        hosts,
        deps.fleet.concurrency,
        async (t) => `would run ${showCommand(expandArgv(reload, await releaseVars(deps, t, release)))}`,
      );
      return settle(outcomes, (line) => line);
    },
  };
}

/** The reload command on one host with these vars, in the release dir; throws when it does not exit 0. */
export async function runReload(ctx: StepContext, t: Target, reload: readonly string[], vars: TemplateVars): Promise<string> {
  const argv = expandArgv(reload, vars);
  const result = await t.exec.run(argv, { cwd: vars.release_dir, env: releaseEnv(ctx, vars), timeoutMs: RELOAD_TIMEOUT_MS });
  if (result.code !== 0) {
    const last = reasonLine(result.stderr) || reasonLine(result.stdout);
    throw stepFailed(
      'commandExited',
      { what: 'reload', command: showCommand(argv), code: result.code, reason: last },
      { stdout: result.stdout, stderr: result.stderr },
    );
  }
  return `${showCommand(argv)} exited 0 in ${result.durationMs}ms`;
}

/**
 * Verifies the release on every host of the batch and records the verdict on
 * it; throws VERIFY_FAILED when any host does not pass.
 */
export function verifyStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  const hosts = targetsOf(step, deps);
  // Blue/green: verification goes through the proxy, to what users reach.
  const through = hosts.some((h) => h.traffic) ? ' through the proxy' : '';
  return {
    name: `verify ${release.version}${through}${onLabel(deps, hosts)}`,
    run: async () => {
      const outcomes = await onHosts(hosts, deps.fleet.concurrency, async (t) => {
        const { running, verification } = await verifyOnHost(deps, t, release, (vars) => releaseEnv(ctx, vars));
        ctx.onVerified(verification);
        if (!verification.ok) {
          throw new RewindError(
            'VERIFY_FAILED',
            `${release.version} failed verification: ${verification.reason}`,
            { checks: verification.checks },
          );
        }
        return [...running, ...verification.checks.map((c) => c.detail)].join('; ') || 'nothing configured to check';
      });
      const at = deps.clock.now().toISOString();
      if (outcomes.some((o) => !o.ok)) {
        await deps.ledger.updateRelease(release.id, { status: 'failed', markedBadAt: at });
        return settle(outcomes, (line) => line);
      }
      if (step.final) {
        // Verified means verified everywhere: only the last batch can say so.
        const settled = await settledArtifact(deps, release.version);
        await deps.ledger.updateRelease(release.id, { verifiedAt: at, ...(settled ? { artifact: settled } : {}) });
        if (settled) release.artifact = settled;
        await deps.ledger.markLive(release.id, 'verified');
      }
      return settle(outcomes, (line) => line);
    },
    simulate: async () => {
      const outcomes = await onHosts(hosts, deps.fleet.concurrency, async (t) => {
        const health = healthFor(deps.env.health, t);
        if (!health) return 'no health check configured: a real rollback could not prove its result';
        // The target is not running yet, so only ask whether the endpoint answers at all.
        const probe = await deps.verifier.probe(health.url, { fetch: deps.fetch });
        if (probe.status === null) throw new RewindError('VERIFY_FAILED', `the health endpoint does not answer: ${probe.reason}`);
        return `health endpoint answers (status ${probe.status} now); ` +
          `would check that ${release.version} reports ${release.sha?.slice(0, 7) ?? 'its version'}`;
      });
      return settle(outcomes, (line) => line);
    },
  };
}

/**
 * A release's verification on one host, as deploy and rollback do it (and
 * `rewind verify` now): what the engine runs, then the health check with
 * `{host}` expanded, then the smoke commands in its release dir. Throws
 * VERIFY_FAILED when the driver finds another artifact running.
 */
export async function verifyOnHost(
  deps: EnvDeps,
  target: Target,
  release: Pick<Release, 'version' | 'sha' | 'artifact'>,
  envOf: (vars: TemplateVars) => Record<string, string>,
  slot?: Slot,
): Promise<{ running: string[]; verification: Verification }> {
  // Blue/green: a slot is verified on its own port, before traffic moves to it; without a slot, through the proxy.
  const driver = slot && target.traffic ? target.traffic.slots[slot] : target.driver;
  // What the engine runs is cheaper to ask than the app, and a wrong image makes the app's answer moot.
  const running = driver.confirmRunning ? [await driver.confirmRunning(release.version, release.artifact)] : [];
  const vars = await releaseVars(deps, target, release, driver);
  const verification = await deps.verifier.verify(
    {
      health: healthFor(deps.env.health, target, slot),
      smoke: deps.env.smoke,
      expected: { version: release.version, sha: release.sha },
      cwd: vars.release_dir,
      vars,
      env: envOf(vars),
      smokeTimeoutMs: SMOKE_TIMEOUT_MS,
    },
    { exec: target.exec, fetch: deps.fetch },
  );
  return { running, verification };
}

/** What the driver of an environment-scoped target records once the release runs verified (see Driver.settledArtifact). */
async function settledArtifact(deps: EnvDeps, version: string): Promise<string | null> {
  const [only, ...more] = deps.targets;
  if (!only?.driver.settledArtifact || more.length > 0) return null;
  return only.driver.settledArtifact(version);
}


/** What reload and smoke commands see: the release, the run, who asked (see core/rewindEnv). */
export function releaseEnv(ctx: Pick<StepContext, 'release' | 'run' | 'deps'>, vars: TemplateVars): Record<string, string> {
  return rewindEnv({
    version: ctx.release.version, sha: ctx.release.sha, releaseDir: vars.release_dir, previousVersion: ctx.run.previousVersion,
    env: ctx.deps.envName, runId: ctx.run.runId, user: ctx.run.user,
  });
}

/** For display only: absolute program paths shortened to their file name. */
function showCommand(argv: readonly string[]): string {
  return argv.map((item) => (isAbsolute(item) ? basename(item) : item)).join(' ');
}

