/**
 * The real kubectl, run against a fake API server (test/helpers/fakeKube) with argument arrays, its discovery cache
 * and HOME in the fake's temp dir. Any kubectl from 1.20 (Debian's kubernetes-client) on; REWIND_TEST_KUBECTL picks
 * another binary.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { FakeKube } from './fakeKube/index.js';

export const KUBECTL = process.env.REWIND_TEST_KUBECTL ?? 'kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

function found(command: string): boolean {
  const candidates = command.includes('/') ? [command] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Skip loudly without kubectl; under CI=true never skip (the test fails instead, as .ci/run installs it). */
export function kubectlSkipReason(): string | undefined {
  if (found(KUBECTL) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${KUBECTL} is missing (apt-get install kubernetes-client); the kubectl tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

/** Runs kubectl against the fake; resolves with the exit code (non-zero is not an error here), stdout and stderr. */
export function kubectl(kube: FakeKube, args: string[], options: { timeoutMs?: number; kubeconfig?: string } = {}): Promise<KubectlResult> {
  const argv = ['--kubeconfig', options.kubeconfig ?? kube.kubeconfig, '--cache-dir', join(kube.dir, 'kubectl-cache'), ...args];
  const env = { ...process.env, HOME: kube.dir, KUBECONFIG: '' };
  return new Promise((resolve, reject) => {
    execFile(KUBECTL, argv, { env, timeout: options.timeoutMs ?? 30_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`kubectl ${args.join(' ')}: ${error.message} (stderr: ${stderr.trim()})`));
        return;
      }
      resolve({ code: error ? (error.code as unknown as number) : 0, stdout, stderr });
    });
  });
}
