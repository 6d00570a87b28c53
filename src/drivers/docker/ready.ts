/**
 * A started container is ready when it still runs and, when its image (or
 * its configuration) has a HEALTHCHECK, the engine says `healthy`. An exit
 * or an `unhealthy` fails at once: waiting longer would not change it.
 */
import type Dockerode from 'dockerode';

const POLL_MS = 100;

export type Readiness = { ready: true; health: string | null } | { ready: false; reason: string };

export async function waitReady(container: Dockerode.Container, timeoutMs: number, sleep = defaultSleep): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await container.inspect();
    const state = seen.State;
    if (!state.Running && !state.Restarting) {
      const why = state.Error ? `: ${state.Error}` : '';
      return { ready: false, reason: `it exited with code ${state.ExitCode}${why}` };
    }
    const health = state.Health?.Status ?? null;
    if (health === null || health === 'none') return { ready: true, health: null };
    if (health === 'healthy') return { ready: true, health };
    if (health === 'unhealthy') return { ready: false, reason: `its HEALTHCHECK says unhealthy (${lastProbe(seen)})` };
    if (Date.now() >= deadline) {
      return { ready: false, reason: `its HEALTHCHECK still says ${health} after ${Math.round(timeoutMs / 1000)}s (${lastProbe(seen)})` };
    }
    await sleep(POLL_MS);
  }
}

function lastProbe(seen: Dockerode.ContainerInspectInfo): string {
  const last = seen.State.Health?.Log?.at(-1);
  if (!last) return 'no probe has finished yet';
  const said = last.Output.trim().split('\n').at(-1)?.slice(0, 200) ?? '';
  return `last probe exited ${last.ExitCode}${said ? `: ${said}` : ''}`;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
