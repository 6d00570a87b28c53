/**
 * The floor of a blue/green switch behind nginx: what an expert does by hand,
 * with nothing in between. Write the upstream file with the target slot live
 * (in rewind's own format, atomically: a temp file beside it, then a rename,
 * as rewind writes it), then `nginx -t && nginx -s reload`, or the reload
 * alone. Timed from just before the write, like a command from its spawn.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { Slot } from '../src/core/traffic.js';
import { renderUpstream } from '../src/traffic/nginxUpstream.js';
import { describe, runProcess, type Finished } from './cli.js';
import { UPSTREAM, type BenchNginx } from './nginx.js';

export async function switchByHand(nginx: BenchNginx, ports: Record<Slot, number>, slot: Slot, test: boolean): Promise<Finished> {
  const startedWall = Date.now();
  const startedAt = performance.now();
  const temp = `${nginx.upstreamFile}.by-hand`;
  await writeFile(temp, renderUpstream({ upstream: UPSTREAM, host: '127.0.0.1', ports }, slot));
  await rename(temp, nginx.upstreamFile);
  const outputs: Finished[] = [];
  if (test) {
    const tested = await runProcess(nginx.command('-t'), { timeoutMs: 30_000 });
    outputs.push(tested);
    if (tested.code !== 0) throw new Error(`bench: nginx -t: ${describe(tested)}`);
  }
  const reloaded = await runProcess(nginx.command('-s', 'reload'), { timeoutMs: 30_000 });
  outputs.push(reloaded);
  return {
    code: reloaded.code,
    stdout: outputs.map((o) => o.stdout).join(''),
    stderr: outputs.map((o) => o.stderr).join(''),
    startedAt,
    endedAt: reloaded.endedAt,
    startedWall,
  };
}
