/**
 * `npm run bench:startup [runs]`: the CLI's start-up time, which every rollback
 * pays. Times `node -e 0`, the unbundled module tree (`dist/bin/rewind.js
 * --version`) and the installed bin (`bin/rewind.js --version`: the bundle with
 * its code cache), in interleaved rounds so that a busy machine slows all three
 * alike; prints the medians and the overhead above bare node. Measures the
 * build in dist/ as it is (npm run build first).
 */
import { join } from 'node:path';
import { describe, REPO, runProcess } from './cli.js';
import { median } from './stats.js';
import { runAsAUsersShell } from './userEnv.js';

runAsAUsersShell();

const runs = Math.min(Math.max(Math.trunc(Number(process.argv[2] ?? 15)) || 15, 3), 200);

const variants = [
  { label: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { label: 'dist/bin/rewind.js --version (unbundled)', argv: [process.execPath, join(REPO, 'dist', 'bin', 'rewind.js'), '--version'] },
  { label: 'bin/rewind.js --version (bundle + code cache)', argv: [process.execPath, join(REPO, 'bin', 'rewind.js'), '--version'] },
];

const times = variants.map(() => [] as number[]);
for (let round = 0; round < runs; round++) {
  for (const [i, variant] of variants.entries()) {
    const run = await runProcess(variant.argv, { cwd: REPO, timeoutMs: 30_000 });
    if (run.code !== 0) throw new Error(`bench: ${variant.label} failed: ${describe(run)}`);
    times[i]?.push(run.endedAt - run.startedAt);
  }
}

const medians = times.map(median);
const bare = medians[0] as number;
const width = Math.max(...variants.map((v) => v.label.length));
process.stdout.write(`start-up, median of ${runs} runs (${process.version}, ${await codeCacheUse()})\n`);
for (const [i, variant] of variants.entries()) {
  const ms = medians[i] as number;
  const overhead = i === 0 ? '' : `  +${Math.round(ms - bare)} ms over bare node, ${(ms / bare).toFixed(2)}x its time`;
  process.stdout.write(`  ${variant.label.padEnd(width)}  ${String(Math.round(ms)).padStart(5)} ms${overhead}\n`);
}
const [, unbundled, bin] = medians as [number, number, number];
process.stdout.write(`  the bin's overhead is ${((bin - bare) / (unbundled - bare)).toFixed(2)} of the unbundled tree's\n`);

/** Whether the bin would use its code cache here: asked of the loader in a plain node, as the bin runs. */
async function codeCacheUse(): Promise<string> {
  const loader = join(REPO, 'dist', 'bin', 'loadBundle.js');
  const bundle = join(REPO, 'dist', 'rewind.bundle.cjs');
  const script = `import(${JSON.stringify(loader)}).then(({ loadBundle }) => console.log(loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(`${bundle}.cache`)}).codeCache))`;
  const run = await runProcess([process.execPath, '-e', script], { cwd: REPO, timeoutMs: 30_000 });
  return run.code === 0 ? `code cache ${run.stdout.trim()}` : 'no bundle';
}
