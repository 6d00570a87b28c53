/**
 * Blue/green's steps (see core/trafficSteps): start a version in a slot,
 * verify it there, send the traffic to it, stop the slot left. Each acts on
 * a batch of hosts, every host of it with its own proxy, and fails when any
 * host of the batch fails, after every host of it has finished.
 */
import { createConnection } from 'node:net';
import { asRewindError, RewindError } from '../core/errors.js';
import type { PlanStep } from '../core/plan.js';
import type { Target, TargetTraffic } from '../core/target.js';
import { expandArgv } from '../core/template.js';
import type { Slot } from '../core/traffic.js';
import type { Step } from '../engine/runSteps.js';
import { proxyStateOrNone } from '../traffic/liveSlotDriver.js';
import { releaseEnv, releaseVars, runReload, verifyOnHost } from './releaseSteps.js';
import { targetsOf, type StepContext } from './stepContext.js';
import { onHosts, settle } from './targets.js';

/** A stop that hangs must not hang the run: the slot takes no traffic by then. */
const STOP_TIMEOUT_MS = 60_000;

function slotOf(step: PlanStep): Slot {
  if (!step.slot) throw new RewindError('INTERNAL', `plan step ${step.id} names no slot`);
  return step.slot;
}

function trafficOf(target: Target): TargetTraffic {
  if (!target.traffic) {
    throw new RewindError('CONFIG_INVALID', `${target.name}: the plan is blue/green, but the environment has no traffic: section now`);
  }
  return target.traffic;
}

/** The slot's driver switches to the version (its link, its container), then the reload command starts it with {slot} and {port}. */
export function startStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  const hosts = targetsOf(step, deps);
  const slot = slotOf(step);
  return {
    name: step.title,
    run: async () => {
      const outcomes = await onHosts(hosts, deps.fleet.concurrency, async (t) => {
        const traffic = trafficOf(t);
        const driver = traffic.slots[slot];
        if ((await driver.inspect()).version === null) await refusePortTaken(t, slot, traffic.ports[slot]);
        try {
          const said = await driver.activate(release.version, { ...ctx.run, targetArtifact: release.artifact });
          const reload = deps.env.reload;
          const reloaded = reload ? await runReload(ctx, t, reload, await releaseVars(deps, t, release, driver)) : undefined;
          return [said || `${slot} -> ${release.version}`, reloaded].filter(Boolean).join('; ');
        } catch (error) {
          // The slot takes no traffic: whatever failed there, users never saw it.
          const failed = asRewindError(error);
          const message = `${failed.message}; no traffic was moved to the ${slot} slot`;
          throw new RewindError(failed.code, message, failed.details, { cause: error });
        }
      });
      return settle(outcomes, (line) => line);
    },
    simulate: async () => settle(await onHosts(hosts, deps.fleet.concurrency, async (t) => {
      const now = await trafficOf(t).slots[slot].inspect();
      return `would start ${release.version} in the ${slot} slot on port ${trafficOf(t).ports[slot]} (it runs ${now.version ?? 'nothing'})`;
    }), (line) => line),
  };
}

/** A slot that runs nothing yet must find its port free: something else there would answer its health check instead. */
async function refusePortTaken(t: Target, slot: Slot, port: number): Promise<void> {
  const taken = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: t.address, port, timeout: 1000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
  if (taken) {
    throw new RewindError('PORT_IN_USE', `the ${slot} slot's port ${port} on ${t.name} is in use by a program rewind did not ` +
      `start there: stop it or set traffic.slots.${slot}.port to a free port; nothing was started`, { slot, port, host: t.name });
  }
}

/** The version is verified in its slot, on the slot's own port, before any traffic moves to it. */
export function verifySlotStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  const hosts = targetsOf(step, deps);
  const slot = slotOf(step);
  return {
    name: step.title,
    run: async () => {
      const outcomes = await onHosts(hosts, deps.fleet.concurrency, async (t) => {
        const { running, verification } = await verifyOnHost(deps, t, release, (vars) => releaseEnv(ctx, vars), slot);
        ctx.onVerified(verification);
        if (!verification.ok) {
          throw new RewindError('VERIFY_FAILED', `${release.version} failed verification in the ${slot} slot: ${verification.reason}; ` +
            'no traffic was moved to it', { checks: verification.checks });
        }
        return [...running, ...verification.checks.map((c) => c.detail)].join('; ');
      });
      if (outcomes.some((o) => !o.ok)) {
        await deps.ledger.updateRelease(release.id, { status: 'failed', markedBadAt: deps.clock.now().toISOString() });
      }
      return settle(outcomes, (line) => line);
    },
    simulate: async () => `would check that ${release.version} answers in the ${slot} slot before traffic moves`,
  };
}

