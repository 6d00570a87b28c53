import { join } from 'node:path';
import { RewindError } from '../../core/errors.js';
import type { Exec, Files } from '../../core/ports.js';
import { SAMPLE_VERSIONS, sampleAppFiles, type SampleVersion } from './sampleApp.js';

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'rewind demo',
  GIT_AUTHOR_EMAIL: 'demo@rewind.invalid',
  GIT_COMMITTER_NAME: 'rewind demo',
  GIT_COMMITTER_EMAIL: 'demo@rewind.invalid',
};

/** A git repository holding the sample app, one commit and tag per version. */
export async function makeSampleRepo(
  files: Files,
  exec: Exec,
  repo: string,
  versions: readonly SampleVersion[] = SAMPLE_VERSIONS,
): Promise<void> {
  await files.mkdir(repo);
  await git(exec, repo, ['init', '--quiet', '--initial-branch=main']);
  for (const version of versions) {
    for (const [name, text] of Object.entries(sampleAppFiles(version))) {
      await files.writeFile(join(repo, name), text);
    }
    await git(exec, repo, ['add', '--all']);
    await git(exec, repo, ['commit', '--quiet', '--no-gpg-sign', '-m', `${version.version}: ${version.note}`]);
    await git(exec, repo, ['tag', version.version]);
  }
}

async function git(exec: Exec, repo: string, args: string[]): Promise<void> {
  const result = await exec.run(['git', '-C', repo, ...args], { env: GIT_IDENTITY });
  if (result.code !== 0) {
    throw new RewindError('STEP_FAILED', `demo: git ${args[0]} failed: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
  }
}
