/**
 * Tiny test images for the docker driver tests, made on a real engine with
 * the Engine API's import (POST /images/create?fromSrc=-, what `docker import
 * --change` does): a root filesystem of the host's static /bin/busybox and a
 * /www/health JSON body, with CMD, ENV, LABEL and HEALTHCHECK given as
 * `changes` (Dockerfile lines). No build, no base image, no network.
 *
 * Why import and not POST /build: on this engine (Debian's docker.io 20.10)
 * import accepts every change line these images need, HEALTHCHECK included
 * (the commit/import whitelist is CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK,
 * LABEL, ONBUILD, USER, VOLUME, WORKDIR; STOPSIGNAL, ARG, SHELL and MAINTAINER
 * are refused with 400 'is not a valid change command'), and it is one request
 * with no builder, cache or context to manage. A zero HEALTHCHECK duration
 * (--start-period=0s) is refused too: 'cannot be less than 1ms'.
 *
 * The image has no /bin/sh, and import sets no PATH, so every command is exec
 * form (a JSON array) with absolute paths; busybox's own `sh` runs the default.
 *
 * The default CMD wraps httpd in `busybox sh` with a TERM trap because httpd as
 * PID 1 ignores SIGTERM (the kernel gives PID 1 no default signal actions): a
 * stop would wait out its whole timeout and end in SIGKILL (exit 137), seconds
 * per container. `ignoreSigterm` gives that bare httpd when a test wants it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { followProgress } from './dockerProgress.js';
import { tarArchive, type TarEntry } from './tarArchive.js';

export const HOST_BUSYBOX = '/bin/busybox';

export function testImageSkipReason(): string | undefined {
  if (existsSync(HOST_BUSYBOX) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${HOST_BUSYBOX} is missing (apt-get install busybox-static); the image tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export interface TestImageHealthcheck {
  /** Docker durations ('1s', '500ms'); interval 500ms, timeout 1s and 3 retries unless given, so 'healthy' comes within a second. */
  interval?: string;
  timeout?: string;
  /** None unless given: 0s is refused. */
  startPeriod?: string;
  retries?: number;
}

export interface TestImageOptions {
  /** `repo:tag`, e.g. `127.0.0.1:5000/rewind/app:v1`; the tag is `latest` when missing. */
  ref: string;
  /** Served as `version` in /health. */
  version: string;
  /** Served as `sha` in /health; derived from the version unless given. */
  sha?: string;
  /** The loopback port busybox httpd listens on (containers run with --network host). */
  port: number;
  /**
   * httpd (and the HEALTHCHECK) listen on the container's $PORT instead, and on `port` only when it has none:
   * two containers of one image on two ports (blue/green slots). The image itself sets no PORT.
   */
  portFromEnv?: boolean;
  /** ENV changes. */
  env?: Record<string, string>;
  /** LABEL changes. */
  labels?: Record<string, string>;
  /** A HEALTHCHECK that fetches /health with busybox wget; true for the short defaults. */
  healthcheck?: boolean | TestImageHealthcheck;
  /** The container starts and listens but serves no /health (404), so it never becomes healthy. */
  broken?: boolean;
  /** The container's command exits at once with status 1. */
  exitAtOnce?: boolean;
  /** More files, by absolute path in the image (say '/www/index.html'); their parent dirs are made. /www/health is ours. */
  files?: Record<string, string | Buffer>;
  /** CMD is the bare httpd as PID 1, which ignores SIGTERM: a stop waits for its timeout and kills (exit 137). */
  ignoreSigterm?: boolean;
  /** A CMD of your own, replacing the httpd one (exitAtOnce wins over it). */
  cmd?: string[];
}

export interface HealthBody {
  version: string;
  sha: string;
}

/** Imports the image, tags it as options.ref and returns its ID (`sha256:...`). */
export async function buildTestImage(docker: Dockerode, options: TestImageOptions): Promise<string> {
  // It goes into a shell line inside the image: a number, nothing else.
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new Error(`not a port: ${options.port}`);
  const { repo, tag } = splitRef(options.ref);
  const rootfs = tarArchive(await rootfsEntries(options));
  const query = { repo, tag, changes: imageChanges(options), message: `rewind test ${options.version}` };
  const stream = await docker.importImage(Readable.from([rootfs]), query);
  await followProgress(docker, stream, `importing ${options.ref}`);
  return (await docker.getImage(options.ref).inspect()).Id;
}

export function healthBody(options: Pick<TestImageOptions, 'version' | 'sha'>): HealthBody {
  return { version: options.version, sha: options.sha ?? fakeSha(options.version) };
}

