/**
 * The one place that knows every proxy type: `traffic.proxy.type` in, the
 * TrafficProxy for it out (argo-rollouts' rule: providers made in one factory).
 */
import type { Exec, Files } from '../core/ports.js';
import type { TrafficProxy } from '../core/traffic.js';
import { createHaproxyProxy } from './haproxy.js';
import type { OpenSocket } from './haproxySocket.js';
import { createNginxProxy } from './nginx.js';
import type { TrafficSettings } from './settings.js';

export type { HaproxySettings, NginxSettings, ProxySettings, TrafficSettings } from './settings.js';

export interface TrafficIo {
  /** Runs nginx's test and reload commands (argument arrays). */
  exec: Exec;
  /** Writes nginx's upstream file: through the write guard, whose roots must hold it. */
  files: Files;
  /** Reaches HAProxy's admin socket on a remote host (over SSH); this machine's socket when absent. */
  openUnixSocket?: OpenSocket;
}

export function createTrafficProxy(config: TrafficSettings, io: TrafficIo): TrafficProxy {
  const proxy = config.proxy;
  switch (proxy.type) {
    case 'nginx':
      return createNginxProxy(proxy, { blue: config.slots.blue.port, green: config.slots.green.port }, io);
    case 'haproxy':
      return createHaproxyProxy(proxy, io.openUnixSocket);
  }
}
