import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { RewindError } from '../core/errors.js';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Listen on host:port (127.0.0.1 by default: the dashboard is for this machine unless told otherwise). */
export function listen(app: Hono, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off('error', refused);
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        close: () => new Promise((done) => {
          server.close(() => done());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      });
    });
    const refused = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use: stop what listens there, or pass --port'
        : error.code === 'EACCES' ? 'needs privileges: pass a --port above 1023'
          : error.code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : error.message;
      reject(new RewindError('PORT_IN_USE', `rewind serve: ${host}:${port} ${why}`, { host, port }));
    };
    server.once('error', refused);
  });
}
