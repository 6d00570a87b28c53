/**
 * A TCP proxy on loopback that a test controls, to stall a real connection
 * without closing it: pause() stops forwarding bytes both ways (they are
 * kept, in order, and sent on resume()), as a dead network path between a
 * client and its database would, while both ends keep their sockets open.
 * The test must always close() it (t.after).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** Stop forwarding, both ways, on every connection, now and new ones; nothing is dropped. */
  pause(): void;
  /** Forward what was held back, then everything again. */
  resume(): void;
  /** Stop listening and destroy every connection. */
  close(): Promise<void>;
}

export interface ProxyTarget {
  host: string;
  port: number;
}

/** One direction of one connection: bytes from `from` to `to`, held back while paused. */
interface Lane {
  to: Socket;
  held: Buffer[];
}

export async function startTcpProxy(target: ProxyTarget): Promise<TcpProxy> {
  if (target.host !== '127.0.0.1' && target.host !== 'localhost' && target.host !== '::1') {
    throw new Error(`tcpProxy forwards to loopback only, not ${target.host}`);
  }
  let paused = false;
  const sockets = new Set<Socket>();
  const lanes: Lane[] = [];

  const forward = (from: Socket, to: Socket): void => {
    const lane: Lane = { to, held: [] };
    lanes.push(lane);
    from.on('data', (chunk: Buffer) => {
      if (paused || lane.held.length > 0) lane.held.push(chunk);
      else to.write(chunk);
    });
  };
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset from either end ends both: the test sees what a client would.
    socket.on('error', () => undefined);
  };

  const server: Server = createServer((client) => {
    const upstream = connect({ host: target.host, port: target.port });
    track(client);
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('tcpProxy: no port');

  return {
    port: address.port,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      for (const lane of lanes) {
        for (const chunk of lane.held.splice(0)) if (!lane.to.destroyed) lane.to.write(chunk);
      }
    },
    close: async () => {
      paused = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
