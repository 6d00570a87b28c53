/**
 * Signed approvals through OpenSSH's own ssh-keygen (`-Y sign`, `-Y verify`,
 * OpenSSH 8.2 or newer): the reference implementation of the SSHSIG format
 * and of the allowed-signers file (its options, patterns and certificate
 * authorities), every key type OpenSSH has, ssh-agent and security keys.
 * Argument arrays only. The message and the signature pass through files in
 * a scratch directory under the write guard, removed again at once.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { APPROVAL_NAMESPACE, sshSignatureInfo, type ApprovalSigner } from '../core/approvalSignature.js';
import { RewindError } from '../core/errors.js';
import type { Files } from '../core/ports.js';

export interface SshKeygenOptions {
  /** The allowed-signers file, absolute. */
  allowedSigners: string;
  files: Files;
  /** Where the message and signature files live for a moment; under a write root. */
  scratchDir: string;
  /** The environment ssh-keygen runs with: PATH, and SSH_AUTH_SOCK for a key held by ssh-agent. */
  env?: NodeJS.ProcessEnv;
  /** PATH lookup by default. */
  program?: string;
  /** Signing may wait for a passphrase or a touch of a security key. */
  signTimeoutMs?: number;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function sshKeygenSigner(options: SshKeygenOptions): ApprovalSigner {
  const { allowedSigners, files, scratchDir } = options;
  const program = options.program ?? 'ssh-keygen';
  const keygen = (argv: readonly string[], input: string | null, timeoutMs: number): Promise<Finished> =>
    runKeygen(argv, input, timeoutMs, options.env ?? process.env);

  /** Files named at random in the scratch dir, removed whatever happens. */
  const withScratch = async <T>(use: (base: string) => Promise<T>): Promise<T> => {
    await files.mkdir(scratchDir);
    const base = join(scratchDir, `approval-${randomBytes(6).toString('hex')}`);
    try {
      return await use(base);
    } finally {
      for (const path of [`${base}.txt`, `${base}.txt.sig`, `${base}.sig`]) await files.remove(path).catch(() => undefined);
    }
  };

  return {
    allowedSigners,
    sign: (keyFile, message) =>
      withScratch(async (base) => {
        // The message is a file, not stdin: with no terminal, ssh-keygen would read a key's passphrase from stdin.
        await files.writeFile(`${base}.txt`, message);
        await files.assertWritable(`${base}.txt.sig`);
        const argv = [program, '-Y', 'sign', '-f', keyFile, '-n', APPROVAL_NAMESPACE, `${base}.txt`];
        const run = await keygen(argv, null, options.signTimeoutMs ?? 120_000);
        const signature = run.code === 0 ? await files.readFile(`${base}.txt.sig`) : undefined;
        if (signature === undefined || sshSignatureInfo(signature) === null) {
          throw new RewindError('SIGNING_FAILED', `could not sign with --key ${keyFile}: ${said(run)}`, { keyFile });
        }
        return signature;
      }),
    verify: async (signature, identity, message) => {
      if ((await files.readFile(allowedSigners)) === undefined) {
        throw new RewindError('SIGNING_FAILED', `approval.allowed_signers: cannot read ${allowedSigners}`, { allowedSigners });
      }
      return withScratch(async (base) => {
        await files.writeFile(`${base}.sig`, signature);
        const argv = [program, '-Y', 'verify', '-f', allowedSigners, '-I', identity, '-n', APPROVAL_NAMESPACE, '-s', `${base}.sig`];
        const run = await keygen(argv, message, 15_000);
        if (run.code === 0) return { ok: true, detail: run.stdout.trim() };
        const owners = await keygen([program, '-Y', 'find-principals', '-f', allowedSigners, '-s', `${base}.sig`], null, 15_000);
        const listed = owners.code === 0 ? owners.stdout.trim().split('\n').filter((line) => line !== '') : [];
        const detail = listed.length > 0 && !listed.includes(identity)
          ? `that key is listed in ${allowedSigners} for ${listed.join(', ')}, not for ${identity}`
          : listed.length === 0
            ? `that key is not listed in ${allowedSigners}`
            : `it is not a signature of this run and plan (${said(run)})`;
        return { ok: false, detail };
      });
    },
  };
}

/** The last thing ssh-keygen said, on one line. */
function said(run: Finished): string {
  const lines = `${run.stderr}\n${run.stdout}`
    .split('\n')
    // A passphrase prompt nobody could answer ends without a line break, in front of the error.
    .map((line) => line.replace(/^Enter passphrase[^:]*:\s*/, '').trim())
    .filter((line) => line !== '');
  const meaningful = lines.filter((line) => !/^(Signing file|Write signature to) /.test(line));
  return meaningful.at(-1) ?? `ssh-keygen exited ${run.code ?? 'on a signal'}`;
}

function runKeygen(argv: readonly string[], input: string | null, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { env, stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout?.on('data', (chunk) => { stdout += String(chunk); });
    child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT'
        ? new RewindError('SIGNING_FAILED', `${argv[0]} was not found: signed approvals need OpenSSH's ssh-keygen (8.2 or newer) on PATH`)
        : error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // ssh-keygen may exit before reading all of it; that is its answer, not a crash of ours.
    child.stdin?.on('error', () => undefined);
    if (input !== null) child.stdin?.end(input);
  });
}
