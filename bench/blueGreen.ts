/**
 * `npm run bench:bluegreen [samples] [modes]` (issue 19): a blue/green
 * rollback inside the warm window, under 200 requests/s of keep-alive load
 * through a proxy, against the floor measured in the same run. The world has
 * deployed v1, then v2 (v2 live in one slot, v1 warm in the other); each
 * sample times, in turn:
 * - rewind: `node bin/rewind.js rollback --apply --yes`, put back after by `rewind deploy v2`;
 * - the floor by hand: the upstream file written with v1's slot live, then
 *   `nginx -t` and `nginx -s reload` (floor), or the reload alone (floorNoTest),
 *   put back after by the same by hand towards v2's slot.
 * - behind HAProxy, the floor by hand is the two runtime-API commands rewind
 *   sends (`set server shop/<v1's slot> state ready`, then the other's
 *   `state drain`), each by its own `socat` process (haproxyFloor.ts).
 * Each from its start to the first /health answer through the proxy, on a new
 * connection every 5 ms, that reports v1's sha. Modes: fork (releases
 * driver, PM2 fork mode per slot, nginx), containers (docker driver, a
 * container per slot, nginx) and haproxy (the fork world behind HAProxy);
 * default all three. Everything started is stopped by its pid.
 */
import { otherSlot, SLOTS, type Slot } from '../src/core/traffic.js';
import { containerWorld } from './blueGreenContainers.js';
import { goalsTable, milestonesTable, modeTable, TOOLS, type ModeResult, type Tool } from './blueGreenReport.js';
import { timedSwitch, type SwitchTimed } from './blueGreenSample.js';
import { deployed, forkWorld, WORLD_MODES, type BlueGreenWorld, type WorldMode } from './blueGreenWorld.js';
import { Cleanups } from './cleanups.js';
import { describe, REPO, rewindCli, runProcess, type Finished } from './cli.js';
import { leftovers } from './leftovers.js';
import { machineLine } from './machine.js';
import { servedSha } from './poll.js';
import { ms } from './table.js';
import { runAsAUsersShell } from './userEnv.js';

const samples = Number(process.argv[2] ?? 5);
const modes = (process.argv[3] ?? WORLD_MODES.join(',')).split(',') as WorldMode[];
const LIMIT_MS = 40 * 60_000;
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

// As from a user's shell: without the sandbox's NODE_EXTRA_CA_CERTS, which Node parses at every start (see README).
runAsAUsersShell();
const cleanups = new Cleanups();
const dirs: string[] = [];
// Ctrl-C or a kill: stop what was started before going.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanups.runAll().then(() => process.exit(signal === 'SIGINT' ? 130 : 143)));
}
const watchdog = setTimeout(() => {
  log(`bench: still running after ${LIMIT_MS / 60_000} minutes`);
  void cleanups.runAll().then(() => process.exit(1));
}, LIMIT_MS);
try {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`bench: samples must be a whole number of at least 1, got ${process.argv[2]}`);
  }
  const unknown = modes.filter((m) => !WORLD_MODES.includes(m));
  if (unknown.length > 0) throw new Error(`bench: modes are ${WORLD_MODES.join(', ')} (comma-separated), got ${unknown.join(', ')}`);
  const machine = await machineLine();
  log(`bench: ${machine}`);
  const build = await runProcess(['npm', 'run', 'build'], { cwd: REPO, timeoutMs: 180_000 });
  if (build.code !== 0) throw new Error(`bench: the build failed: ${describe(build)}`);
  const results: ModeResult[] = [];
  for (const mode of modes) {
    // Each world is taken down before the next is built: two CPUs, and one world's daemons must not slow the other's runs.
    const own = new Cleanups();
    cleanups.after(() => own.runAll());
    try {
      results.push(await benchMode(own, mode));
    } finally {
      await own.runAll();
    }
  }
  process.stdout.write(`blue/green rollback inside the warm window under ${200} req/s keep-alive load through the proxy: ` +
    'from the start to the first /health answer through the proxy (a new connection every 5 ms) reporting the target\'s sha\n' +
    `${machine}\n\n${results.map(modeTable).join('\n')}\n${goalsTable(results)}\n\n` +
    `${results.map(milestonesTable).join('\n')}`);
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanups.runAll();
  const left = await leftovers(dirs);
  if (left.length > 0) {
    log(`bench: still running after the cleanup:\n${left.join('\n')}`);
    process.exitCode = 1;
  }
}

