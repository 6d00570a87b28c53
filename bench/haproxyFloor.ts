/**
 * The floor of a blue/green switch behind HAProxy: what an expert scripts by
 * hand, with nothing in between. The same two runtime-API commands rewind
 * sends, in its order (the target's server `state ready`, then the other's
 * `state drain`), each by a process of its own as a shell script would:
 * `echo "set server shop/green state ready" | socat stdio UNIX-CONNECT:SOCK`
 * (the echo is the shell's builtin; here the command goes in on socat's
 * stdin). Timed from just before the first spawn, like a command.
 */
import { otherSlot, type Slot } from '../src/core/traffic.js';
import { describe, runProcess, type Finished } from './cli.js';
import { BACKEND, type BenchHaproxy } from './haproxy.js';

export const SOCAT = '/usr/bin/socat';

export async function switchOverSocket(haproxy: BenchHaproxy, slot: Slot): Promise<Finished> {
  const startedWall = Date.now();
  const startedAt = performance.now();
  const outputs: Finished[] = [];
  for (const [server, state] of [[slot, 'ready'], [otherSlot(slot), 'drain']] as const) {
    const sent = await runProcess([SOCAT, 'stdio', `UNIX-CONNECT:${haproxy.socket}`],
      { timeoutMs: 30_000, input: `set server ${BACKEND}/${server} state ${state}\n` });
    outputs.push(sent);
    // HAProxy answers an empty line when it did it.
    if (sent.code !== 0 || sent.stdout.trim() !== '') throw new Error(`bench: set server ${server} state ${state}: ${describe(sent)}`);
  }
  const last = outputs.at(-1) as Finished;
  return {
    code: last.code,
    stdout: outputs.map((o) => o.stdout).join(''),
    stderr: outputs.map((o) => o.stderr).join(''),
    startedAt,
    endedAt: last.endedAt,
    startedWall,
  };
}
