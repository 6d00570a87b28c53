/**
 * `show servers state <backend>` read into rows, and the rows into where
 * HAProxy sends traffic. Pure. The answer is a format version line (`1`),
 * a `# be_id be_name srv_id srv_name srv_addr srv_op_state ...` header, then
 * one row per server; the columns are found by name from the header, so a
 * version that adds columns reads the same.
 */
import type { ProxyState, Slot } from '../core/traffic.js';
import { SLOTS } from '../core/traffic.js';
import { hostPort } from './address.js';

export interface ServerRow {
  name: string;
  address: string;
  port: number;
  /** srv_op_state: 0 stopped (down by its checks), 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** srv_admin_state: a bit set (see ADMIN below). */
  adminState: number;
  /** srv_uweight: the weight now (set by the config or `set server ... weight`). */
  weight: number;
}

/**
 * srv_admin_state bits (HAProxy's enum srv_admin). In maintenance: forced (0x01), inherited from a tracked server
 * (0x02), or its address not resolved (0x20): SRV_ADMF_MAINT. Draining: forced (0x08) or inherited (0x10). The others
 * only record why (0x04: `disabled` in the config, which sets 0x01 too; 0x40: FQDN set over the socket).
 */
export const ADMIN = { forcedMaint: 0x01, anyMaint: 0x23, forcedDrain: 0x08, anyDrain: 0x18 } as const;

const OP_STATES = ['stopped', 'starting', 'running', 'stopping'];

/** The rows, or HAProxy's own words when the answer is not a state dump (`Can't find backend.`). */
export function parseServersState(answer: string): { rows: ServerRow[] } | { said: string } {
  const lines = answer.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const header = lines.find((line) => line.startsWith('# '));
  if (lines[0] !== '1' || header === undefined) return { said: lines.join(' ') || 'an empty answer' };
  const columns = header.slice(2).split(/\s+/);
  const at = (fields: string[], name: string): string => fields[columns.indexOf(name)] ?? '';
  const rows = lines
    .filter((line) => line !== '1' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/))
    .map((fields) => ({
      name: at(fields, 'srv_name'),
      address: at(fields, 'srv_addr'),
      port: Number(at(fields, 'srv_port')),
      opState: Number(at(fields, 'srv_op_state')),
      adminState: Number(at(fields, 'srv_admin_state')),
      weight: Number(at(fields, 'srv_uweight')),
    }));
  return { rows };
}

/** A server takes new requests: up (or coming up), in neither maintenance nor drain, with a weight above 0. */
export function takesTraffic(row: ServerRow): boolean {
  return (row.opState === 1 || row.opState === 2) && (row.adminState & (ADMIN.anyMaint | ADMIN.anyDrain)) === 0 && row.weight > 0;
}

/** Why a server takes no new requests, in HAProxy's terms; undefined when it does. */
export function whyIdle(row: ServerRow): string | undefined {
  if ((row.adminState & ADMIN.anyMaint) !== 0) return 'in maintenance';
  if ((row.adminState & ADMIN.anyDrain) !== 0) return 'draining';
  if (row.opState !== 1 && row.opState !== 2) return `${OP_STATES[row.opState] ?? `op state ${row.opState}`} (its health check)`;
  if (row.weight <= 0) return 'at weight 0';
  return undefined;
}

/**
 * Each slot's server as HAProxy has it. Only the two slots' servers count:
 * a backend's other servers (a `backup` sorry page, say) are the operator's.
 */
export function stateOfServers(rows: Record<Slot, ServerRow>, source: string): ProxyState {
  const slot = (name: Slot): ProxyState['slots'][Slot] => ({
    address: hostPort(rows[name].address, rows[name].port),
    enabled: takesTraffic(rows[name]),
  });
  const slots = { blue: slot('blue'), green: slot('green') };
  const enabled = SLOTS.filter((name) => slots[name].enabled);
  return { live: enabled.length === 1 ? (enabled[0] as Slot) : null, slots, source };
}
