import { readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import type { DemoLayout } from '../../src/wiring/demo/demoConfig.js';
import { setUpDemo, stopDemoPm2 } from '../../src/wiring/demo/runDemo.js';
import { tempDir } from './tmp.js';
import type { SampleVersion } from '../../src/wiring/demo/sampleApp.js';

export interface World {
  root: string;
  layout: DemoLayout;
  configFile: string;
  /** What `current` points at, as a relative link. */
  current: () => Promise<string | undefined>;
  /** What the running app reports on /health, or null when nothing answers. */
  served: () => Promise<{ http: number; version?: string; sha?: string } | null>;
  /** The commit a tag of the sample app points at. */
  shaOf: (tag: string) => Promise<string>;
  readReport: (path: string) => Promise<string>;
  /** Add keys to the production environment of rewind.yaml (YAML lines indented by 4 spaces). */
  configure: (lines: string) => Promise<void>;
  /** Stop the app (PM2 and its processes) behind rewind's back. */
  stopApp: () => Promise<void>;
  /** Replace text in rewind.yaml. */
  patchConfig: (from: string, to: string) => Promise<void>;
}

/**
 * A sample app in a real git repository, deployed by the real CLI on this
 * host under a real PM2 (its own PM2_HOME in the temp dir, killed after).
 */
export async function makeWorld(t: TestContext, versions: SampleVersion[]): Promise<World> {
  const exec = createLocalExec();
  let started: DemoLayout | undefined;
  // PM2 must be stopped while its PM2_HOME still exists, then the files can go.
  const dir = await tempDir(t, 'rewind-world-', async () => started && stopDemoPm2(exec, started));
  const root = join(dir, 'world');
  const { layout, configFile } = await setUpDemo(root, createGuardedFiles([root]), exec, versions);
  started = layout;
  return {
    root,
    layout,
    configFile,
    current: () => readlink(join(layout.deployPath, 'current')).catch(() => undefined),
    served: async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${layout.port}/health`, { signal: AbortSignal.timeout(2000) });
        const body = (await response.json()) as { version?: string; sha?: string };
        return { http: response.status, version: body.version, sha: body.sha };
      } catch {
        return null;
      }
    },
    shaOf: async (tag) => {
      const result = await exec.run(['git', '-C', layout.appRepo, 'rev-parse', `${tag}^{commit}`]);
      return result.stdout.trim();
    },
    readReport: (path) => readFile(path, 'utf8'),
    configure: async (lines) => {
      const text = await readFile(configFile, 'utf8');
      await writeFile(configFile, text.replace('    hosts: [local]\n', `    hosts: [local]\n${lines.replace(/\n?$/, '\n')}`));
    },
    stopApp: () => stopDemoPm2(exec, layout),
    patchConfig: async (from, to) => {
      const text = await readFile(configFile, 'utf8');
      if (!text.includes(from)) throw new Error(`rewind.yaml has no ${JSON.stringify(from)}`);
      await writeFile(configFile, text.replace(from, to));
    },
  };
}

export const GOOD = (version: string): SampleVersion => ({ version, broken: false, note: `good ${version}` });
export const BROKEN = (version: string): SampleVersion => ({ version, broken: true, note: `broken ${version}` });
export const BAD_BUILD = (version: string): SampleVersion => ({ version, broken: false, buildFails: true, note: `bad build ${version}` });
