/**
 * A real project for the pipeline commands: rewind.yaml with a pipeline
 * section and phase directories full of artifacts (text, nested, binary).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { TestContext } from 'node:test';
import { parse } from 'yaml';
import { rewind, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';

export const PHASES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8'] as const;
const NAMES = ['requirements', 'research', 'architecture', 'design', 'validation', 'implementation', 'testing', 'integration'];

/** Seed 004's table of supported rollback paths. */
export const SEED_PATHS = `  paths:
    - { from: P5, to: P4 }
    - { from: P6, to: P4 }
    - { from: P6, to: P3 }
    - { from: P7, to: P6 }
    - { from: P7, to: P4 }
    - { from: P8, to: P6 }
`;

export function pipelineConfig(extra = ''): string {
  return `${MINIMAL_CONFIG}pipeline:
  dir: .pipeline
  approvers: [boss@example.com]
  phases:
${PHASES.map((id, index) => `    - { id: ${id}, name: ${NAMES[index]} }`).join('\n')}
${extra}`;
}

export interface Project {
  dir: string;
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** Run and insist on exit 0. */
  ok(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** Advance phase by phase until `phase` is in progress. */
  advanceTo(phase: string): Promise<void>;
  statuses(): Promise<Record<string, string>>;
  read(path: string): Promise<string>;
  yaml(path: string): Promise<any>;
}

export async function pipelineProject(t: TestContext, options: { paths?: boolean; config?: string } = {}): Promise<Project> {
  const dir = await tempDir(t, 'rewind-pipeline-');
  await writeFile(join(dir, 'rewind.yaml'), options.config ?? pipelineConfig(options.paths ? SEED_PATHS : ''));
  for (const phase of PHASES) {
    const base = join(dir, '.pipeline', phase);
    await mkdir(join(base, 'L2', 'notes'), { recursive: true });
    await writeFile(join(base, 'L1-index.yaml'), `phase: ${phase}\nstatus: complete\n`);
    await writeFile(join(base, 'L2', 'summary.md'), `# ${phase}\n\nWhat ${phase} found.\n`);
    await writeFile(join(base, 'L2', 'notes', 'with spaces & symbols.txt'), `notes of ${phase}\n`);
    await writeFile(join(base, 'L3-data.bin'), randomBytes(2048));
  }
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => rewind(dir, args, env);
  const ok = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = await run(args, env);
    assert.equal(result.code, 0, `rewind ${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
    return result;
  };
  const statuses = async () => Object.fromEntries((await ok(['pipeline', 'status', '--json'])).json().phases.map((p: any) => [p.id, p.status]));
  return {
    dir,
    run,
    ok,
    statuses,
    async advanceTo(phase) {
      for (;;) {
        const current = Object.entries(await statuses()).find(([, status]) => status === 'in_progress')?.[0];
        assert.ok(current, 'a phase is in progress');
        if (current === phase) return;
        await ok(['pipeline', 'advance', current]);
      }
    },
    read: (path) => readFile(join(dir, path), 'utf8'),
    yaml: async (path) => parse(await readFile(join(dir, path), 'utf8')),
  };
}

/** The files rewind writes into a project; everything else in .pipeline is an artifact. */
export function writtenByRewind(path: string): boolean {
  return path.startsWith('.rewind/') || path === '.pipeline/state.yaml' || path === '.pipeline/decisions.md'
    || /^\.pipeline\/[^/]+\/(rollback-record\.yaml|reentry-context\.md)$/.test(path);
}

/** Every entry under `root`: files by sha256 of their bytes, directories and symlinks by kind. */
export async function treeDigest(root: string, skip: (path: string) => boolean = () => false): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path).split(sep).join('/');
      const stat = await lstat(path);
      if (stat.isDirectory()) {
        if (!skip(`${rel}/`)) digest[`${rel}/`] = 'dir';
        await walk(path);
      } else if (!skip(rel)) {
        digest[rel] = stat.isSymbolicLink() ? `link:${await readlink(path)}` : createHash('sha256').update(await readFile(path)).digest('hex');
      }
    }
  };
  await walk(root);
  return digest;
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** One clear line on stderr, no stack trace. */
export function oneLine(run: CliRun, pattern: RegExp): void {
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${run.stderr}`);
  assert.match(lines[0]!, /^rewind: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
}