/** Each host's proxy sends the traffic to the slot; the last batch makes the release live. */
export function routeStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  const hosts = targetsOf(step, deps);
  const slot = slotOf(step);
  return {
    name: step.title,
    run: async () => {
      const outcomes = await onHosts(hosts, deps.fleet.concurrency, (t) => trafficOf(t).proxy.switchTo(slot));
      if (step.final && outcomes.every((o) => o.ok)) await deps.ledger.markLive(release.id, 'live', deps.clock.now().toISOString());
      return settle(outcomes, (line) => line);
    },
    simulate: async () => settle(await onHosts(hosts, deps.fleet.concurrency, async (t) => {
      const traffic = trafficOf(t);
      const now = await proxyStateOrNone(traffic);
      return `${traffic.proxy.describeSwitch(slot)} (it sends to ${now.live ?? 'no single slot'} now)`;
    }), (line) => line),
  };
}

/**
 * The slot the traffic left is stopped (its driver's stop, else traffic.stop). Never while its proxy still sends
 * to it; and a stop that fails does not fail the run, whose traffic is already where it should be: it says so.
 */
export function stopStep(step: PlanStep, ctx: StepContext): Step {
  const { deps } = ctx;
  const hosts = targetsOf(step, deps);
  const slot = slotOf(step);
  return {
    name: step.title,
    run: async () => settle(await onHosts(hosts, deps.fleet.concurrency, async (t) => {
      const traffic = trafficOf(t);
      if ((await proxyStateOrNone(traffic)).slots[slot].enabled) return `not stopped: the proxy still sends traffic to the ${slot} slot`;
      try {
        return await stopSlot(ctx, t, traffic, slot, step.version);
      } catch (error) {
        return `the ${slot} slot could not be stopped (${(error as Error).message}); it takes no traffic, stop it by hand`;
      }
    }), (line) => line),
    simulate: async () => `would stop the ${slot} slot (${step.version}) once no traffic goes to it`,
  };
}

async function stopSlot(ctx: StepContext, t: Target, traffic: TargetTraffic, slot: Slot, version: string): Promise<string> {
  const driver = traffic.slots[slot];
  if (driver.stop) return driver.stop();
  if (!traffic.stop) return `the ${slot} slot keeps running ${version}, idle (no traffic.stop command is configured)`;
  const vars = await releaseVars(ctx.deps, t, { version, sha: null }, driver);
  const argv = expandArgv(traffic.stop, vars);
  const result = await t.exec.run(argv, { cwd: vars.release_dir, env: releaseEnv(ctx, vars), timeoutMs: STOP_TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`\`${argv.join(' ')}\` exited ${result.code}`);
  return `the ${slot} slot (${version}) stopped: \`${argv.join(' ')}\` exited 0`;
}

/**
 * A deploy that failed in its slot (it never got traffic) stops that slot: a failed version left running idle would
 * still run its timers and consumers. Kept, not removed (a container stays, the release dir stays), for the post-mortem.
 */
export async function stopFailedCandidate(ctx: StepContext, slot: Slot): Promise<string> {
  const { deps, release } = ctx;
  const outcomes = await onHosts(deps.targets.filter((t) => t.traffic), deps.fleet.concurrency, async (t) => {
    const traffic = trafficOf(t);
    if ((await proxyStateOrNone(traffic)).slots[slot].enabled) return `the ${slot} slot takes traffic: left running`;
    // A start that failed may have put back what the slot ran before (a container): that is not the failed version.
    const now = (await traffic.slots[slot].inspect()).version;
    if (now !== release.version) return `the ${slot} slot runs ${now ?? 'nothing'}: left as it is`;
    return stopSlot(ctx, t, traffic, slot, release.version);
  });
  const said = outcomes.map((o) => (o.ok ? o.value : `could not stop the ${slot} slot: ${o.error?.message}`));
  return outcomes.length === 1 ? (said[0] as string) : outcomes.map((o, i) => `${o.host}: ${said[i]}`).join('; ');
}
