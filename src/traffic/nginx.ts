/**
 * Blue/green behind nginx: rewind owns one include file holding the upstream
 * block (format in nginxUpstream.ts) and nginx's config includes it. A switch
 * writes the file atomically, has nginx validate its whole config with it,
 * then reloads nginx. Nothing half-done stays behind: a config that does not
 * validate puts the old file back and reloads nothing; a reload that fails
 * puts the old file back and reloads again, so nginx and the file agree.
 *
 * `nginx -s reload` only signals the master: new workers take new requests
 * within milliseconds while the old ones finish theirs on the old slot.
 * Whether the new slot answers through nginx is the caller's probe (`url`).
 */
import { RewindError } from '../core/errors.js';
import type { CommandResult, Exec, Files } from '../core/ports.js';
import { reasonLine } from '../core/reasonLine.js';
import type { ProxyState, Slot, TrafficProxy } from '../core/traffic.js';
import { hostPort } from './address.js';
import { renderUpstream, stateOfUpstream, upstreamServers, type UpstreamLayout } from './nginxUpstream.js';
import type { NginxSettings } from './settings.js';

/** nginx -t and a reload take well under a second; a minute is a machine in trouble, and the run must not hang on it. */
const COMMAND_TIMEOUT_MS = 60_000;

export interface NginxIo {
  exec: Exec;
  files: Files;
}

export function createNginxProxy(settings: NginxSettings, ports: Record<Slot, number>, io: NginxIo): TrafficProxy {
  const layout: UpstreamLayout = { upstream: settings.upstream, host: settings.host, ports };
  const file = settings.upstreamFile;
  const source = `upstream file ${file}`;
  const target = (slot: Slot): string => `${slot} (${hostPort(settings.host, ports[slot])})`;

  const stateOf = (text: string): ProxyState => {
    const servers = upstreamServers(text, settings.upstream);
    if (servers === undefined) {
      throw new RewindError(
        'TRAFFIC_PROXY_UNREACHABLE',
        `nginx: ${file} holds no complete \`upstream ${settings.upstream} { ... }\` block (rewind writes one at every switch)`,
        { file },
      );
    }
    return stateOfUpstream(servers, layout, source);
  };

  const readText = async (): Promise<string | undefined> => {
    try {
      return await io.files.readFile(file);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : String((error as Error).message);
      const message = `nginx: cannot read the upstream file ${file}: ${why}`;
      throw new RewindError('TRAFFIC_PROXY_UNREACHABLE', message, { file }, { cause: error });
    }
  };

  /** The file as it was before this switch: written back, or removed when there was none. */
  const restore = async (previous: string | undefined): Promise<void> => {
    if (previous === undefined) await io.files.remove(file);
    else await io.files.writeFileAtomic(file, previous);
  };

  return {
    kind: 'nginx',

    async read() {
      const text = await readText();
      if (text === undefined) {
        throw new RewindError(
          'TRAFFIC_PROXY_UNREACHABLE',
          `nginx: the upstream file ${file} does not exist (rewind writes it at the first switch; nginx's config includes it)`,
          { file, missing: true },
        );
      }
      return stateOf(text);
    },

    async switchTo(slot) {
      const previous = await readText();
      const was = previous === undefined ? 'no upstream file' : wasLive(() => stateOf(previous));
      await io.files.writeFileAtomic(file, renderUpstream(layout, slot));

      const tested = await attempt(io.exec, settings.test);
      if (tested.failed !== undefined) {
        await restore(previous);
        throw refused(`the config with ${target(slot)} live does not validate (\`${show(settings.test)}\`: ${tested.failed}); ` +
          `nothing was reloaded, and ${file} is back as it was`, file, slot);
      }
      const reloaded = await attempt(io.exec, settings.reload);
      if (reloaded.failed !== undefined) {
        await restore(previous);
        const again = await attempt(io.exec, settings.reload);
        const after = again.failed === undefined
          ? `${file} is back as it was and nginx was reloaded with it`
          : `${file} is back as it was, but reloading with it failed too (${again.failed}): check that nginx runs`;
        throw refused(`the reload for ${target(slot)} failed (\`${show(settings.reload)}\`: ${reloaded.failed}); ${after}`, file, slot);
      }
      return `nginx: upstream ${settings.upstream} sends to ${target(slot)} (was ${was}); ` +
        `\`${show(settings.test)}\` passed, nginx reloaded`;
    },

    describeSwitch(slot) {
      return `nginx: would write ${file} with ${target(slot)} live in upstream ${settings.upstream}, ` +
        `run \`${show(settings.test)}\`, then \`${show(settings.reload)}\``;
    },
  };
}

/** One of the configured commands: undefined `failed` when it exited 0, else nginx's own words about why not. */
async function attempt(exec: Exec, argv: readonly string[]): Promise<{ failed?: string }> {
  let result: CommandResult;
  try {
    result = await exec.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
  } catch (error) {
    return { failed: `cannot start ${argv[0]}: ${(error as Error).message.split('\n')[0]}` };
  }
  return result.code === 0 ? {} : { failed: nginxSaid(result) };
}

/**
 * nginx ends a failed test with "configuration file ... test failed": the
 * reason is its [emerg] (or [alert], [crit], [error]) line before that.
 */
export function nginxSaid(result: Pick<CommandResult, 'code' | 'stdout' | 'stderr'>): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split(/\r?\n/)
    // `error_log stderr` writes log lines: their time and pid#tid say nothing about why.
    .map((line) => line.trim().replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d (\[\w+\]) \d+#\d+: /, 'nginx: $1 '));
  // The most severe first: as another user, an [alert] that the default error log cannot be opened comes before the [emerg].
  const flagged = ['emerg', 'alert', 'crit', 'error'].map((level) => lines.find((line) => line.includes(`[${level}]`))).find(Boolean);
  const said = flagged ?? (reasonLine(result.stderr) || reasonLine(result.stdout));
  return said === '' ? `exit code ${result.code}` : `${said} (exit code ${result.code})`;
}

function wasLive(read: () => ProxyState): string {
  try {
    return read().live ?? 'no single slot';
  } catch {
    return 'an upstream file rewind could not read';
  }
}

function refused(message: string, file: string, slot: Slot): RewindError {
  return new RewindError('TRAFFIC_SWITCH_REFUSED', `nginx: ${message}`, { file, slot });
}

function show(argv: readonly string[]): string {
  return argv.join(' ');
}
