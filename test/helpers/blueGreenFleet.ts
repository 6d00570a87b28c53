/**
 * Blue/green on a fleet over real SSH: the hosts of test/helpers/fleet.ts
 * (one sshd, deploy path and PM2_HOME per loopback address), each with both
 * slots bound to its own address (BIND={host}, PORT={port}: the same two
 * ports on every address) and its own nginx listening on its address (one
 * proxy port for all), each in a dir of its own that the config names with
 * {host}, as a fleet's config names each machine's /etc/nginx.
 */
import { chmod, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { otherSlot, type Slot } from '../../src/core/traffic.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import type { SampleVersion } from '../../src/wiring/demo/sampleApp.js';
import { freePortOn, makeFleet, type Fleet } from './fleet.js';
import { startNginx, type Nginx } from './nginx.js';
import { tempDir } from './tmp.js';

/** The fleet without its one-app-port `served` and its `current` link: here each host has two slots and a proxy. */
export interface BlueGreenFleet extends Omit<Fleet, 'served' | 'current'> {
  /** The slots' ports, the same on every host's address. */
  ports: Record<Slot, number>;
  /** Each host's nginx, by address. */
  nginx: Record<string, Nginx>;
  /** `http://ADDRESS:PROXYPORT/health`: through that host's nginx, what its users reach. */
  proxyUrl(address: string): string;
  /** A slot's own port on that host. */
  slotUrl(address: string, slot: Slot): string;
  /** What answers /health on a URL; null when nothing does. */
  answer(url: string): Promise<{ http: number; version?: string; sha?: string } | null>;
  /** What a slot's link points at on that host (`releases/v1`), or undefined. */
  link(address: string, slot: Slot): Promise<string | undefined>;
  /** That host's upstream file as nginx reads it. */
  upstream(address: string): Promise<string>;
  /** Points that host's nginx at `slot` by hand, as an operator would: swaps the commented-out line in its upstream file, reloads. */
  switchByHand(address: string, slot: Slot): Promise<void>;
}

const node = process.execPath;
const pm2 = join(import.meta.dirname, '..', '..', 'node_modules', 'pm2', 'bin', 'pm2');

/** The launcher a user would write: starts a slot's copy under PM2 in fork mode on the slot's port (BIND from its env), or stops it. */
const slotScript = `'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const [action, slot, port, releaseDir] = process.argv.slice(2);
const pm2 = (args, env) => execFileSync(${JSON.stringify(node)}, [${JSON.stringify(pm2)}, ...args],
  { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
const name = 'demo-shop-' + slot;
try { pm2(['delete', name]); } catch {}
if (action === 'start') pm2(['start', path.join(releaseDir, 'server.js'), '--name', name, '--cwd', releaseDir], { PORT: port });
`;

/** Three ports free on every address, all different: blue's, green's and the proxies'. */
async function portsOn(addresses: string[]): Promise<[number, number, number]> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freePortOn(addresses);
    if (!ports.includes(port)) ports.push(port);
  }
  return ports as [number, number, number];
}

