/**
 * A release exported from git with `git archive`: the commit's tree as it
 * is, straight from the object store. The user's working copy, index and
 * HEAD are never touched, so uncommitted edits cannot leak into a release.
 */
import { join, resolve } from 'node:path';
import { COMMIT_TIME_FORMAT, commitTime } from '../../core/commitTime.js';
import { RewindError } from '../../core/errors.js';
import type { Exec, Files } from '../../core/ports.js';
import { commandFailed } from './failures.js';
import type { Layout } from './layout.js';
import type { LocatedSource } from './locatedSource.js';
import { reasonLine } from '../../core/reasonLine.js';

export interface GitContext {
  exec: Exec;
  files: Files;
  layout: Layout;
  configDir: string;
  version: string;
  random(): string;
}

/** Never wait for a password prompt no one will answer. */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0' };

export async function locateGit(repoSpec: string, ref: string, ctx: GitContext): Promise<LocatedSource> {
  const shownRepo = hideUrlPassword(repoSpec);
  const repo = isRemote(repoSpec) ? await syncMirror(repoSpec, ctx) : resolve(ctx.configDir, repoSpec);
  const found = await ctx.exec.run(
    ['git', '-C', repo, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    { env: GIT_ENV },
  );
  const sha = found.stdout.trim();
  if (found.code !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    const said = reasonLine(found.stderr);
    throw new RewindError('SOURCE_NOT_FOUND', `git ref "${ref}" was not found in ${shownRepo}${said === '' ? '' : ` (${said})`}`, {
      ref,
      repo: shownRepo,
      stderr: found.stderr,
    });
  }
  // Only for lead time: a commit whose time git cannot print is still deployed, with its time unknown.
  const shown = await ctx.exec.run(['git', '-C', repo, 'show', '-s', COMMIT_TIME_FORMAT, sha], { env: GIT_ENV });
  return {
    description: `git ${shownRepo} ${ref} (${sha})`,
    sha,
    committedAt: shown.code === 0 ? commitTime(shown.stdout) : null,
    async materialize(dest) {
      const tar = join(ctx.layout.root, `.rewind-export-${ctx.version}-${process.pid}-${ctx.random()}.tar`);
      // git writes the archive itself, so ask the guard about the path first.
      await ctx.files.assertWritable(tar);
      try {
        const archived = await ctx.exec.run(['git', '-C', repo, 'archive', '--format=tar', `--output=${tar}`, sha], { env: GIT_ENV });
        if (archived.code !== 0) throw commandFailed('BUILD_FAILED', `release ${ctx.version} could not be exported from git`, archived);
        await ctx.files.mkdir(dest);
        const unpacked = await ctx.exec.run(['tar', '-x', '-f', tar, '-C', dest, '--no-same-owner']);
        if (unpacked.code !== 0) throw commandFailed('BUILD_FAILED', `release ${ctx.version} could not be unpacked`, unpacked);
      } finally {
        await ctx.files.remove(tar);
      }
    },
  };
}

/** `https://...`, `ssh://...`, `file://...` or scp-like `git@host:org/repo`. */
export function isRemote(spec: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(spec) || /^[^/\s:]+@[^/\s:]+:/.test(spec);
}

export function hideUrlPassword(spec: string): string {
  return spec.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:\s]*):[^/@\s]*@/, '$1:***@');
}

/** Drivers may not import exec/, so the one secret this file knows is hidden here. */
function hidePassword(text: string, url: string): string {
  const password = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:\s]*:([^/@\s]+)@/.exec(url)?.[1];
  if (password === undefined || password.length < 4) return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // Not valid percent-encoding: only the raw form can appear.
  }
  return text.split(password).join('***').split(decoded).join('***');
}

/**
 * A remote repository is exported from a bare mirror kept beside the
 * releases: `git archive` needs a local object store, and `--remote` is
 * refused by most hosts.
 */
async function syncMirror(url: string, ctx: GitContext): Promise<string> {
  const mirror = join(ctx.layout.root, '.rewind-git-mirror');
  const shown = hideUrlPassword(url);
  await ctx.files.mkdir(ctx.layout.root);
  await ctx.files.assertWritable(mirror);
  const fresh = !(await ctx.files.exists(mirror));
  const result = fresh
    ? await ctx.exec.run(['git', 'clone', '--mirror', '--quiet', '--', url, mirror], { env: GIT_ENV })
    : await ctx.exec.run(
      ['git', '-C', mirror, 'fetch', '--prune', '--force', '--quiet', '--', url, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'],
      { env: GIT_ENV },
    );
  if (result.code !== 0) {
    if (fresh) await ctx.files.remove(mirror);
    // The Exec redacts what it was told is secret; a password inside the configured URL it may not know.
    const stderr = hidePassword(result.stderr, url);
    const said = reasonLine(stderr);
    throw new RewindError('SOURCE_NOT_FOUND', `git repository ${shown} could not be fetched${said === '' ? '' : ` (${said})`}`, {
      repo: shown,
      stderr,
    });
  }
  return mirror;
}
