/**
 * The proxy in front of a blue/green world, and the floors by hand that
 * switch it: nginx (the upstream file, then `nginx -t` and a reload, or the
 * reload alone) or HAProxy (two runtime-API commands over its admin socket
 * by socat, no reload). The benchmark times rewind against these floors.
 */
import type { Slot } from '../src/core/traffic.js';
import type { Cleanups } from './cleanups.js';
import type { Finished } from './cli.js';
import { haproxySaid, startHaproxy, BACKEND } from './haproxy.js';
import { switchOverSocket } from './haproxyFloor.js';
import { nginxSaid, reloadedFrom, settled, startNginx, UPSTREAM } from './nginx.js';
import { switchByHand } from './nginxFloor.js';

export type FloorTool = 'floor' | 'floorNoTest';

export interface Front {
  kind: 'nginx' | 'haproxy';
  /** One line on the proxy, for the results. */
  label: string;
  /** `http://127.0.0.1:PORT`: through the proxy to the live slot. */
  base: string;
  /** The floors by hand, each switching to `slot`, with what it does in words (a column's header). */
  floors: Partial<Record<FloorTool, { label: string; run: (slot: Slot) => Promise<Finished> }>>;
  /** Resolves once only the current config answers (nginx: no old worker of a reload left). */
  settled(): Promise<void>;
  /** By hand towards `slot`, waited until it has taken over: to put a sample back. */
  putBack(slot: Slot): Promise<void>;
  /** What the proxy logged as a warning or worse. */
  said(): Promise<string[]>;
  /** The `proxy:` part of rewind.yaml's traffic section. */
  yaml: string;
  dirs: string[];
}

export async function nginxFront(cleanups: Cleanups, ports: Record<Slot, number>): Promise<Front> {
  const nginx = await startNginx(cleanups, ports, 'blue');
  const q = (argv: string[]) => JSON.stringify(argv);
  return {
    kind: 'nginx',
    label: 'nginx 1.22 (1 worker)',
    base: nginx.base,
    floors: {
      floor: { label: 'floor: file + `nginx -t` + `nginx -s reload`', run: (slot) => switchByHand(nginx, ports, slot, true) },
      floorNoTest: { label: 'floor: file + `nginx -s reload`', run: (slot) => switchByHand(nginx, ports, slot, false) },
    },
    settled: () => settled(nginx),
    putBack: async (slot) => {
      const before = await nginx.workers();
      await switchByHand(nginx, ports, slot, false);
      await reloadedFrom(nginx, before);
    },
    said: () => nginxSaid(nginx),
    yaml: `      proxy:
        type: nginx
        upstream_file: ${JSON.stringify(nginx.upstreamFile)}
        upstream: ${UPSTREAM}
        test: ${q(nginx.command('-t'))}
        reload: ${q(nginx.command('-s', 'reload'))}
        url: ${nginx.base}/health
`,
    dirs: [nginx.dir],
  };
}

export async function haproxyFront(cleanups: Cleanups, ports: Record<Slot, number>): Promise<Front> {
  const haproxy = await startHaproxy(cleanups, ports);
  return {
    kind: 'haproxy',
    label: 'HAProxy 2.6 (runtime API on an admin socket; checks every 100 ms, fall 1 rise 1)',
    base: haproxy.base,
    floors: {
      floor: {
        label: 'floor: `set server … state ready`, then `… state drain`, each by `socat`',
        run: (slot) => switchOverSocket(haproxy, slot),
      },
    },
    // No reload, no old workers: a switch holds for the next request.
    settled: async () => undefined,
    putBack: async (slot) => void (await switchOverSocket(haproxy, slot)),
    said: () => haproxySaid(haproxy),
    yaml: `      proxy:
        type: haproxy
        socket: ${JSON.stringify(haproxy.socket)}
        backend: ${BACKEND}
        url: ${haproxy.base}/health
`,
    dirs: [haproxy.dir],
  };
}
