/**
 * The upstream include file rewind writes for nginx, and reading it back.
 * Pure: text in, text out. The format, one `server` per slot:
 *
 *   # Written by rewind at every blue/green switch: live green. Edits by hand are replaced at the next switch.
 *   upstream shop {
 *       server 127.0.0.1:3002; # rewind slot green
 *       # server 127.0.0.1:3001; # rewind slot blue (idle)
 *   }
 *
 * The idle slot is a comment, not a `server ... down;`: an upstream of one
 * server never marks it failed (nginx skips max_fails for a lone server), so
 * a moment of refused connections on the live slot cannot turn into ten
 * seconds of "no live upstreams". Reading goes by address, not by the
 * comments: a slot takes traffic when an uncommented `server` line of the
 * block has its host:port without `down` or `backup`. A hand edit in the same
 * shape is read as nginx would serve it.
 */
import type { ProxyState, Slot } from '../core/traffic.js';
import { SLOTS } from '../core/traffic.js';
import { hostPort } from './address.js';

export interface UpstreamLayout {
  upstream: string;
  host: string;
  ports: Record<Slot, number>;
}

/** One `server` line of the block, commented out or not. */
export interface UpstreamServer {
  address: string;
  commented: boolean;
  /** Whatever follows the address up to the `;` (`down`, `weight=2 backup`, ...). */
  parameters: string[];
}

export function renderUpstream(layout: UpstreamLayout, live: Slot): string {
  const line = (slot: Slot): string => {
    const server = `server ${hostPort(layout.host, layout.ports[slot])}; # rewind slot ${slot}`;
    return slot === live ? `    ${server}\n` : `    # ${server} (idle)\n`;
  };
  return (
    `# Written by rewind at every blue/green switch: live ${live}. Edits by hand are replaced at the next switch.\n` +
    `upstream ${layout.upstream} {\n${line(live)}${SLOTS.filter((slot) => slot !== live).map(line).join('')}}\n`
  );
}

/** The `server` lines of `upstream <name> { ... }`, or undefined when the text holds no such block. */
export function upstreamServers(text: string, upstream: string): UpstreamServer[] | undefined {
  const lines = text.split(/\r?\n/);
  const pattern = new RegExp(`^\\s*upstream\\s+${escapeRegExp(upstream)}\\s*\\{`);
  const opening = lines.findIndex((line) => pattern.test(line));
  if (opening === -1) return undefined;
  const servers: UpstreamServer[] = [];
  // The block may start on the opening line itself: `upstream shop { server 127.0.0.1:3001; }`.
  const body = [(lines[opening] as string).replace(pattern, ''), ...lines.slice(opening + 1)];
  for (const line of body) {
    // A commented-out line's servers are idle ones; on any other line, what follows `#` is a note.
    const commented = /^\s*#/.test(line);
    const code = (commented ? line.replace(/^\s*#/, '') : line).split('#')[0] as string;
    const closes = !commented && code.includes('}');
    for (const match of (closes ? (code.split('}')[0] as string) : code).matchAll(/(?:^|[\s;])server\s+([^\s;]+)([^;]*);/g)) {
      const parameters = (match[2] as string).trim().split(/\s+/).filter(Boolean);
      servers.push({ address: match[1] as string, commented, parameters });
    }
    if (closes) return servers;
  }
  // No closing brace: nginx would refuse this file, so it is not what nginx serves from.
  return undefined;
}

/** Where nginx sends traffic by this file: each slot's server, and the slot that takes it all (if one does). */
export function stateOfUpstream(servers: readonly UpstreamServer[], layout: UpstreamLayout, source: string): ProxyState {
  const takesTraffic = (server: UpstreamServer): boolean =>
    !server.commented && !server.parameters.includes('down') && !server.parameters.includes('backup');
  const addresses = new Map(SLOTS.map((slot) => [slot, hostPort(layout.host, layout.ports[slot]).toLowerCase()]));
  const slotState = (slot: Slot): ProxyState['slots'][Slot] => {
    const own = servers.filter((server) => server.address.toLowerCase() === addresses.get(slot));
    return { address: own[0]?.address ?? null, enabled: own.some(takesTraffic) };
  };
  const slots = { blue: slotState('blue'), green: slotState('green') };
  // A server that is neither slot's takes a share of the traffic: then no slot has it all.
  const strangers = servers.filter((server) => takesTraffic(server) && ![...addresses.values()].includes(server.address.toLowerCase()));
  const enabled = SLOTS.filter((slot) => slots[slot].enabled);
  const live = enabled.length === 1 && strangers.length === 0 ? (enabled[0] as Slot) : null;
  return { live, slots, source };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
