/**
 * How files reach one host, chosen once per connection: SFTP when the
 * server has the subsystem (one session, opened on first use, reopened if
 * it ends), commands on exec channels when the server says it has none or
 * what it runs for it ends at once.
 * A host with SFTP pays nothing for the choice: the SFTP open it needed
 * anyway is the test. The refusal is remembered for the connection and
 * said once.
 */
import type { Client, SFTPWrapper } from 'ssh2';
import { RewindError } from '../../core/errors.js';
import type { ChannelGate } from './channelGate.js';
import { openWithRetry } from './openRetry.js';
import type { RemoteFileOps } from './remoteOps.js';
import { sftpOps } from './sftpOps.js';

export interface FileTransportOptions {
  label: string;
  /** The operations over exec channels, made when SFTP turns out to be unavailable. */
  overExec: () => RemoteFileOps;
  /** Told once, when this connection moves files over exec (for --verbose). */
  onNote?: (text: string) => void;
  /** Milestones, for REWIND_TIMELINE: the SFTP session open. */
  onPhase?: (what: string) => void;
}

/**
 * Why the server has no SFTP to offer, in ssh2's words: `refused` when it
 * answered the subsystem request with a failure (OpenSSH without `Subsystem
 * sftp`; the channel stays open), `exited` when what it started for it
 * ended at once (a subsystem whose program is missing or broken; the
 * channel is closed). Undefined for any other failure.
 */
export function sftpUnavailable(error: unknown): 'refused' | 'exited' | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.message === 'Unable to start subsystem: sftp') return 'refused';
  if (/^Received exit code \d+ while establishing SFTP session$/.test(error.message)) return 'exited';
  return undefined;
}

export interface FileTransport {
  /** The operations, opening the SFTP session on first use. */
  (): Promise<RemoteFileOps>;
  /** Whether operations asked now go to an SFTP session already open (or over exec), without waiting for one to open. */
  isOpen(): boolean;
}

export function fileTransport(client: Client, gate: ChannelGate, options: FileTransportOptions): FileTransport {
  const { label } = options;
  let overExec: RemoteFileOps | undefined;
  let session: Promise<RemoteFileOps> | undefined;
  let open = false;
  const transport = () => {
    if (overExec !== undefined) return Promise.resolve(overExec);
    if (session !== undefined) return session;
    session = (async () => {
      const release = await gate.acquire();
      try {
        const wrapper = await openWithRetry(
          () =>
            new Promise<SFTPWrapper>((resolve, reject) => {
              try {
                client.sftp((error, opened) => (error ? reject(error) : resolve(opened)));
              } catch (error) {
                reject(error);
              }
            }),
        );
        options.onPhase?.('SFTP session open');
        wrapper.on('error', () => undefined);
        open = true;
        wrapper.once('close', () => {
          open = false;
          release();
          // Only this session can be cached: a new one is opened after it ends.
          session = undefined;
        });
        return sftpOps(wrapper);
      } catch (error) {
        session = undefined;
        const unavailable = sftpUnavailable(error);
        if (unavailable !== undefined) {
          // A refused channel stays open on both sides (ssh2 hands out nothing to close it with), so its
          // slot stays counted: the gate keeps matching the server's MaxSessions, as an SFTP session would.
          if (unavailable === 'exited') release();
          overExec = options.overExec();
          options.onNote?.(`${label}: no SFTP subsystem; files go over exec channels`);
          return overExec;
        }
        release();
        const reason = error instanceof Error ? error.message : String(error);
        throw new RewindError('STEP_FAILED', `${label}: cannot open an SFTP session (${reason})`, { host: label });
      }
    })();
    return session;
  };
  return Object.assign(transport, { isOpen: () => open || overExec !== undefined });
}
