/**
 * The blue/green world the benchmark rolls back in, as the e2e test builds
 * it: the sample app (v1, v2) deployed by the built CLI with the releases
 * driver, a link per slot, each slot's copy run by a PM2 of its own (fork
 * mode, PM2_HOME in the temp dir) on the slot's port through a small
 * launcher (slot.cjs), and a private nginx in front (mode fork) or a
 * private HAProxy (mode haproxy). The container world
 * (blueGreenContainers.ts) has the same shape, behind nginx.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Slot } from '../src/core/traffic.js';
import { createGuardedFiles } from '../src/exec/guardedFiles.js';
import { freePort } from '../src/exec/freePort.js';
import { createLocalExec } from '../src/exec/localExec.js';
import type { DemoLayout } from '../src/wiring/demo/demoConfig.js';
import { setUpDemo, stopDemoPm2 } from '../src/wiring/demo/runDemo.js';
import type { Cleanups } from './cleanups.js';
import { describe, rewindCli } from './cli.js';
import { benchDir } from './daemon.js';
import { haproxyFront, nginxFront, type Front } from './blueGreenFront.js';
import { forkSlotsYaml, slotScript } from '../test/helpers/blueGreenWorld.js';

export type WorldMode = 'fork' | 'containers' | 'haproxy';
export const WORLD_MODES: readonly WorldMode[] = ['fork', 'containers', 'haproxy'];

export interface BlueGreenWorld {
  mode: WorldMode;
  /** One line on what runs where, for the results. */
  label: string;
  /** rewind's working directory: rewind.yaml and its ledger. */
  root: string;
  /** The proxy in front, and the floors by hand that switch it. */
  front: Front;
  ports: Record<Slot, number>;
  /** What each version's /health reports as its sha. */
  sha: Record<'v1' | 'v2', string>;
  /** Dirs whose processes must all be gone after the cleanup. */
  dirs: string[];
}

/** The traffic part of rewind.yaml, with the settings all worlds share. */
export function trafficYaml(front: Front, ports: Record<Slot, number>, stop?: string): string {
  return `    traffic:
      slots: { blue: { port: ${ports.blue} }, green: { port: ${ports.green} } }
      keep_warm: 30m
${stop === undefined ? '' : `      stop: ${stop}\n`}${front.yaml}`;
}

/** `rewind deploy VERSION` by the built CLI; it must pass. */
export async function deployed(root: string, version: string): Promise<void> {
  const run = await rewindCli(root, ['deploy', version], 180_000);
  if (run.code !== 0) throw new Error(`bench: deploy ${version}: ${describe(run)}`);
}

export async function forkWorld(cleanups: Cleanups, proxy: 'nginx' | 'haproxy'): Promise<BlueGreenWorld> {
  const exec = createLocalExec();
  let started: DemoLayout | undefined;
  const dir = await benchDir(cleanups, 'rewind-bench-bluegreen-', async () => started && stopDemoPm2(exec, started));
  const root = join(dir, 'world');
  const versions = ['v1', 'v2'].map((version) => ({ version, broken: false, note: `good ${version}` }));
  const { layout, configFile } = await setUpDemo(root, createGuardedFiles([root]), exec, versions);
  started = layout;
  const ports = { blue: await freePort(), green: await freePort() };
  const launcher = join(root, 'slot.cjs');
  await writeFile(launcher, slotScript(layout));
  const front = proxy === 'nginx' ? await nginxFront(cleanups, ports) : await haproxyFront(cleanups, ports);
  const q = JSON.stringify;
  await writeFile(configFile, forkSlotsYaml(layout, launcher) +
    trafficYaml(front, ports, `[${q(layout.node)}, ${q(launcher)}, "stop", "{slot}"]`));
  const shaOf = async (tag: string) => (await exec.run(['git', '-C', layout.appRepo, 'rev-parse', `${tag}^{commit}`])).stdout.trim();
  return {
    mode: proxy === 'nginx' ? 'fork' : 'haproxy',
    label: `releases driver, each slot a PM2 fork-mode process (PM2 7) started by slot.cjs, behind ${front.label}`,
    root, front, ports, sha: { v1: await shaOf('v1'), v2: await shaOf('v2') }, dirs: [dir, ...front.dirs],
  };
}
