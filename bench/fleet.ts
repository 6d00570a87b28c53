import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { makeFleet, type Fleet } from '../test/helpers/fleet.js';
import { BROKEN, GOOD } from '../test/helpers/world.js';
import { existsSync } from 'node:fs';
import { SFTP_SERVER, type Sshd } from '../test/helpers/sshd.js';
import { baselineRollback } from './baseline.js';
import { Cleanups } from './cleanups.js';
import { describe, rewindCli, type Finished } from './cli.js';
import { measuredConfig, stageConfig, type ExecMode } from './config.js';
import { whenAllServe } from './poll.js';

export interface BenchFleet {
  fleet: Fleet;
  root: string;
  port: number;
  mode: ExecMode;
  /** http://127.0.0.N:port for each host. */
  baseUrls: string[];
  sha: { v1: string; v2: string; v3: string };
  /** The measured rollback (to v2), not awaited here so that its start can be timed. */
  rollback: (extra?: string[], env?: NodeJS.ProcessEnv, prefix?: string[]) => Promise<Finished>;
  /** The baseline rollback to v2: one call of the system ssh client per host, all at once. */
  baseline: () => Promise<Finished>;
  /**
   * Put the broken v3 back live, untimed. Before rewind: `rewind deploy v3`
   * (fails verification in 1 s and keeps it), so that the ledger says v3 is
   * live. Before the baseline, which ignores the ledger: the baseline's own
   * command with v3.
   */
  putBackV3: (before: 'rewind' | 'baseline') => Promise<void>;
}

/**
 * Hosts are configured like Debian's default sshd: the sftp subsystem is
 * /usr/lib/openssh/sftp-server, which sshd starts through the user's login
 * shell (so an SFTP session pays the shell's start-up, as exec does).
 */
export const BENCH_SFTP: string | true = existsSync(SFTP_SERVER) ? SFTP_SERVER : true;

const node = process.execPath;
const pm2 = join(import.meta.dirname, '..', 'node_modules', 'pm2', 'bin', 'pm2');

/**
 * The test fleet (one sshd per 127.0.0.N, a deploy path and PM2_HOME each),
 * with the benchmark's two configs, and v1, v2 deployed and the broken v3 live.
 */
export async function benchFleet(cleanups: Cleanups, count: number, mode: ExecMode): Promise<BenchFleet> {
  const fleet = await makeFleet(cleanups as unknown as TestContext, [GOOD('v1'), GOOD('v2'), BROKEN('v3')], count, '', () => ({ sftp: BENCH_SFTP }));
  const helperConfig = await readFile(fleet.configFile, 'utf8');
  const port = Number(/PORT=(\d+)/.exec(helperConfig)?.[1]);
  if (!Number.isInteger(port) || port <= 0) throw new Error('bench: no PORT in the fleet helper\'s rewind.yaml');
  const input = {
    urls: fleet.sshds.map((s) => s.url), identityFile: (fleet.sshds[0] as Sshd).identityFile,
    knownHosts: join(fleet.root, 'known_hosts'), repo: join(fleet.root, 'app'), root: fleet.root, port, node, pm2, mode,
  };
  const stageFile = join(fleet.root, 'stage.yaml');
  await writeFile(fleet.configFile, measuredConfig(input));
  await writeFile(stageFile, stageConfig(input));
  const stage = async (args: string[], expect: number): Promise<void> => {
    const run = await rewindCli(fleet.root, ['--config', stageFile, ...args], 120_000);
    if (run.code !== expect) throw new Error(`bench: rewind ${args.join(' ')} should exit ${expect}: ${describe(run)}`);
  };
  await stage(['deploy', 'v1'], 0);
  await stage(['deploy', 'v2'], 0);
  const deployV3 = (): Promise<void> => stage(['deploy', 'v3', '--no-auto-rollback'], 1);
  await deployV3();
  const baseUrls = fleet.addresses.map((a) => `http://${a}:${port}`);
  const sha = { v1: await fleet.shaOf('v1'), v2: await fleet.shaOf('v2'), v3: await fleet.shaOf('v3') };
  return {
    fleet, root: fleet.root, port, mode, baseUrls, sha,
    rollback: (extra = [], env = {}, prefix = []) => rewindCli(fleet.root, ['--config', fleet.configFile, 'rollback', '--apply', '--yes', ...extra], 60_000, env, prefix),
    baseline: () => baselineOnAll(fleet, 'v2'),
    putBackV3: async (before) => {
      if (before === 'rewind') await deployV3();
      else {
        const run = await baselineOnAll(fleet, 'v3');
        if (run.code !== 0) throw new Error(`bench: the baseline's switch to v3 failed: ${describe(run)}`);
      }
      await whenAllServe(baseUrls, sha.v3, 10_000);
    },
  };
}

/** The baseline's one ssh call on every host at once, seen as one command (first start to last exit). */
async function baselineOnAll(fleet: Fleet, target: string): Promise<Finished> {
  const knownHosts = join(fleet.root, 'known_hosts');
  const runs = await Promise.all(fleet.sshds.map((sshd, i) => baselineRollback(sshd, knownHosts, fleet.root, fleet.addresses[i] as string, target)));
  return {
    code: runs.find((r) => r.code !== 0)?.code ?? 0,
    stdout: runs.map((r) => r.stdout).join(''),
    stderr: runs.map((r) => r.stderr).join(''),
    startedAt: Math.min(...runs.map((r) => r.startedAt)),
    endedAt: Math.max(...runs.map((r) => r.endedAt)),
    startedWall: Math.min(...runs.map((r) => r.startedWall)),
  };
}

/** Every temp dir a fleet of this run made (its root and each sshd's): no process may name one once the run ends. */
export const fleetDirs: string[] = [];

/** A fleet for the length of `use`, then everything it started stopped (also when `use` throws). */
export async function withFleet<T>(count: number, mode: ExecMode, use: (bf: BenchFleet) => Promise<T>): Promise<T> {
  const cleanups = new Cleanups();
  active.add(cleanups);
  try {
    const bf = await benchFleet(cleanups, count, mode);
    fleetDirs.push(bf.root, ...bf.fleet.sshds.map((s) => s.dir));
    return await use(bf);
  } finally {
    await cleanups.runAll();
    active.delete(cleanups);
  }
}

const active = new Set<Cleanups>();

/** Stop what every live fleet started, then exit with `code`. */
export function abortFleets(why: string, code: number): void {
  process.stderr.write(`bench: ${why}: stopping sshd and PM2\n`);
  void Promise.all([...active].map((c) => c.runAll())).finally(() => process.exit(code));
}

/** Ctrl-C or a kill stops the fleets before the process goes. */
export function stopFleetsOnSignal(): void {
  process.once('SIGINT', () => abortFleets('SIGINT', 130));
  process.once('SIGTERM', () => abortFleets('SIGTERM', 143));
}
