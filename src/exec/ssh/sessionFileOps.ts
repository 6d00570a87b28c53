/**
 * A connection's file operations, asked of its command session while no
 * SFTP session is open: on a host whose sftp-server starts through the
 * user's login shell (Debian's default), a second login shell started
 * beside the session's costs a rollback the time that shell takes, and two
 * started together compete (here, on root's `.bashrc`, for a lock of
 * pyenv's). The session answers an operation in a few ms (sessionRunner.ts);
 * the reads, links and renames a rollback makes before its reload need no
 * other channel.
 *
 * SFTP is opened only when it is needed: a copy of a local file (`put`), or
 * an operation asked while a command that takes long runs in the session (a
 * reload, a migration). Once it is open it takes everything, being faster
 * still.
 */
import type { ChannelCommand } from './channelCommand.js';
import { execOps, MAX_TEXT_BYTES } from './execOps.js';
import type { FileTransport } from './fileTransport.js';
import type { RemoteFileOps } from './remoteOps.js';
import type { SessionKeeper, ShellSession } from './shellSession.js';

/**
 * How long an operation waits for a command that runs in the session before
 * it opens SFTP instead: a check of the release's checksums ends sooner, a
 * reload or a migration does not; an SFTP session takes longer than this to
 * open where the login shell is slow.
 */
const WAIT_FOR_COMMAND_MS = 50;

async function endsWithin(ended: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([ended.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function sessionFirst(sessions: SessionKeeper, transport: FileTransport, channel: ChannelCommand): () => Promise<RemoteFileOps> {
  const overSessions = new WeakMap<ShellSession, RemoteFileOps>();
  const overSession = (session: ShellSession): RemoteFileOps => {
    let ops = overSessions.get(session);
    if (ops === undefined) {
      const loop = { request: session.request.bind(session) };
      ops = execOps({ server: async () => loop, channel });
      overSessions.set(session, ops);
    }
    return ops;
  };
  /** The session, when it answers now, once it has started or once a short command ends; undefined when SFTP should be used. */
  const idleSession = async (): Promise<ShellSession | undefined> => {
    if (transport.isOpen()) return undefined;
    const session = sessions.current();
    if (session === undefined || !(await session.whenReady())) return undefined;
    if (!session.takesOps && !(await endsWithin(session.whenCommandEnds(), WAIT_FOR_COMMAND_MS))) return undefined;
    return session.usable ? session : undefined;
  };
  const via = async <T>(call: (ops: RemoteFileOps) => Promise<T>): Promise<T> => {
    const session = await idleSession();
    return call(session === undefined ? await transport() : overSession(session));
  };
  /** Text the session takes as a request (execOps would give anything else a channel of its own). */
  const viaText = <T>(data: string, call: (ops: RemoteFileOps) => Promise<T>): Promise<T> =>
    (Buffer.byteLength(data) <= MAX_TEXT_BYTES && !data.includes('\0') ? via(call) : transport().then(call));
  const ops: RemoteFileOps = {
    transport: 'exec',
    realpath: (path) => via((o) => o.realpath(path)),
    lstat: (path) => via((o) => o.lstat(path)),
    stat: (path) => via((o) => o.stat(path)),
    readlink: (path) => via((o) => o.readlink(path)),
    readdir: (path) => via((o) => o.readdir(path)),
    readFile: (path) => via((o) => o.readFile(path)),
    writeFile: (path, data) => viaText(data, (o) => o.writeFile(path, data)),
    appendFile: (path, data) => viaText(data, (o) => o.appendFile(path, data)),
    writeNew: (path, data) => viaText(data, (o) => o.writeNew(path, data)),
    mkdir: (path) => via((o) => o.mkdir(path)),
    unlink: (path) => via((o) => o.unlink(path)),
    symlink: (target, path) => via((o) => o.symlink(target, path)),
    rename: (from, to) => via((o) => o.rename(from, to)),
    // A file's bytes go where they are streamed, never through the session's request reader.
    put: async (localPath, remotePath) => (await transport()).put(localPath, remotePath),
    freeBytes: (path) => via((o) => o.freeBytes(path)),
  };
  return () => Promise.resolve(ops);
}
