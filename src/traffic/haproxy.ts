/**
 * Blue/green behind HAProxy, over its runtime API: no file, no reload. A
 * switch sets the new slot's server `state ready`, then the old one's
 * `state drain`, in that order, so at no moment does neither take requests.
 *
 * Why drain and not `weight 0`: both stop new requests to the old slot and
 * let the ones in flight finish, and HAProxy keeps health-checking it, so the
 * warm slot's health stays visible. But drain is HAProxy's admin state for
 * exactly this: it leaves the weights the operator configured alone (`state
 * ready` brings back the configured weight, where `weight 100` would
 * overwrite it), and it shows as DRAIN in `show stat` and on the stats page,
 * so whoever looks at HAProxy sees why a server takes nothing.
 *
 * Runtime changes live in HAProxy's memory: a restart or reload goes back to
 * the config file's states unless the config keeps them (server-state-file).
 */
import { RewindError } from '../core/errors.js';
import { otherSlot, SLOTS, type ProxyState, type Slot, type TrafficProxy } from '../core/traffic.js';
import { askHaproxy, type OpenSocket } from './haproxySocket.js';
import { ADMIN, parseServersState, stateOfServers, whyIdle, type ServerRow } from './haproxyState.js';
import type { HaproxySettings } from './settings.js';

type Rows = Record<Slot, ServerRow>;

/** How long a switch waits for HAProxy's own checks to find a just-started slot up: a few `inter`s of a usual config. */
const CHECKS_WAIT_MS = 10_000;

export function createHaproxyProxy(settings: HaproxySettings, open?: OpenSocket): TrafficProxy {
  const { socket, backend, servers } = settings;
  const ask = (command: string): Promise<string> => askHaproxy(socket, command, undefined, open);
  const source = `haproxy ${socket} backend ${backend}`;
  const server = (slot: Slot): string => `${backend}/${servers[slot]}`;

  const rowsNow = async (): Promise<Rows> => {
    const command = `show servers state ${backend}`;
    const parsed = parseServersState(await ask(command));
    if ('said' in parsed) throw unreachable(`\`${command}\` answered "${parsed.said}"`);
    const find = (slot: Slot): ServerRow => {
      const row = parsed.rows.find((candidate) => candidate.name === servers[slot]);
      if (row) return row;
      const has = parsed.rows.map((candidate) => candidate.name).join(', ') || 'none';
      throw unreachable(`backend ${backend} has no server "${servers[slot]}" for the ${slot} slot (it has: ${has})`);
    };
    return { blue: find('blue'), green: find('green') };
  };

  const unreachable = (message: string): RewindError =>
    new RewindError('TRAFFIC_PROXY_UNREACHABLE', `haproxy ${socket}: ${message}`, { socket, backend });

  /** One `set server` command; HAProxy answers an empty line when it did it, else says why not. */
  const set = async (slot: Slot, state: 'ready' | 'drain' | 'maint'): Promise<string | undefined> => {
    const command = `set server ${server(slot)} state ${state}`;
    const said = (await ask(command)).trim();
    if (said === '') return undefined;
    const hint = /permission denied/i.test(said) ? ' (the stats socket must be `level admin`)' : '';
    return `\`${command}\` answered "${said}"${hint}`;
  };

  /**
   * Put each slot's server back in the admin state it had (only the forced states are the runtime API's to set);
   * what could not be put back, as words for the message.
   */
  const putBack = async (before: Rows): Promise<string> => {
    const failed: string[] = [];
    for (const slot of SLOTS) {
      const admin = before[slot].adminState;
      const said = await set(slot, admin & ADMIN.forcedMaint ? 'maint' : admin & ADMIN.forcedDrain ? 'drain' : 'ready').catch(
        (error: Error) => error.message,
      );
      if (said !== undefined) failed.push(said);
    }
    return failed.length === 0 ? '' : ` (putting them back failed: ${failed.join('; ')})`;
  };

  /**
   * A slot just started is down by HAProxy's checks until they pass (`rise` checks, `inter` apart): wait for
   * that, bounded, rather than refuse a switch the next check would allow.
   */
  const upByItsChecks = async (slot: Slot): Promise<Rows> => {
    const until = Date.now() + (settings.checksWaitMs ?? CHECKS_WAIT_MS);
    for (;;) {
      const rows = await rowsNow();
      const row = rows[slot];
      const downByChecks = (row.adminState & ADMIN.anyMaint) === 0 && row.opState !== 1 && row.opState !== 2;
      if (!downByChecks || Date.now() > until) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const refused = (message: string, slot: Slot): RewindError =>
    new RewindError('TRAFFIC_SWITCH_REFUSED', `haproxy ${socket}: ${message}`, { socket, backend, slot });

  return {
    kind: 'haproxy',

    async read(): Promise<ProxyState> {
      return stateOfServers(await rowsNow(), source);
    },

    async switchTo(slot) {
      const other = otherSlot(slot);
      const before = await upByItsChecks(slot);
      const was = stateOfServers(before, source).live ?? 'no single slot';
      // Only what `state ready` cannot clear: a server down by its checks, or at weight 0, would take nothing. A server in
      // maintenance shows as stopped whatever its checks say, so for one its weight alone can tell.
      const inMaint = (before[slot].adminState & ADMIN.anyMaint) !== 0;
      const blocked = whyIdle({ ...before[slot], adminState: 0, opState: inMaint ? 2 : before[slot].opState });
      if (blocked !== undefined) {
        throw refused(`${server(slot)} (the ${slot} slot) is ${blocked}: it would take no traffic; nothing was switched`, slot);
      }
      const readied = await set(slot, 'ready');
      if (readied !== undefined) throw refused(`${readied}; nothing was switched`, slot);
      // The new slot is ready now: whatever stops the old one draining, both take traffic until they are put back.
      const drained = await set(other, 'drain').catch((error: Error) => error.message);
      if (drained !== undefined) {
        const failed = await putBack(before);
        throw refused(`${drained}; ${server(slot)} is back as it was${failed}, nothing was switched`, slot);
      }
      const after = await rowsNow();
      if (stateOfServers(after, source).live !== slot) {
        const why = whyIdle(after[slot]) ?? `not the only one: ${server(other)} is ${whyIdle(after[other]) ?? 'taking traffic'}`;
        const failed = await putBack(before);
        throw refused(`after the switch ${server(slot)} is ${why}; both servers are back as they were${failed}`, slot);
      }
      return `haproxy: backend ${backend} sends to ${slot} (${server(slot)}, was ${was}); ${server(other)} drains, its requests in ` +
        'flight finish';
    },

    describeSwitch(slot) {
      return `haproxy: would set ${server(slot)} state ready, then ${server(otherSlot(slot))} state drain, over ${socket}`;
    },
  };
}
