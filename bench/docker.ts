/**
 * `npm run bench:docker [samples]`: a container rollback on a private Docker
 * engine, rewind against the floor measured in the same run: `docker stop`
 * of the live container and `docker run` of the previous image by hand, the
 * fastest stop-and-start there is. Both are timed from the command's start
 * to the first /health answer that reports the target's version, polled on
 * a new connection every 50 ms as a user's script would. Then one more of
 * each under 200 requests/s, for the gap in requests: containers on the host
 * network cannot overlap on one port, so every tool has one.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type Dockerode from 'dockerode';
import { freePort } from '../src/exec/freePort.js';
import { startDockerd } from '../test/helpers/dockerd.js';
import { buildTestImage, healthBody } from '../test/helpers/testImage.js';
import { tempDir } from '../test/helpers/tmp.js';
import { Cleanups } from './cleanups.js';
import { describe, REPO, rewindCli, runProcess, type Finished } from './cli.js';
import { loadedRollback, timedRollback, type Timed } from './sample.js';
import { median, min } from './stats.js';
import { runAsAUsersShell } from './userEnv.js';

const samples = Number(process.argv[2] ?? 7);
const log = (line: string): void => { process.stderr.write(`${line}\n`); };
const CONTAINER = 'bench-web';
const FLOOR = 'bench-floor';

// As from a user's shell: without the sandbox's NODE_EXTRA_CA_CERTS, which Node parses at every start (see README).
runAsAUsersShell();
const cleanups = new Cleanups();
const t = cleanups as unknown as TestContext;
const watchdog = setTimeout(() => { log('bench: still running after 10 minutes'); void cleanups.runAll().then(() => process.exit(1)); }, 10 * 60_000);
try {
  const build = await runProcess(['npm', 'run', 'build'], { cwd: REPO, timeoutMs: 120_000 });
  if (build.code !== 0) throw new Error(`bench: the build failed: ${describe(build)}`);
  const dockerd = await startDockerd(t);
  const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
  const docker = new Docker({ socketPath: dockerd.socket });
  const root = await tempDir(t, 'rewind-bench-docker-', async () => {
    for (const c of await docker.listContainers({ all: true })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const ref = (v: string) => `bench/shop:${v}`;
  for (const v of ['v1', 'v2']) await buildTestImage(docker, { ref: ref(v), version: v, port, files: { '/www/index.html': `${v}\n` } });
  await writeFile(join(root, 'rewind.yaml'), `app: shop
environments:
  production:
    driver: docker
    docker: { socket: ${JSON.stringify(dockerd.socket)}, container: ${CONTAINER}, image: "bench/shop:{version}", stop_timeout: 10s }
    health: { url: "${base}/health", expect_version: version, timeout: 10s, interval: 20ms, successes: 1 }
`);
  const cli = (...args: string[]) => rewindCli(root, args, 120_000);
  const must = async (run: Promise<Finished>) => {
    const done = await run;
    if (done.code !== 0) throw new Error(`bench: ${describe(done)}`);
  };
  const dockerCli = (...args: string[]) => runProcess(['docker', '-H', `unix://${dockerd.socket}`, ...args], { timeoutMs: 60_000 });
  await must(cli('deploy', 'v1'));
  await must(cli('deploy', 'v2'));
  const sha = healthBody({ version: 'v1' }).sha;

  const rewind = () => cli('rollback', '--apply', '--yes');
  // The floor: what an expert types, one command after the other.
  const floor = async (): Promise<Finished> => {
    const stopped = await dockerCli('stop', CONTAINER);
    if (stopped.code !== 0) return stopped;
    const ran = await dockerCli('run', '-d', '--name', FLOOR, '--network', 'host', ref('v1'));
    return { ...ran, startedAt: stopped.startedAt, startedWall: stopped.startedWall };
  };
  // Back to v2 live before each sample: rewind's way for rewind, the floor's own undo for the floor.
  const putBack = async (after: 'rewind' | 'floor') => {
    if (after === 'rewind') await must(cli('deploy', 'v2'));
    else {
      await must(dockerCli('rm', '-f', FLOOR));
      await must(dockerCli('start', CONTAINER));
    }
  };
  const times: Record<'rewind' | 'floor', Timed[]> = { rewind: [], floor: [] };
  for (let i = 0; i < samples; i += 1) {
    for (const tool of ['floor', 'rewind'] as const) {
      const timed = await timedRollback(tool === 'rewind' ? rewind : floor, [base], sha);
      times[tool].push(timed);
      log(`  ${tool} #${i + 1}: ${Math.round(timed.toHealthMs)} ms to v1's answer (exit at ${Math.round(timed.toExitMs)} ms)`);
      await putBack(tool);
    }
  }
  const of = (tool: 'rewind' | 'floor', pick: (v: number[]) => number) => pick(times[tool].map((x) => x.toHealthMs));
  const line = (label: string, pick: (v: number[]) => number) =>
    `${label}: rewind ${Math.round(of('rewind', pick))} ms, docker stop + docker run ${Math.round(of('floor', pick))} ms, ` +
    `${(of('rewind', pick) / of('floor', pick)).toFixed(2)}x`;
  process.stdout.write(`container rollback (local engine, host network)\n${line(`median of ${samples}`, median)}\n${line(`min of ${samples}`, min)}\n`);
  // Where rewind's time goes: one more rollback with its milestones (REWIND_TIMELINE=1, ms from the process's start).
  const traced = await rewindCli(root, ['rollback', '--apply', '--yes'], 120_000, { REWIND_TIMELINE: '1' });
  const milestones = traced.stderr.split('\n').filter((l) => l.startsWith('rewind: timeline ')).map((l) => `  ${l.slice(17)}`);
  process.stdout.write(`rewind's milestones (ms from its start):\n${milestones.join('\n')}\n`);
  await putBack('rewind');
  for (const tool of ['floor', 'rewind'] as const) {
    const loaded = await loadedRollback(tool === 'rewind' ? rewind : floor, [base], sha, 'close');
    process.stdout.write(`under 200 req/s (${tool}): ${loaded.load.failed} of ${loaded.load.sent} requests failed, ` +
      `longest gap ${Math.round(loaded.load.longestGapMs)} ms, ${Math.round(loaded.toHealthMs)} ms to v1's answer\n`);
    await putBack(tool);
  }
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanups.runAll();
}
