import { join, relative, sep } from 'node:path';
import type { PipelineDeps } from './pipelineDeps.js';

/**
 * The files rewind writes into a pipeline. Everything else under the
 * pipeline dir is an artifact: rewind reads it and never writes it.
 */
export const RECORD_FILE = 'rollback-record.yaml';
export const CONTEXT_FILE = 'reentry-context.md';
export const STATE_FILE = 'state.yaml';
export const DECISIONS_FILE = 'decisions.md';

type Layout = Pick<PipelineDeps, 'dir' | 'configDir'>;

export const phaseDir = (deps: Layout, phase: string): string => join(deps.dir, phase);
export const recordFile = (deps: Layout, phase: string): string => join(phaseDir(deps, phase), RECORD_FILE);
export const contextFile = (deps: Layout, phase: string): string => join(phaseDir(deps, phase), CONTEXT_FILE);
export const stateFile = (deps: Layout): string => join(deps.dir, STATE_FILE);
export const decisionsFile = (deps: Layout): string => join(deps.dir, DECISIONS_FILE);

/** A path as a user types it from the project root: relative to the config file, with `/`. */
export function shownPath(deps: Layout, path: string): string {
  const rel = relative(deps.configDir, path);
  return (rel === '' || rel.startsWith('..') ? path : rel).split(sep).join('/');
}
