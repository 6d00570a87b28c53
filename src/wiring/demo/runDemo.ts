import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RewindError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import type { Exec, Files } from '../../core/ports.js';
import { createGuardedFiles } from '../../exec/guardedFiles.js';
import { createLocalExec } from '../../exec/localExec.js';
import { applyRollback, type RollbackResult } from '../../operations/applyRollback.js';
import { deploy, type DeployResult } from '../../operations/deploy.js';
import { openEnvironment } from '../openEnvironment.js';
import { planRollbackRun } from '../../operations/planRollbackRun.js';
import { demoConfigYaml, ecosystemCjs, type DemoLayout } from './demoConfig.js';
import { SAMPLE_VERSIONS, type SampleVersion } from './sampleApp.js';
import { makeSampleRepo } from './sampleRepo.js';
import { freePort } from '../../exec/freePort.js';

export interface DemoOptions {
  /** Where the demo directory is made (default: the OS temp dir). */
  parentDir?: string;
  events: EventSink;
  processEnv?: NodeJS.ProcessEnv;
}

export interface DemoResult {
  ok: boolean;
  dir: string;
  configFile: string;
  ledgerFile: string;
  deploys: DeployResult[];
  rollback: RollbackResult;
  /** What the health endpoint reported after the rollback. */
  served: { version: string | null; sha: string | null };
  expected: { version: string; sha: string | null };
}

/**
 * Build a throw-away sample app, deploy two good versions and a broken one
 * under PM2 on this host, roll the broken one back, check what is served,
 * and stop PM2 again. The directory stays for the reader: ledger and reports.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const note = (text: string) => options.events({ type: 'note', text });
  const parent = await realpath(options.parentDir ?? tmpdir()).catch((error: NodeJS.ErrnoException) => {
    if (options.parentDir === undefined || !['ENOENT', 'ENOTDIR'].includes(error.code ?? '')) throw error;
    const why = 'no such directory (create it first, or leave out --dir for the OS temp dir)';
    throw new RewindError('USAGE', `--dir ${options.parentDir}: ${why}`);
  });
  const root = join(parent, `rewind-demo-${randomBytes(4).toString('hex')}`);
  const files = createGuardedFiles([root]);
  const exec = createLocalExec();
  const { layout, configFile } = await setUpDemo(root, files, exec);
  note(`sample app with versions ${SAMPLE_VERSIONS.map((v) => v.version).join(', ')} in ${layout.appRepo}`);

  const deps = await openEnvironment({
    cwd: root,
    events: options.events,
    processEnv: { ...(options.processEnv ?? process.env), REWIND_USER: 'demo@rewind.invalid' },
  });
  try {
    const deploys: DeployResult[] = [];
    for (const [i, sample] of SAMPLE_VERSIONS.entries()) {
      const last = i === SAMPLE_VERSIONS.length - 1;
      if (last) {
        note(`now deploying ${sample.version}, which is broken; --no-auto-rollback keeps it live so that the rollback can be shown`);
      }
      deploys.push(await deploy(deps, { version: sample.version, autoRollback: !last, reason: `demo: ${sample.note}` }));
      const result = deploys.at(-1) as DeployResult;
      if (result.ok === last) {
        throw new RewindError(
          'STEP_FAILED',
          `demo: deploy of ${sample.version} ${result.ok ? 'passed but should have failed' : `failed: ${result.error?.message}`}`,
        );
      }
    }
    note('the broken release is live; planning the rollback');
    const planned = await planRollbackRun(deps, { reason: 'demo: v1.2.0 fails its health check' });
    note(
      `plan: ${planned.plan.from.version} -> ${planned.plan.to.version} (${planned.plan.targetChosenBy.replace(/_/g, ' ')}), ` +
        `risk ${planned.plan.riskLevel}; saved ${planned.files.planMd}`,
    );
    const rollback = await applyRollback(deps, planned);
    const target = await deps.ledger.getRelease(planned.plan.to.releaseId);
    const served = await readHealth(layout.port);
    const expected = { version: planned.plan.to.version, sha: target?.sha ?? null };
    const ok = rollback.ok && served.version === expected.version && served.sha === expected.sha;
    return { ok, dir: root, configFile, ledgerFile: deps.ledgerFile, deploys, rollback, served, expected };
  } finally {
    await deps.close();
    await stopDemoPm2(exec, layout);
  }
}

/**
 * The demo's world in `root`: the sample app's git repository, a PM2
 * ecosystem file and a rewind.yaml deploying it on this host. Tests use the
 * same set-up with versions of their own.
 */
export async function setUpDemo(
  root: string,
  files: Files,
  exec: Exec,
  versions: readonly SampleVersion[] = SAMPLE_VERSIONS,
): Promise<{ layout: DemoLayout; configFile: string }> {
  const layout = await demoLayout(root);
  await files.mkdir(root);
  await makeSampleRepo(files, exec, layout.appRepo, versions);
  await files.writeFile(layout.ecosystem, ecosystemCjs(layout));
  const configFile = join(root, 'rewind.yaml');
  await files.writeFile(configFile, demoConfigYaml(layout));
  return { layout, configFile };
}

/** Stop the PM2 daemon of a demo layout (it lives in the layout's own PM2_HOME). */
export async function stopDemoPm2(exec: Exec, layout: DemoLayout): Promise<void> {
  await exec.run([layout.node, layout.pm2Bin, 'kill'], { env: { PM2_HOME: layout.pm2Home }, timeoutMs: 15_000 }).catch(() => undefined);
}

async function demoLayout(root: string): Promise<DemoLayout> {
  const require = createRequire(import.meta.url);
  return {
    root,
    appRepo: join(root, 'app'),
    deployPath: join(root, 'srv'),
    pm2Home: join(root, 'pm2'),
    pm2Bin: join(dirname(require.resolve('pm2/package.json')), 'bin', 'pm2'),
    node: process.execPath,
    port: await freePort(),
    ecosystem: join(root, 'ecosystem.config.cjs'),
  };
}

async function readHealth(port: number): Promise<{ version: string | null; sha: string | null }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) });
    const body = (await response.json()) as { version?: string; sha?: string };
    return { version: body.version ?? null, sha: body.sha ?? null };
  } catch {
    return { version: null, sha: null };
  }
}
