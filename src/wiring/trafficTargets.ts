/**
 * A blue/green host's parts: one driver instance per slot, made by the
 * driver's own module with io.slot, the proxy in front of them (reached
 * through the host's own exec, files and socket), and the driver the rest of
 * rewind sees, which acts on the slot the proxy sends traffic to.
 */
import { isAbsolute } from 'node:path';
import type { Driver, DriverHost, SlotIo } from '../core/driver.js';
import { RewindError } from '../core/errors.js';
import type { Exec, Files } from '../core/ports.js';
import type { TargetTraffic } from '../core/target.js';
import { expandItem } from '../core/template.js';
import type { Slot } from '../core/traffic.js';
import { trafficConfigOf } from '../config/trafficConfig.js';
import type { TrafficSection } from '../config/schema/traffic.js';
import { createTrafficProxy, type TrafficIo } from '../traffic/index.js';
import { liveSlotDriver } from '../traffic/liveSlotDriver.js';

export interface SlottedTarget {
  driver: Driver;
  traffic: TargetTraffic;
}

export function slottedTarget(
  given: TrafficSection,
  host: DriverHost,
  io: { exec: Exec; files: Files; openUnixSocket?: TrafficIo['openUnixSocket'] },
  make: (slot: SlotIo) => Driver,
): SlottedTarget {
  const section = onHost(given, host);
  assertAbsoluteOnRemote(section, host);
  const settings = trafficConfigOf(section, host.base);
  const ports = { blue: settings.slots.blue.port, green: settings.slots.green.port };
  const slot = (name: Slot): Driver => withSlotVars(make({ name, port: ports[name] }), { name, port: ports[name] });
  const traffic: TargetTraffic = {
    proxy: createTrafficProxy(settings, io),
    slots: { blue: slot('blue'), green: slot('green') },
    ports,
    url: settings.proxy.url,
    keepWarmMs: settings.keepWarmMs,
    ...(section.stop ? { stop: section.stop } : {}),
  };
  return { driver: liveSlotDriver(traffic), traffic };
}

/** The files rewind writes for the proxy on `host`: nginx's upstream file alone (it may be under /etc/nginx). */
export function trafficWriteRoots(given: TrafficSection | undefined, host: DriverHost): string[] {
  if (given?.proxy.type !== 'nginx') return [];
  const section = onHost(given, host);
  assertAbsoluteOnRemote(section, host);
  const proxy = trafficConfigOf(section, host.base).proxy;
  return proxy.type === 'nginx' ? [proxy.upstreamFile] : [];
}

/**
 * The proxy as it is on `host`: `{host}` in its paths, commands, address and URL is the host's address, so hosts that
 * share a machine in a test (or a mount) can each have their own.
 */
function onHost(section: TrafficSection, host: DriverHost): TrafficSection {
  const on = (text: string): string => expandItem(text, { host: host.address });
  const proxy = section.proxy;
  return {
    ...section,
    proxy: proxy.type === 'nginx'
      ? { ...proxy, upstream_file: on(proxy.upstream_file), host: on(proxy.host), test: proxy.test.map(on), reload: proxy.reload.map(on),
        url: on(proxy.url) }
      : { ...proxy, socket: on(proxy.socket), url: on(proxy.url) },
  };
}

/** Commands run for a slot are told which slot and its port, whatever the driver. */
function withSlotVars(driver: Driver, slot: SlotIo): Driver {
  return { ...driver, vars: async (version) => ({ ...(await driver.vars(version)), slot: slot.name, port: String(slot.port) }) };
}

/** Relative proxy paths are relative to rewind.yaml, which a remote host does not have. */
function assertAbsoluteOnRemote(section: TrafficSection, host: DriverHost): void {
  const [key, path] = section.proxy.type === 'nginx' ? ['upstream_file', section.proxy.upstream_file] : ['socket', section.proxy.socket];
  if (host.remote && !isAbsolute(path)) {
    throw new RewindError('CONFIG_INVALID', `traffic.proxy.${key} must be absolute for remote hosts (got ${JSON.stringify(path)})`, {
      field: `traffic.proxy.${key}`,
    });
  }
}
