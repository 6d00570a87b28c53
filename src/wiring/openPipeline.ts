/**
 * The composition root of the pipeline commands, in two halves so that bad
 * input is refused before anything is opened or written: `loadPipeline`
 * only reads (config, who is acting); `openPipeline` then opens the ledger.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { resolvePaths } from '../config/paths.js';
import { RewindError } from '../core/errors.js';
import type { PipelineDefinition } from '../core/pipeline/phases.js';
import { createGuardedFiles } from '../exec/guardedFiles.js';
import { createLocalExec } from '../exec/localExec.js';
import { ledgerLocation, openLedger } from './openLedger.js';
import { whoIsActing } from './actor.js';
import { auditKeyFromEnv } from './auditKey.js';
import { systemClock } from './clock.js';
import { fsArtifactReader } from './artifactReader.js';
import type { PipelineDeps } from '../operations/pipeline/pipelineDeps.js';

export interface PipelineSetup {
  loaded: LoadedConfig;
  app: string;
  definition: PipelineDefinition;
  /** Absolute pipeline dir. */
  dir: string;
  user: string;
  /** For the ledger's location (REWIND_DATABASE_URL). */
  processEnv: NodeJS.ProcessEnv;
}

export interface OpenPipeline extends PipelineDeps {
  ledgerFile: string;
  close(): Promise<void>;
}

export async function loadPipeline(options: { cwd: string; configFile?: string; processEnv: NodeJS.ProcessEnv }): Promise<PipelineSetup> {
  const loaded = await loadConfig({ cwd: options.cwd, file: options.configFile });
  const pipeline = loaded.config.pipeline;
  if (pipeline === undefined) {
    throw new RewindError(
      'PIPELINE_NOT_CONFIGURED',
      `${loaded.file} has no pipeline: section; add one (dir, phases: [{ id: P1, name: requirements }, ...]) to use rewind pipeline`,
    );
  }
  const definition: PipelineDefinition = { phases: pipeline.phases, paths: pipeline.paths, approvers: pipeline.approvers };
  const user = await whoIsActing(options.processEnv, createLocalExec());
  return { loaded, app: loaded.config.app, definition, dir: resolve(loaded.dir, pipeline.dir), user, processEnv: options.processEnv };
}

export async function openPipeline(setup: PipelineSetup): Promise<OpenPipeline> {
  const { loaded } = setup;
  const paths = resolvePaths(loaded);
  const location = ledgerLocation(loaded, paths.stateDir, setup.processEnv);
  const keying = auditKeyFromEnv(loaded, setup.processEnv);
  // The pipeline dir is a write root for the pipeline commands only: no other
  // command has any business there, and a narrower guard is a safer one.
  const files = createGuardedFiles([...paths.writeRoots, setup.dir]);
  await files.mkdir(paths.stateDir);
  const ledger = await openLedger(location, files, { key: keying.key, actor: setup.user, now: () => systemClock.now() });
  return {
    app: setup.app,
    definition: setup.definition,
    dir: setup.dir,
    configDir: loaded.dir,
    ledger,
    files,
    artifacts: fsArtifactReader,
    clock: systemClock,
    user: setup.user,
    random: () => randomBytes(2).toString('hex'),
    ledgerFile: location.label,
    close: () => ledger.close(),
  };
}

/** Open, use, and always close again. */
export async function withPipeline<T>(setup: PipelineSetup, use: (deps: OpenPipeline) => Promise<T>): Promise<T> {
  const deps = await openPipeline(setup);
  try {
    return await use(deps);
  } finally {
    await deps.close();
  }
}
