/**
 * Signed approvals. REWIND_USER says who someone claims to be; a signature
 * says who holds a key. With `approval.allowed_signers` (an OpenSSH
 * allowed-signers file: `identity keytype base64key` per line), an approval
 * counts only when it carries an SSH signature (the SSHSIG format of
 * `ssh-keygen -Y sign`) over this message, which binds it to one run and one
 * plan, that verifies for an identity on `approval.approvers`.
 */
import { createHash } from 'node:crypto';

/** The SSHSIG namespace: a signature made for git commits or files cannot pass as an approval. */
export const APPROVAL_NAMESPACE = 'rewind-approval';

export interface ApprovalSubject {
  app: string;
  env: string;
  runId: string;
  planId: string;
}

/** What is signed: JSON, so no app, env or id could run into the next field. */
export function approvalMessage(subject: ApprovalSubject): string {
  const { app, env, runId, planId } = subject;
  return `rewind approval\n${JSON.stringify({ app, env, run_id: runId, plan_id: planId })}\n`;
}

/** Signs and verifies approvals; made from the environment's allowed-signers file. */
export interface ApprovalSigner {
  /** The file the signatures are checked against (for messages). */
  readonly allowedSigners: string;
  /** The armoured SSHSIG of `message` by the key in `keyFile`: a private key, or a public key whose private half is in ssh-agent. */
  sign(keyFile: string, message: string): Promise<string>;
  /** Does `signature` verify `message` for `identity` in the allowed-signers file? `detail` says why not. */
  verify(signature: string, identity: string, message: string): Promise<{ ok: boolean; detail: string }>;
}

/** How a signed approval is kept in the audit log's `approval.granted` entry. */
export interface SignedApproval {
  identity: string;
  /** `ssh-ed25519 SHA256:...`: the key that signed, as `ssh-keygen -l` names it. */
  key: string;
  /** The armoured SSHSIG, as `ssh-keygen -Y sign` wrote it. */
  signature: string;
  namespace: string;
  plan_id: string;
}

/** `approved_by` of a run approved with a signature: who, and with which key. */
export function signedApprover(approval: Pick<SignedApproval, 'identity' | 'key'>): string {
  return `${approval.identity} (signed with ${approval.key})`;
}

export interface SshSignatureInfo {
  keyType: string;
  /** `SHA256:` and the unpadded base64 of the public key blob's digest, as OpenSSH prints it. */
  fingerprint: string;
  namespace: string;
}

/**
 * Read the public parts of an armoured SSHSIG (PROTOCOL.sshsig): which key
 * made it and for which namespace. Verifying is ssh-keygen's job; this names
 * the key in records and messages. Null when it is not an SSH signature.
 */
export function sshSignatureInfo(armoured: string): SshSignatureInfo | null {
  const body = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/.exec(armoured)?.[1];
  if (body === undefined) return null;
  const blob = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const reader = sshReader(blob);
  if (blob.subarray(0, 6).toString('latin1') !== 'SSHSIG') return null;
  reader.skip(6);
  const version = reader.uint32();
  const publicKey = reader.bytes();
  const namespace = reader.bytes();
  if (version !== 1 || publicKey === null || namespace === null) return null;
  const keyType = sshReader(publicKey).bytes();
  if (keyType === null) return null;
  const digest = createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '');
  return { keyType: keyType.toString('latin1'), fingerprint: `SHA256:${digest}`, namespace: namespace.toString('utf8') };
}

/** The SSH wire format's uint32 and length-prefixed strings, refusing to read past the end. */
function sshReader(buffer: Buffer): { skip(n: number): void; uint32(): number | null; bytes(): Buffer | null } {
  let at = 0;
  const uint32 = (): number | null => {
    if (at + 4 > buffer.length) return null;
    const value = buffer.readUInt32BE(at);
    at += 4;
    return value;
  };
  return {
    skip: (n) => {
      at += n;
    },
    uint32,
    bytes: () => {
      const length = uint32();
      if (length === null || at + length > buffer.length) return null;
      const value = buffer.subarray(at, at + length);
      at += length;
      return value;
    },
  };
}