export function httpdCmd(port: number): string[] {
  return [HOST_BUSYBOX, 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www'];
}

/** httpd under a shell that exits 0 on SIGTERM (a graceful stop), or with httpd's status if httpd ends first. */
export function stoppableHttpdCmd(port: number): string[] {
  return [HOST_BUSYBOX, 'sh', '-c', `trap 'exit 0' TERM; ${httpdCmd(port).join(' ')} & wait $!`];
}

export function healthcheckCmd(port: number): string[] {
  return [HOST_BUSYBOX, 'wget', '-q', '-O-', `http://127.0.0.1:${port}/health`];
}

/** The container's $PORT, else `port`: a word for a `busybox sh -c` line. */
function envPort(port: number): string {
  return `\${PORT:-${port}}`;
}

/** stoppableHttpdCmd on the container's $PORT (else `port`). */
export function envPortHttpdCmd(port: number): string[] {
  return [HOST_BUSYBOX, 'sh', '-c', `trap 'exit 0' TERM; ${HOST_BUSYBOX} httpd -f -p 127.0.0.1:${envPort(port)} -h /www & wait $!`];
}

/** healthcheckCmd on the container's $PORT (else `port`), through a shell: exec form expands nothing. */
export function envPortHealthcheckCmd(port: number): string[] {
  return [HOST_BUSYBOX, 'sh', '-c', `${healthcheckCmd(port).slice(0, -1).join(' ')} http://127.0.0.1:${envPort(port)}/health`];
}

/** The Dockerfile lines handed to import as `changes`, one instruction each. */
export function imageChanges(options: TestImageOptions): string[] {
  if (options.portFromEnv && options.ignoreSigterm) throw new Error('portFromEnv needs the shell that ignoreSigterm leaves out');
  const served = options.portFromEnv ? envPortHttpdCmd(options.port) : stoppableHttpdCmd(options.port);
  const cmd = options.exitAtOnce ? [HOST_BUSYBOX, 'false'] : (options.cmd ?? (options.ignoreSigterm ? httpdCmd(options.port) : served));
  const changes = [`CMD ${JSON.stringify(cmd)}`];
  for (const [key, value] of Object.entries(options.env ?? {})) changes.push(`ENV ${envKey(key)}=${quoted(value)}`);
  for (const [key, value] of Object.entries(options.labels ?? {})) changes.push(`LABEL ${quoted(key)}=${quoted(value)}`);
  if (options.healthcheck) {
    const check = options.healthcheck === true ? {} : options.healthcheck;
    const flags = [`--interval=${check.interval ?? '500ms'}`, `--timeout=${check.timeout ?? '1s'}`, `--retries=${check.retries ?? 3}`];
    // The engine refuses a zero duration ('cannot be less than 1ms'), so no start period unless asked for.
    if (check.startPeriod) flags.push(`--start-period=${check.startPeriod}`);
    const probe = options.portFromEnv ? envPortHealthcheckCmd(options.port) : healthcheckCmd(options.port);
    changes.push(`HEALTHCHECK ${flags.join(' ')} CMD ${JSON.stringify(probe)}`);
  }
  return changes;
}

async function rootfsEntries(options: TestImageOptions): Promise<TarEntry[]> {
  const files = new Map<string, string | Buffer>(Object.entries(options.files ?? {}));
  if (!options.broken) files.set('/www/health', `${JSON.stringify(healthBody(options))}\n`);
  const dirs = new Set(['bin/', 'www/']);
  const busybox = await readFile(HOST_BUSYBOX);
  if (hasInterpreter(busybox)) {
    throw new Error(`${HOST_BUSYBOX} is dynamically linked and the image has no libc (apt-get install busybox-static)`);
  }
  const entries: TarEntry[] = [{ path: 'bin/busybox', content: busybox, mode: 0o755 }];
  for (const [path, content] of files) {
    if (!path.startsWith('/') || path.endsWith('/')) throw new Error(`test image file paths are absolute file paths: ${path}`);
    if (path === `/${entries[0]?.path}`) throw new Error(`${path} is the image's busybox; it cannot be replaced`);
    const relative = path.slice(1);
    const parts = relative.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) dirs.add(`${parts.slice(0, depth).join('/')}/`);
    entries.push({ path: relative, content });
  }
  // Directories first, parents before children, so every file lands in a dir the archive made.
  return [...[...dirs].sort().map((path): TarEntry => ({ path })), ...entries];
}

/** `repo:tag` → parts; a colon before the last slash belongs to a registry's host:port. */
export function splitRef(ref: string): { repo: string; tag: string } {
  if (ref.includes('@')) throw new Error(`a test image ref is repo:tag, not a digest: ${ref}`);
  const colon = ref.lastIndexOf(':');
  if (colon <= ref.lastIndexOf('/')) return { repo: ref, tag: 'latest' };
  return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/** Whether a 64-bit little-endian ELF file asks for a dynamic loader (has a PT_INTERP program header). */
function hasInterpreter(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) return false;
  const offset = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let index = 0; index < count; index += 1) {
    const at = offset + index * size;
    if (at + 4 <= elf.length && elf.readUInt32LE(at) === 3) return true;
  }
  return false;
}

function fakeSha(version: string): string {
  return Buffer.from(version).toString('hex').padEnd(40, '0').slice(0, 40);
}

function envKey(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not an environment variable name: ${key}`);
  return key;
}

/**
 * A Dockerfile double-quoted word: backslash escapes the quote, the backslash
 * and `$` (ENV and LABEL expand variables). A line break would end the
 * instruction, so none is allowed.
 */
function quoted(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`a change line cannot hold a line break: ${JSON.stringify(value)}`);
  return `"${value.replace(/[\\"$]/g, '\\$&')}"`;
}
