import { resolve } from 'node:path';
import type { ProxySettings, TrafficSettings } from '../traffic/settings.js';
import type { TrafficSection } from './schema/traffic.js';

/**
 * An environment's `traffic:` section, as the schema parsed it (keep_warm in
 * ms, ports checked), in the proxies' terms. Relative paths (the upstream
 * file, the admin socket) are relative to the directory of rewind.yaml.
 */
export function trafficConfigOf(section: TrafficSection, configDir: string): TrafficSettings {
  return { slots: section.slots, keepWarmMs: section.keep_warm, proxy: proxyOf(section.proxy, configDir) };
}

function proxyOf(proxy: TrafficSection['proxy'], configDir: string): ProxySettings {
  if (proxy.type === 'nginx') {
    return {
      type: 'nginx',
      upstreamFile: resolve(configDir, proxy.upstream_file),
      upstream: proxy.upstream,
      host: proxy.host,
      test: proxy.test,
      reload: proxy.reload,
      url: proxy.url,
    };
  }
  return { type: 'haproxy', socket: resolve(configDir, proxy.socket), backend: proxy.backend, servers: proxy.servers, url: proxy.url };
}
