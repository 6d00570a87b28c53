/**
 * `npm run bench:ledger [releases] [samples]`: does a ledger of years slow the
 * commands an on-call engineer runs first? Builds two projects on this host,
 * one whose ledger holds ten releases and one holding `releases` (default
 * 100,000: fifty deploys a day for five years, each with its deploy run), and
 * times `rewind rollback` (the plan only) and `rewind status` (no health check
 * configured, so nothing but the ledger and `current` is asked) as real CLI
 * processes, in interleaved rounds so that a busy machine slows both alike.
 * Prints the medians, their ratio and the size of `history --json`.
 */
import { rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, REPO, rewindCli, runProcess } from './cli.js';
import { median } from './stats.js';
import { runAsAUsersShell } from './userEnv.js';
import { makeYearsProject } from './yearsLedger.js';

runAsAUsersShell();

const big = Math.min(Math.max(Math.trunc(Number(process.argv[2] ?? 100_000)) || 100_000, 10), 1_000_000);
const samples = Math.min(Math.max(Math.trunc(Number(process.argv[3] ?? 7)) || 7, 5), 100);
const log = (line: string): void => { process.stderr.write(`${line}\n`); };
const COMMANDS: { label: string; args: string[] }[] = [
  { label: '`rewind rollback` (plan only)', args: ['rollback'] },
  { label: '`rewind status`', args: ['status'] },
];

const parent = await mkdtemp(join(tmpdir(), 'rewind-bench-ledger-'));
try {
  if (process.argv.includes('--no-build')) log('bench: using dist/ as it is');
  else {
    log('bench: npm run build');
    const build = await runProcess(['npm', 'run', 'build'], { cwd: REPO, timeoutMs: 180_000 });
    if (build.code !== 0) throw new Error(`bench: the build failed: ${describe(build)}`);
  }
  const projects = [{ releases: 10, dir: join(parent, 'ten') }, { releases: big, dir: join(parent, 'years') }];
  for (const p of projects) {
    const started = performance.now();
    await makeYearsProject(p.dir, p.releases);
    log(`bench: a ledger of ${p.releases} releases made in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const times = projects.map(() => COMMANDS.map(() => [] as number[]));
  for (let round = 0; round < samples; round++) {
    for (const [c, command] of COMMANDS.entries()) {
      for (const [p, project] of projects.entries()) {
        const run = await rewindCli(project.dir, command.args);
        if (run.code !== 0) throw new Error(`bench: rewind ${command.args.join(' ')} failed: ${describe(run)}`);
        times[p]?.[c]?.push(run.endedAt - run.startedAt);
      }
    }
  }
  const historyBytes = await Promise.all(projects.map(async (p) => (await rewindCli(p.dir, ['history', '--json'])).stdout.length));
  const ms = (p: number, c: number): number => median(times[p]?.[c] ?? []);
  const rows = COMMANDS.map((command, c) =>
    `| ${command.label}, median of ${samples} | ${Math.round(ms(0, c))} ms | ${Math.round(ms(1, c))} ms | ${(ms(1, c) / ms(0, c)).toFixed(2)}x |`);
  process.stdout.write([
    `| measure | 10 releases | ${big.toLocaleString('en')} releases | ratio |`,
    '| --- | --- | --- | --- |',
    ...rows,
    `| \`rewind history --json\` (its default page) | ${kb(historyBytes[0] ?? 0)} | ${kb(historyBytes[1] ?? 0)} | |`,
    '',
  ].join('\n'));
} catch (thrown) {
  log(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
  process.exitCode = 1;
} finally {
  await rm(parent, { recursive: true, force: true });
}

function kb(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.round(bytes / 1000)} kB`;
}
