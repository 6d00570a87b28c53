/**
 * The remote file operations (remoteOps.ts) as commands, for hosts whose
 * sshd has no SFTP subsystem (hardened hosts that allow exec only, as
 * Capistrano and Shipit need). The operations are sh functions of constant
 * text (fileCommands.ts) with the paths as their arguments, every command
 * line built by the one quoting function.
 *
 * Operations go to the connection's file operations loop (opServer.ts),
 * one after another, as SFTP requests go to its session; where the loop
 * cannot run, each gets a channel of its own. A short text is written there
 * too (it arrives on the loop's stdin); a tarball, or text the loop cannot
 * hold, is streamed on the stdin of a channel of its own. Written content
 * is never in a command line, and what was stored is read back on the host
 * (sha256) and compared with what was sent.
 *
 * Failures carry SFTP's status codes, judged from the command's own words
 * (commandErrors.ts): "nothing is there" and a full disk mean the same on
 * both transports.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { pipeline, Transform, type Readable } from 'node:stream';
import { remoteCommand } from '../shellQuote.js';
import type { ChannelCommand, ChannelOutcome } from './channelCommand.js';
import { remoteFileError } from './commandErrors.js';
import { singleScript, type FileCommand, type LoopOnly } from './fileCommands.js';
import type { OpReply } from './opServer.js';
import type { RemoteFileOps, RemoteStats } from './remoteOps.js';

export interface ExecOpsContext {
  /** The connection's file operations loop; undefined where it cannot run. */
  server: () => Promise<{ request(op: FileCommand, args: readonly string[]): Promise<OpReply | undefined> } | undefined>;
  /** A command on a channel of its own. */
  channel: ChannelCommand;
}

/** Longer text goes on a channel's stdin: the loop reads its requests a byte at a time. */
export const MAX_TEXT_BYTES = 64 * 1024;

export function execOps(context: ExecOpsContext): RemoteFileOps {
  /** An operation on a channel of its own, `input` its stdin. */
  const carry = async (op: Exclude<FileCommand, LoopOnly>, args: string[], input?: Buffer | Readable): Promise<ChannelOutcome> => {
    const outcome = await context.channel(remoteCommand(['sh', '-c', singleScript(op), 'sh', ...args]), input);
    if (outcome.code !== 0) throw remoteFileError(op, outcome.code, outcome.stderr);
    return outcome;
  };
  type Loop = NonNullable<Awaited<ReturnType<ExecOpsContext['server']>>>;
  const answer = async (loop: Loop, op: FileCommand, args: string[]): Promise<string> => {
    const reply = await loop.request(op, args);
    if (reply === undefined) throw remoteFileError(op, undefined, '');
    if (reply.status !== 0) throw remoteFileError(op, reply.status, reply.stderr);
    return reply.stdout.toString('utf8');
  };
  /** An operation's answer, from the loop where it runs. */
  const ask = async (op: Exclude<FileCommand, LoopOnly>, ...args: string[]): Promise<string> => {
    const loop = await context.server();
    return loop === undefined ? (await carry(op, args)).stdout.toString('utf8') : answer(loop, op, args);
  };
  const stats = async (op: 'stat' | 'lstat', path: string): Promise<RemoteStats> => parseStat(await ask(op, path));
  /** The loop, when it runs and `data` is text it can hold (no NUL, not long); the text is then an argument, so only there. */
  const loopFor = async (data: string): Promise<Loop | undefined> =>
    (Buffer.byteLength(data) <= MAX_TEXT_BYTES && !data.includes('\0') ? context.server() : undefined);
  const write = async (path: string, mode: 'new' | 'replace', data: string): Promise<void> => {
    const bytes = Buffer.from(data, 'utf8');
    // Durable before it becomes visible, as the SFTP side does (fsync@openssh.com) for a new file.
    const args = [path, mode, mode === 'new' ? 'sync' : ''];
    const loop = await loopFor(data);
    const stored = loop ? await answer(loop, 'writeText', [...args, data]) : (await carry('write', args, bytes)).stdout.toString();
    compareDigests(createHash('sha256').update(bytes).digest('hex'), stored);
  };

  return {
    transport: 'exec',
    realpath: async (path) => withoutNewline(await ask('realpath', path)),
    lstat: (path) => stats('lstat', path),
    stat: (path) => stats('stat', path),
    readlink: async (path) => withoutNewline(await ask('readlink', path)),
    readdir: async (path) => {
      const listing = await ask('readdir', path);
      if (!listing.startsWith('/')) throw new Error(`the listing of ${path} did not arrive whole`);
      return listing.split('/').filter((name) => name !== '');
    },
    readFile: async (path) => {
      const answer = await ask('readSized', path);
      const size = /^\s*(\d+)\n/.exec(answer);
      const body = size ? answer.slice(size[0].length) : '';
      // A shell variable cannot hold NUL, and decoding may change the length: the channel has every byte.
      if (size && Buffer.byteLength(body) === Number(size[1])) return body;
      return (await carry('readFile', [path])).stdout.toString('utf8');
    },
    writeFile: (path, data) => write(path, 'replace', data),
    writeNew: (path, data) => write(path, 'new', data),
    appendFile: async (path, data) => {
      const loop = await loopFor(data);
      if (loop) await answer(loop, 'appendText', [path, data]);
      else await carry('append', [path], Buffer.from(data, 'utf8'));
    },
    mkdir: async (path) => void (await ask('mkdir', path)),
    unlink: async (path) => void (await ask('unlink', path)),
    symlink: async (target, path) => void (await ask('symlink', target, path)),
    rename: async (from, to) => void (await ask('rename', from, to)),
    async put(localPath, remotePath) {
      // Opened first: a missing local file is named before anything is sent.
      const handle = await open(localPath, 'r');
      const hash = createHash('sha256');
      // Hashed as it is sent; a Transform holds the bytes until the channel takes them.
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      pipeline(handle.createReadStream(), hashing, () => undefined);
      try {
        // Not flushed: a tarball is unpacked and removed right after.
        const outcome = await carry('write', [remotePath, 'new', ''], hashing);
        compareDigests(hash.digest('hex'), outcome.stdout.toString());
      } finally {
        hashing.destroy();
      }
    },
    freeBytes: async (path) => {
      // Filesystem 1024-blocks Used Available Capacity Mounted-on; names may hold spaces, the numbers cannot.
      const match = /\s(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s/.exec(await ask('freeBytes', path));
      if (!match) throw new Error('df printed no usable line');
      return Number(match[3]) * 1024;
    },
  };
}

/** `%f %Y`: the raw mode in hex, the modification time in seconds. */
function parseStat(line: string): RemoteStats {
  const match = /^([0-9a-f]+) (\d+)\s*$/.exec(line);
  if (!match) throw new Error(`stat printed ${JSON.stringify(line.slice(0, 80))}, not a mode and a time`);
  const type = Number.parseInt(match[1] as string, 16) & 0o170000;
  return {
    isDirectory: () => type === 0o040000,
    isFile: () => type === 0o100000,
    isSymbolicLink: () => type === 0o120000,
    mtime: Number(match[2]),
  };
}

function withoutNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

function compareDigests(sent: string, printed: string): void {
  const stored = /^[0-9a-f]{64}/.exec(printed)?.[0];
  if (stored === sent) return;
  const shown = stored === undefined ? 'none' : `${stored.slice(0, 12)}...`;
  throw new Error(`what arrived is not what was sent: sha256 ${sent.slice(0, 12)}... sent, ${shown} stored`);
}
