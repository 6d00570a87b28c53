/**
 * The sample app deployed blue/green by the real CLI on this host: the
 * releases driver with a link per slot, each slot's copy run by a real PM2
 * (fork mode, its own PM2_HOME in the temp dir) on the slot's own port, and
 * a real nginx or HAProxy in front, started by the test on loopback.
 */
import { readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Slot } from '../../src/core/traffic.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { freePort } from '../../src/exec/freePort.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import type { DemoLayout } from '../../src/wiring/demo/demoConfig.js';
import { setUpDemo, stopDemoPm2 } from '../../src/wiring/demo/runDemo.js';
import type { SampleVersion } from '../../src/wiring/demo/sampleApp.js';
import { startHaproxy, type Haproxy } from './haproxy.js';
import { startNginx, type Nginx } from './nginx.js';
import { tempDir } from './tmp.js';

export interface BlueGreenWorld {
  root: string;
  layout: DemoLayout;
  configFile: string;
  ports: Record<Slot, number>;
  /** Through the proxy: what users reach. */
  proxyUrl: string;
  nginx?: Nginx;
  haproxy?: Haproxy;
  /** What a slot's link points at (`releases/v1`), or undefined. */
  link(slot: Slot): Promise<string | undefined>;
  /** What answers /health on a URL: through the proxy, or a slot's own port; null when nothing answers. */
  served(url?: string): Promise<{ http: number; version?: string; sha?: string } | null>;
  slotUrl(slot: Slot): string;
  shaOf(tag: string): Promise<string>;
  patchConfig(from: string, to: string): Promise<void>;
}

export interface BlueGreenOptions {
  proxy: 'nginx' | 'haproxy';
  keepWarm?: string;
  /** HAProxy: which admin socket rewind is given (`user`: one whose level refuses `set server`). */
  socket?: 'admin' | 'user';
}

/** The launcher a user would write: starts a slot's copy under PM2 in fork mode on the slot's port, or stops it. */
export const slotScript = (layout: DemoLayout): string => `'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const [action, slot, port, releaseDir] = process.argv.slice(2);
const pm2 = (args, env) => execFileSync(${JSON.stringify(layout.node)}, [${JSON.stringify(layout.pm2Bin)}, ...args],
  { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
const name = 'demo-shop-' + slot;
try { pm2(['delete', name]); } catch {}
if (action === 'start') pm2(['start', path.join(releaseDir, 'server.js'), '--name', name, '--cwd', releaseDir], { PORT: port });
`;

/**
 * rewind.yaml up to its traffic: section, which the caller appends: the sample app by the releases driver, each slot
 * started by `launcher` (slotScript) on its port, checked on its port. The e2e tests and bench:bluegreen share it.
 */
export function forkSlotsYaml(layout: DemoLayout, launcher: string): string {
  const q = JSON.stringify;
  return `app: demo-shop
default_env: production
state:
  dir: .rewind
safety:
  allow_writes_only_under: [.rewind]
environments:
  production:
    driver: releases
    hosts: [local]
    env:
      PM2_HOME: ${q(layout.pm2Home)}
    releases:
      path: ${q(layout.deployPath)}
      keep: 5
      source: { git: ${q(layout.appRepo)}, ref: "{version}" }
      build: [[${q(layout.node)}, "build.js"]]
      shared: [logs]
    reload: [${q(layout.node)}, ${q(launcher)}, "start", "{slot}", "{port}", "{release_dir}"]
    health:
      url: http://127.0.0.1:{port}/health
      expect_status: 200
      expect_version: sha
      timeout: 4s
      interval: 200ms
      successes: 2
`;
}

export async function makeBlueGreenWorld(t: TestContext, versions: SampleVersion[], options: BlueGreenOptions): Promise<BlueGreenWorld> {
  const exec = createLocalExec();
  let started: DemoLayout | undefined;
  const dir = await tempDir(t, 'rewind-bluegreen-', async () => started && stopDemoPm2(exec, started));
  const root = join(dir, 'world');
  const { layout, configFile } = await setUpDemo(root, createGuardedFiles([root]), exec, versions);
  started = layout;
  const ports = { blue: await freePort(), green: await freePort() };
  const launcher = join(root, 'slot.cjs');
  await writeFile(launcher, slotScript(layout));
  let nginx: Nginx | undefined;
  let haproxy: Haproxy | undefined;
  let proxy: string;
  if (options.proxy === 'nginx') {
    nginx = await startNginx(t, { upstream: 'shop', ports, live: 'blue' });
    const q = (argv: string[]) => JSON.stringify(argv);
    proxy = `      proxy:
        type: nginx
        upstream_file: ${JSON.stringify(nginx.upstreamFile)}
        upstream: shop
        test: ${q(nginx.command('-t'))}
        reload: ${q(nginx.command('-s', 'reload'))}
        url: ${nginx.url}health
`;
  } else {
    haproxy = await startHaproxy(t, ports, { check: true });
    proxy = `      proxy:
        type: haproxy
        socket: ${JSON.stringify(haproxy.sockets[options.socket ?? 'admin'])}
        backend: shop
        url: ${haproxy.url}health
`;
  }
  const q = JSON.stringify;
  await writeFile(configFile, forkSlotsYaml(layout, launcher) + `    traffic:
      slots: { blue: { port: ${ports.blue} }, green: { port: ${ports.green} } }
      keep_warm: ${options.keepWarm ?? '10m'}
      stop: [${q(layout.node)}, ${q(launcher)}, "stop", "{slot}"]
${proxy}`);
  const proxyUrl = (nginx?.url ?? haproxy?.url ?? '') + 'health';
  return {
    root, layout, configFile, ports, proxyUrl, ...(nginx ? { nginx } : {}), ...(haproxy ? { haproxy } : {}),
    link: (slot) => readlink(join(layout.deployPath, `current-${slot}`)).catch(() => undefined),
    served: async (url = proxyUrl) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000), headers: { connection: 'close' } });
        const body = (await response.json()) as { version?: string; sha?: string };
        return { http: response.status, version: body.version, sha: body.sha };
      } catch {
        return null;
      }
    },
    slotUrl: (slot) => `http://127.0.0.1:${ports[slot]}/health`,
    shaOf: async (tag) => (await exec.run(['git', '-C', layout.appRepo, 'rev-parse', `${tag}^{commit}`])).stdout.trim(),
    patchConfig: async (from, to) => {
      const text = await readFile(configFile, 'utf8');
      if (!text.includes(from)) throw new Error(`rewind.yaml has no ${JSON.stringify(from)}`);
      await writeFile(configFile, text.replace(from, to));
    },
  };
}
