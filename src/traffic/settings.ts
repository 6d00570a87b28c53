/**
 * What the proxies need to know, in their own terms: absolute paths, the
 * keep-warm window in milliseconds. config/trafficConfig.ts makes these from
 * an environment's `traffic:` section; tests write them directly.
 */
import type { Slot } from '../core/traffic.js';

export interface NginxSettings {
  type: 'nginx';
  /** Absolute: the file holding the upstream block that nginx's config includes. */
  upstreamFile: string;
  /** The upstream block's name. */
  upstream: string;
  /** The slots' address as nginx reaches them (a name, an IPv4 or an IPv6 address). */
  host: string;
  /** Validates nginx's whole config (with the new upstream file) before a reload. */
  test: readonly string[];
  reload: readonly string[];
  /** The health URL through the proxy: probing it is the caller's job. */
  url: string;
}

export interface HaproxySettings {
  type: 'haproxy';
  /** Absolute: the admin socket of HAProxy's runtime API (`stats socket ... level admin`). */
  socket: string;
  backend: string;
  /** Each slot's server name in that backend. */
  servers: Record<Slot, string>;
  url: string;
  /** How long a switch waits for HAProxy's checks to find a just-started slot up; 10 s when absent. */
  checksWaitMs?: number;
}

export type ProxySettings = NginxSettings | HaproxySettings;

export interface TrafficSettings {
  slots: Record<Slot, { port: number }>;
  keepWarmMs: number;
  proxy: ProxySettings;
}
