/**
 * `node --import tsx bench/noSftp.ts [samples]`: what moving files over exec
 * costs, next to SFTP, on loopback. Two one-host fleets (test/helpers/fleet.ts),
 * the same app, one sshd with `Subsystem sftp` and one without; the same
 * deploys and rollbacks run on each in turn (the CLI in this process), then
 * single file operations through each host's write guard. Prints medians and
 * asserts nothing: the figures depend on the machine and its load.
 */
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { performance } from 'node:perf_hooks';
import { makeFleet, type Fleet } from '../test/helpers/fleet.js';
import { connectTo } from '../test/helpers/sshd.js';
import { GOOD } from '../test/helpers/world.js';
import { Cleanups } from './cleanups.js';
import { median } from './stats.js';

const samples = Math.max(1, Math.min(20, Number(process.argv[2] ?? 3)));
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const transports = ['sftp', 'exec'] as const;
type Transport = (typeof transports)[number];

async function timed(what: () => Promise<{ code: number; stderr: string }>): Promise<number> {
  const started = performance.now();
  const run = await what();
  if (run.code !== 0) throw new Error(`bench: exit ${run.code}: ${run.stderr.slice(-1000)}`);
  return performance.now() - started;
}

/** Each operation `count` times through one host's guard; ms per operation. */
async function fileOps(cleanups: Cleanups, fleet: Fleet, count: number): Promise<Record<string, number>> {
  const host = await connectTo(cleanups as unknown as TestContext, fleet.sshds[0] as Fleet['sshds'][number]);
  const root = join(fleet.root, 'ops');
  await mkdir(root, { recursive: true });
  const files = host.files([root]);
  const per = async (body: (i: number) => Promise<unknown>): Promise<number> => {
    await body(-1);
    const started = performance.now();
    for (let i = 0; i < count; i += 1) await body(i);
    return (performance.now() - started) / count;
  };
  return {
    'realpath': await per(() => files.realpath(root)),
    'stat': await per(() => files.stat(root)),
    'readFile (1 KiB)': await per(async (i) => {
      if (i === -1) await files.writeFile(join(root, 'read.txt'), 'x'.repeat(1024));
      return files.readFile(join(root, 'read.txt'));
    }),
    'writeFileAtomic (1 KiB)': await per(() => files.writeFileAtomic(join(root, 'atomic.json'), 'y'.repeat(1024))),
    'symlink + rename over current': await per(async (i) => {
      await files.symlink(`releases/${i}`, join(root, 'current.next'));
      await files.rename(join(root, 'current.next'), join(root, 'current'));
    }),
  };
}

const cleanups = new Cleanups();
const watchdog = setTimeout(() => {
  log('bench: still running after 15 minutes, giving up');
  void cleanups.runAll().then(() => process.exit(1));
}, 15 * 60_000);
try {
  log(`bench: load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the start; ${samples} samples`);
  const versions = Array.from({ length: samples + 1 }, (_, i) => GOOD(`v${i + 1}`));
  const fleets = {} as Record<Transport, Fleet>;
  for (const transport of transports) {
    fleets[transport] = await makeFleet(cleanups as unknown as TestContext, versions, 1, '', () => ({ sftp: transport === 'sftp' }));
    await timed(() => fleets[transport].cli('deploy', 'v1'));
  }
  const deploys: Record<Transport, number[]> = { sftp: [], exec: [] };
  const rollbacks: Record<Transport, number[]> = { sftp: [], exec: [] };
  for (let i = 2; i <= samples + 1; i += 1) {
    // In turn, so that the machine's load falls on both alike.
    for (const transport of transports) deploys[transport].push(await timed(() => fleets[transport].cli('deploy', `v${i}`)));
    for (const transport of transports) rollbacks[transport].push(await timed(() => fleets[transport].cli('rollback', '--apply', '--yes')));
    log(`bench: sample ${i - 1} of ${samples} done`);
  }
  const ops = { sftp: await fileOps(cleanups, fleets.sftp, 20), exec: await fileOps(cleanups, fleets.exec, 20) };
  const ms = (value: number): string => `${Math.round(value)} ms`;
  const ratio = (exec: number, sftp: number): string => `${(exec / sftp).toFixed(1)}x`;
  const rows = [
    '| measure (loopback, 1 host) | SFTP | exec only | exec / SFTP |',
    '| --- | --- | --- | --- |',
    `| deploy of a new version (build here, ship, switch, reload, verify), median of ${samples} | ${ms(median(deploys.sftp))} | ` +
      `${ms(median(deploys.exec))} | ${ratio(median(deploys.exec), median(deploys.sftp))} |`,
    `| rollback --apply to the previous release, median of ${samples} | ${ms(median(rollbacks.sftp))} | ` +
      `${ms(median(rollbacks.exec))} | ${ratio(median(rollbacks.exec), median(rollbacks.sftp))} |`,
    ...Object.keys(ops.sftp).map((name) => {
      const [sftp, exec] = [ops.sftp[name] as number, ops.exec[name] as number];
      return `| ${name} through the write guard, mean of 20 | ${sftp.toFixed(1)} ms | ${exec.toFixed(1)} ms | ${ratio(exec, sftp)} |`;
    }),
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
  log(`bench: load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end`);
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanups.runAll();
}