export async function makeBlueGreenFleet(t: TestContext, versions: SampleVersion[], count = 3): Promise<BlueGreenFleet> {
  const { served: _served, current: _current, ...fleet } = await makeFleet(t, versions, count);
  const [blue, green, proxyPort] = await portsOn(fleet.addresses);
  const ports = { blue, green };
  const nginxes: Nginx[] = [];
  // Its own temp dir, whose removal stops every nginx first (a dir under fleet.root would go before they stop).
  const nginxRoot = await tempDir(t, 'rewind-bgfleet-nginx-', () => Promise.all(nginxes.map((n) => n.stop())));
  // As root, nginx's workers run as nobody, and must reach their temp dirs under here.
  await chmod(nginxRoot, 0o755);
  const dirOf = (address: string): string => join(nginxRoot, `nginx-${address}`);
  for (const address of fleet.addresses) {
    nginxes.push(await startNginx(t, {
      upstream: 'shop', ports, live: 'blue', listen: { address, port: proxyPort }, slotHost: address, dir: dirOf(address),
    }));
  }
  const nginx = Object.fromEntries(fleet.addresses.map((a, i) => [a, nginxes[i] as Nginx]));
  const first = nginxes[0] as Nginx;
  // One command for every host: the first host's, with its dir as {host}'s.
  const onEachHost = (argv: string[]): string => JSON.stringify(argv.map((a) => a.replaceAll(first.dir, dirOf('{host}'))));
  const launcher = join(fleet.root, 'slot.cjs');
  await writeFile(launcher, slotScript);
  const pm2Home = `PM2_HOME=${join(fleet.root, 'pm2-{host}')}`;
  const q = JSON.stringify;
  // fleet.ts's config (hosts, ssh, canary 1 and batch 2, srv-{host}), its reload and health made per slot, and the traffic section.
  const reload = `[${q('env')}, ${q(pm2Home)}, "BIND={host}", "PORT={port}", ${q(node)}, ${q(launcher)}, "start", "{slot}", "{port}", ` +
    '"{release_dir}"]';
  const health = '{ url: "http://{host}:{port}/health", expect_status: 200, expect_version: sha, timeout: 4s, interval: 200ms, ' +
    'successes: 2 }';
  const text = replaceLine(replaceLine(await readFile(fleet.configFile, 'utf8'), 'reload', reload), 'health', health);
  await writeFile(fleet.configFile, `${text}    traffic:
      slots: { blue: { port: ${blue} }, green: { port: ${green} } }
      keep_warm: 10m
      stop: [${q('env')}, ${q(pm2Home)}, ${q(node)}, ${q(launcher)}, "stop", "{slot}"]
      proxy:
        type: nginx
        upstream_file: ${q(join(dirOf('{host}'), 'upstream.conf'))}
        upstream: shop
        host: "{host}"
        test: ${onEachHost(first.command('-t'))}
        reload: ${onEachHost(first.command('-s', 'reload'))}
        url: "http://{host}:${proxyPort}/health"
`);
  const exec = createLocalExec();
  return {
    ...fleet,
    ports,
    nginx,
    proxyUrl: (address) => `http://${address}:${proxyPort}/health`,
    slotUrl: (address, slot) => `http://${address}:${ports[slot]}/health`,
    answer: async (url) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000), headers: { connection: 'close' } });
        const body = (await response.json()) as { version?: string; sha?: string };
        return { http: response.status, version: body.version, sha: body.sha };
      } catch {
        return null;
      }
    },
    link: (address, slot) => readlink(join(fleet.root, `srv-${address}`, `current-${slot}`)).catch(() => undefined),
    upstream: (address) => readFile((nginx[address] as Nginx).upstreamFile, 'utf8'),
    switchByHand: async (address, slot) => {
      const host = nginx[address] as Nginx;
      const other = otherSlot(slot);
      const text = await readFile(host.upstreamFile, 'utf8');
      const edited = text
        .replace(new RegExp(`^(\\s*)server (\\S+); # rewind slot ${other}$`, 'm'), `$1# server $2; # rewind slot ${other} (idle)`)
        .replace(new RegExp(`^(\\s*)# server (\\S+); # rewind slot ${slot} \\(idle\\)$`, 'm'), `$1server $2; # rewind slot ${slot}`);
      if (edited === text) throw new Error(`${address}'s upstream file does not send to ${other}: nothing to switch`);
      await writeFile(host.upstreamFile, edited);
      const before = await host.workers();
      const reloaded = await exec.run(host.command('-s', 'reload'));
      if (reloaded.code !== 0) throw new Error(`nginx -s reload on ${address} exited ${reloaded.code}: ${reloaded.stderr}`);
      await host.reloadedFrom(before);
    },
  };
}

/** rewind.yaml with the environment's `key:` line (fleet.ts writes each on one line) set to `value`. */
function replaceLine(text: string, key: string, value: string): string {
  const line = new RegExp(`^    ${key}: .*$`, 'm');
  if (!line.test(text)) throw new Error(`rewind.yaml has no ${key}: line`);
  return text.replace(line, `    ${key}: ${value}`);
}
