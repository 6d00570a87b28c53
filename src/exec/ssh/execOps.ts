/**
 * The remote file operations (remoteOps.ts) as commands, for hosts whose
 * sshd has no SFTP subsystem (hardened hosts that allow exec only, as
 * Capistrano and Shipit need). Each operation is one constant POSIX sh
 * script with the paths as its arguments, the command line built by the one
 * quoting function: no path is ever part of the script's text.
 *
 * Answers that are small (a path, a stat line) come through `exec`, which
 * uses the connection's command session when it is idle; content in either
 * direction (a file read, a tarball or a manifest written, a directory
 * listing) gets a channel of its own, byte for byte, written content on
 * the command's stdin and never in its command line. What a write stored is
 * read back on the host (sha256) and compared with what was sent.
 *
 * Failures carry SFTP's status codes, judged from the command's own words
 * (LC_ALL=C, so they are strerror's English): "nothing is there" and a
 * full disk mean the same on both transports.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import type { Exec } from '../../core/ports.js';
import { remoteCommand } from '../shellQuote.js';
import type { ChannelCommand, ChannelOutcome } from './channelCommand.js';
import { remoteFileError } from './commandErrors.js';
import type { RemoteFileOps, RemoteStats } from './remoteOps.js';

export interface ExecOpsContext {
  /** For commands with a small answer; must not redact (a path is an answer here, not a log line). */
  exec: Exec;
  /** For commands that carry a file's content, either way. */
  channel: ChannelCommand;
}

const PRELUDE = 'LC_ALL=C; export LC_ALL; ';

const SCRIPTS = {
  realpath: 'realpath -- "$1"',
  lstat: "stat -c '%f %Y' -- \"$1\"",
  stat: "stat -L -c '%f %Y' -- \"$1\"",
  // readlink(1) says nothing about what is not a link; say what readlink(2) would.
  readlink: 'if [ -L "$1" ]; then readlink -- "$1"; else ls -d -- "$1" >/dev/null && { printf \'readlink: %s: Invalid argument\\n\' "$1" >&2; exit 1; }; fi',
  // NUL after each name: no name can break the list. A plain file is "not a directory", as for opendir(3).
  readdir: [
    '[ -d "$1" ] || { ls -d -- "$1/" >/dev/null || exit; printf \'ls: %s: Not a directory\\n\' "$1" >&2; exit 1; }',
    'unset CDPATH; cd -- "$1" || exit',
    'for f in .* *; do case $f in .|..) continue;; esac; if [ -e "$f" ] || [ -L "$f" ]; then printf \'%s\\0\' "$f"; fi; done',
  ].join('\n'),
  readFile: 'exec cat -- "$1"',
  mkdir: 'mkdir -- "$1"',
  unlink: 'rm -- "$1"',
  // -T: a directory (or a link to one) at the path is an error, never a place to put the link in.
  symlink: 'ln -s -T -- "$1" "$2"',
  // -T: rename(2) over the path itself, never into the directory a link there points to.
  rename: 'mv -T -- "$1" "$2"',
  freeBytes: 'df -P -k -- "$1"',
  /** $2 `new` creates exclusively, `replace` truncates; $3 `sync` flushes to disk. Prints the sha256 of what was stored. */
  write: 'if [ "$2" = new ]; then set -C; fi; cat > "$1" || exit; if [ "$3" = sync ]; then sync -- "$1" 2>/dev/null; fi; sha256sum < "$1"',
  append: 'cat >> "$1"',
} as const;

type Op = keyof typeof SCRIPTS;

function argv(op: Op, args: readonly string[]): string[] {
  return ['sh', '-c', PRELUDE + SCRIPTS[op], 'sh', ...args];
}

export function execOps(context: ExecOpsContext): RemoteFileOps {
  /** A small answer, through the command session when it is idle. */
  const ask = async (op: Op, ...args: string[]): Promise<string> => {
    const result = await context.exec.run(argv(op, args));
    if (result.code !== 0) throw remoteFileError(op, result.code, result.stderr);
    return result.stdout;
  };
  /** Content either way, on a channel of its own. */
  const carry = async (op: Op, args: string[], input?: Parameters<ChannelCommand>[1]): Promise<ChannelOutcome> => {
    const outcome = await context.channel(remoteCommand(argv(op, args)), input);
    if (outcome.code !== 0) throw remoteFileError(op, outcome.code, outcome.stderr);
    return outcome;
  };
  const stats = async (op: 'stat' | 'lstat', path: string): Promise<RemoteStats> => parseStat(await ask(op, path));
  const write = async (path: string, mode: 'new' | 'replace', data: string): Promise<void> => {
    const bytes = Buffer.from(data, 'utf8');
    // Durable before it becomes visible, as the SFTP side does (fsync@openssh.com) for a new file.
    const outcome = await carry('write', [path, mode, mode === 'new' ? 'sync' : ''], bytes);
    compareDigests(createHash('sha256').update(bytes).digest('hex'), outcome.stdout);
  };

  return {
    transport: 'exec',
    realpath: async (path) => withoutNewline(await ask('realpath', path)),
    lstat: (path) => stats('lstat', path),
    stat: (path) => stats('stat', path),
    readlink: async (path) => withoutNewline(await ask('readlink', path)),
    readdir: async (path) => {
      const listing = (await carry('readdir', [path])).stdout.toString('utf8');
      return listing.split('\0').filter((name) => name !== '');
    },
    readFile: async (path) => (await carry('readFile', [path])).stdout.toString('utf8'),
    writeFile: (path, data) => write(path, 'replace', data),
    writeNew: (path, data) => write(path, 'new', data),
    appendFile: async (path, data) => {
      await carry('append', [path], Buffer.from(data, 'utf8'));
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
        compareDigests(hash.digest('hex'), outcome.stdout);
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

function compareDigests(sent: string, printed: Buffer): void {
  const stored = /^[0-9a-f]{64}/.exec(printed.toString('utf8'))?.[0];
  if (stored === sent) return;
  throw new Error(`what arrived is not what was sent: sha256 ${sent.slice(0, 12)}... sent, ${stored === undefined ? 'none' : `${stored.slice(0, 12)}...`} stored`);
}
