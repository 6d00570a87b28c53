import type { PipelineDefinition } from '../../core/pipeline/phases.js';
import type { Clock, Files, Ledger } from '../../core/ports.js';

/** Reads a phase directory's files and their sha256, without changing anything. */
export interface ArtifactReader {
  /** Every regular file under `dir` (recursively), sorted by path; [] when `dir` does not exist. */
  digestTree(dir: string): Promise<{ file: string; sha256: string }[]>;
}

/**
 * Everything a pipeline operation needs, passed in. A pipeline is not tied
 * to an environment: its statuses are keyed by app in the ledger.
 */
export interface PipelineDeps {
  app: string;
  definition: PipelineDefinition;
  /** Absolute: holds <id>/ per phase, state.yaml and decisions.md. */
  dir: string;
  /** The config file's directory: paths in records and messages are relative to it. */
  configDir: string;
  ledger: Ledger;
  /** Writes go through the write guard; the pipeline dir is one of its roots. */
  files: Files;
  artifacts: ArtifactReader;
  clock: Clock;
  /** Who is acting: REWIND_USER, git's user.email, or the OS user. */
  user: string;
  /** A short random suffix for ids. */
  random: () => string;
}
