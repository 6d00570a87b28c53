/**
 * The file operations of a host without SFTP, as POSIX sh functions: the
 * one text both ways of running them share (execOps.ts). Each takes paths
 * as its arguments ("$1", "$2") and nothing else; no path is ever part of
 * this text. Failures are left to the utilities' own words (strerror's,
 * under LC_ALL=C), which commandErrors.ts turns into SFTP's codes.
 *
 * Needs what Capistrano-style hosts have: sh, and coreutils or busybox
 * (realpath, stat -c, readlink, ls, mkdir, rm, ln -T, mv -T, df -P, wc,
 * cat, sha256sum).
 */

/** What the file operations loop (opServer.ts) answers; writeText and appendText only there (their content is an argument). */
export const ANSWERING = [
  'realpath', 'lstat', 'stat', 'readlink', 'readdir', 'readSized', 'mkdir', 'unlink', 'symlink', 'rename', 'freeBytes',
  'writeText', 'appendText',
] as const;
/** Content on stdin or stdout as it is: always on a channel of their own. */
export const CARRYING = ['readFile', 'write', 'append'] as const;

export type FileCommand = (typeof ANSWERING)[number] | (typeof CARRYING)[number];
/** Their content is an argument: run by the loop only (it arrives on the loop's stdin), never in a command line. */
export type LoopOnly = 'writeText' | 'appendText';

const BODIES: Record<FileCommand, string> = {
  realpath: 'realpath -- "$1"',
  lstat: "stat -c '%f %Y' -- \"$1\"",
  stat: "stat -L -c '%f %Y' -- \"$1\"",
  // readlink(1) says nothing about what is not a link; say what readlink(2) would.
  readlink: 'if [ -L "$1" ]; then readlink -- "$1"; else ls -d -- "$1" >/dev/null || return; ' +
    'printf \'readlink: %s: Invalid argument\\n\' "$1" >&2; return 1; fi',
  // `/` first and after each name: no name holds one. A plain file is "not a directory", as for opendir(3).
  // Only the `*` is a pattern: a quoted "$1" is taken literally.
  readdir: '[ -d "$1" ] || { ls -d -- "$1/" >/dev/null || return; printf \'ls: %s: Not a directory\\n\' "$1" >&2; return 1; }; ' +
    'printf /; for p in "$1"/.* "$1"/*; do f=${p##*/}; case $f in .|..) continue;; esac; ' +
    'if [ -e "$p" ] || [ -L "$p" ]; then printf \'%s/\' "$f"; fi; done',
  // Its size first: an answer that does not match it did not arrive whole.
  readSized: 'n=$(wc -c < "$1") || return; printf \'%s\\n\' "$n"; cat -- "$1"',
  mkdir: 'mkdir -- "$1"',
  unlink: 'rm -- "$1"',
  // -T: a directory (or a link to one) at the path is an error, never a place to put the link in.
  symlink: 'ln -s -T -- "$1" "$2"',
  // -T: rename(2) over the path itself, never into the directory a link there points to.
  rename: 'mv -T -- "$1" "$2"',
  freeBytes: 'df -P -k -- "$1"',
  readFile: 'cat -- "$1"',
  /** $2 `new` creates exclusively, `replace` truncates; $3 `sync` flushes to disk. Prints the sha256 of what was stored. */
  write: 'if [ "$2" = new ]; then set -C; fi; cat > "$1" || return; ' +
    'if [ "$3" = sync ]; then sync -- "$1" 2>/dev/null; fi; sha256sum < "$1"',
  append: 'cat >> "$1"',
  // As write and append, the content in $4 (or $2): printf is a builtin, so it is never in a process's arguments.
  writeText: 'if [ "$2" = new ]; then set -C; fi; printf %s "$4" > "$1" || return; ' +
    'if [ "$3" = sync ]; then sync -- "$1" 2>/dev/null; fi; sha256sum < "$1"',
  appendText: 'printf %s "$2" >> "$1"',
};

/** Byte semantics for ${#var}, and strerror's English for commandErrors.ts. */
export const PRELUDE = 'LC_ALL=C; export LC_ALL; unset CDPATH';

/**
 * Answers one request whose operation name is in `$op` and is one of
 * ANSWERING: reads its arguments from file descriptor `fd` (their count,
 * then each as its byte count and its bytes, a newline after each), runs
 * the operation with stderr in the file `$e`, and prints `rewind-op <status>
 * <stdout bytes> <stderr bytes>\n`, the output and the last line of what it
 * said on stderr. Needs PRELUDE's byte semantics, `nl` holding a newline and
 * the op functions; exits 99 (in the subshell it is meant for) on anything
 * that is not a request. Nothing it reads is ever evaluated as shell text.
 */
export function answerRequest(fd: number): string {
  return [
    `IFS= read -r c <&${fd} || exit 99`,
    'case $c in ""|*[!0-9]*) exit 99;; esac',
    'set --',
    'while [ $# -lt "$c" ]; do',
    `  IFS= read -r n <&${fd} || exit 99`,
    '  case $n in ""|*[!0-9]*) exit 99;; esac',
    // Lines until the argument and its newline are in: an argument may hold newlines.
    `  a=; while [ \${#a} -le "$n" ]; do IFS= read -r l <&${fd} || exit 99; a=$a$l$nl; done`,
    '  set -- "$@" "${a%"$nl"}"',
    'done',
    // The trailing x keeps trailing newlines, which $(...) would strip.
    `out=$("op_$op" "$@" 2>"$e" </dev/null${fd === 0 ? '' : ` ${fd}<&-`}; s=$?; printf x; exit "$s")`,
    's=$?; out=${out%x}; err=',
    'if [ "$s" -ne 0 ]; then while IFS= read -r l || [ -n "$l" ]; do err=$l; done <"$e"; fi',
    'printf \'rewind-op %s %s %s\\n%s%s\' "$s" "${#out}" "${#err}" "$out" "$err"',
  ].join('\n');
}

/** `op_<name>() { ... }` for each of `names`. */
export function functions(names: readonly FileCommand[]): string {
  return names.map((name) => `op_${name}() {\n${BODIES[name]}\n}`).join('\n');
}

/** A script that runs one operation on its arguments: for `sh -c <script> sh <args>`. */
export function singleScript(name: Exclude<FileCommand, LoopOnly>): string {
  return `${PRELUDE}\n${functions([name])}\nop_${name} "$@"`;
}