async function benchMode(own: Cleanups, mode: WorldMode): Promise<ModeResult> {
  log(`bench: ${mode}: building the world`);
  const world = mode === 'containers' ? await containerWorld(own) : await forkWorld(own, mode === 'fork' ? 'nginx' : 'haproxy');
  dirs.push(...world.dirs);
  await deployed(world.root, 'v1');
  await deployed(world.root, 'v2');
  const target = await slotServing(world, world.sha.v1);
  const live = otherSlot(target);
  log(`bench: ${mode}: v2 live in the ${live} slot, v1 warm in the ${target} slot`);
  const floors = world.front.floors;
  const tools = TOOLS.filter((tool) => tool === 'rewind' || floors[tool] !== undefined);
  const action = (tool: Tool): (() => Promise<Finished>) => {
    const floor = tool === 'rewind' ? undefined : floors[tool];
    if (floor === undefined) return () => rewindCli(world.root, ['rollback', '--apply', '--yes'], 120_000);
    return () => floor.run(target);
  };
  const putBack = async (tool: Tool): Promise<void> => {
    if (tool === 'rewind') await deployed(world.root, 'v2');
    else await world.front.putBack(live);
    await expectV2Live(world, target);
  };
  await expectV2Live(world, target);
  const runs: Record<Tool, SwitchTimed[]> = { rewind: [], floor: [], floorNoTest: [] };
  for (let i = 0; i < samples; i += 1) {
    // The order turns from one sample to the next, so that none always runs first after a deploy.
    for (const tool of [...tools.slice(i % tools.length), ...tools.slice(0, i % tools.length)]) {
      const timed = await timedSwitch(world, action(tool), world.sha.v1);
      runs[tool].push(timed);
      log(`  ${mode} ${tool} #${i + 1}: ${ms(timed.toTargetMs)} to v1's answer (exit at ${ms(timed.toExitMs)}), ` +
        `${timed.load.failed} of ${timed.load.sent} failed${reasons(timed.load.failures)}, ` +
        `${timed.oldAfter} old answers after the first new one${timed.lastOldSentMs === undefined ? '' :
          ` (the last sent ${ms(timed.lastOldSentMs - timed.toTargetMs)} after it)`}` +
        whenFailed(timed));
      await putBack(tool);
    }
  }
  // Where rewind's time goes: one more, with its milestones (ms from its process's start, where the clock starts too).
  const traced = await timedSwitch(world, () => rewindCli(world.root, ['rollback', '--apply', '--yes'], 120_000, { REWIND_TIMELINE: '1' }),
    world.sha.v1);
  const milestones = traced.run.stderr.split('\n').flatMap((line) => {
    const mark = /^rewind: timeline (\d+) (.*)$/.exec(line);
    return mark ? [{ at: Number(mark[1]), what: mark[2] as string }] : [];
  });
  milestones.push({ at: traced.toExitMs, what: 'process exits' });
  await putBack('rewind');
  const said = await world.front.said();
  if (said.length > 0) log(`bench: ${mode}: ${world.front.kind}'s log:\n${said.slice(-20).map((l) => `  ${l}`).join('\n')}`);
  const floorsRun = Object.entries(floors).map(([tool, floor]) => ({ tool: tool as Exclude<Tool, 'rewind'>, label: floor.label }));
  return { world, floors: floorsRun, runs, traced: { milestones, toTargetMs: traced.toTargetMs } };
}

/** The slot whose own port reports `sha`. */
async function slotServing(world: BlueGreenWorld, sha: string): Promise<Slot> {
  for (const slot of SLOTS) if ((await servedSha(`http://127.0.0.1:${world.ports[slot]}`)) === sha) return slot;
  throw new Error(`bench: no slot reports ${sha.slice(0, 8)}`);
}

/** Before each sample: the proxy settled on v2's slot (new connections get v2), and v1 answering in its own slot. */
async function expectV2Live(world: BlueGreenWorld, target: Slot): Promise<void> {
  await world.front.settled();
  for (let i = 0; i < 5; i += 1) {
    const seen = await servedSha(world.front.base);
    if (seen !== world.sha.v2) throw new Error(`bench: ${world.front.kind} should send to v2 (${world.sha.v2.slice(0, 8)}), got ${seen}`);
  }
  const warm = await servedSha(`http://127.0.0.1:${world.ports[target]}`);
  if (warm !== world.sha.v1) throw new Error(`bench: the ${target} slot should run v1 warm, got ${warm}`);
}

/** `; failed: ECONNRESET sent at 2116, 2142 ms (x5)`: when the load's failed requests were sent, ms from the start. */
function whenFailed(timed: SwitchTimed): string {
  const byReason = new Map<string, number[]>();
  for (const f of timed.failedAt) byReason.set(f.failure, [...(byReason.get(f.failure) ?? []), Math.round(f.at)]);
  const parts = [...byReason].map(([reason, times]) => {
    const counted = [...new Set(times)].map((at) => {
      const many = times.filter((x) => x === at).length;
      return many > 1 ? `${at} (x${many})` : String(at);
    });
    return `${reason} sent at ${counted.join(', ')} ms`;
  });
  return parts.length === 0 ? '' : `; failed: ${parts.join('; ')}`;
}

function reasons(failures: Record<string, number>): string {
  const why = Object.entries(failures).map(([reason, count]) => `${count} ${reason}`).join(', ');
  return why ? ` (${why})` : '';
}
