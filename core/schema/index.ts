// The event table and the name tables sysdig prints with, built once from the generated rows
// (core/schema/generated, produced by scripts/gen-schema.mjs from falcosecurity/libs).
import { DYN_TABLES } from './generated/dynparams.js';
import { COMPAT_EVENT_MAX, EVENT_ROWS, NEWEST_EVENT_MAX } from './generated/events.js';
import { FLAG_TABLES } from './generated/flags.js';
import { ERRNO_NAMES, PT_NAMES, SIGNAL_NAMES, SYSCALL_NAMES } from './generated/names.js';
import type { EventRow, ParamRow } from './rows.js';
import { PT, type EventInfo, type ParamInfo } from './types.js';

export {
  COMPAT_EVENT_MAX,
  NEWEST_EVENT_MAX,
  ERRNO_NAMES,
  SIGNAL_NAMES,
  SYSCALL_NAMES,
  PT_NAMES,
  FLAG_TABLES,
  DYN_TABLES,
};
export { PPME } from './generated/ppme.js';
export * from './types.js';

function toParam(row: ParamRow): ParamInfo {
  const [name, type, fmt, extra] = row as readonly [string, PT, number, (string | number)?];
  if (extra === undefined) return { name, type, fmt };
  if (typeof extra === 'number') return { name, type, fmt, dirfdParam: extra };
  if (type === PT.DYN) return { name, type, fmt, dyn: DYN_TABLES[extra] };
  return { name, type, fmt, flags: FLAG_TABLES[extra] };
}

function toEvent(row: EventRow, code: number): EventInfo {
  return {
    code,
    name: row[0],
    dir: code % 2 === 0 ? '>' : '<',
    category: row[1],
    flags: row[2],
    params: row[3].map(toParam),
  };
}

/** Every known event, indexed by code: sysdig 0.29.3's codes, then newer libs' (see COMPAT_EVENT_MAX). */
export const EVENTS: readonly EventInfo[] = EVENT_ROWS.map(toEvent);

const unknownCache = new Map<number, EventInfo>();

/**
 * The table entry for `code`, or a synthetic entry named 'unknown' (no params, EC_UNKNOWN) for
 * codes past the table: a capture from a newer driver must still be listable.
 */
export function eventInfo(code: number): EventInfo {
  const e = EVENTS[code];
  if (e !== undefined) return e;
  let u = unknownCache.get(code);
  if (u === undefined) {
    u = { code, name: 'unknown', dir: code % 2 === 0 ? '>' : '<', category: 0, flags: 0, params: [] };
    unknownCache.set(code, u);
  }
  return u;
}

/** True when `code` is past sysdig 0.29.3's table (newer libs event, or unknown). */
export function isNewerThanCompat(code: number): boolean {
  return code >= COMPAT_EVENT_MAX;
}

let byName: Map<string, number[]> | undefined;

/** All codes whose event name is `name` (both directions, every version), ascending. */
export function eventCodesByName(name: string): number[] {
  if (byName === undefined) {
    byName = new Map();
    for (const e of EVENTS) {
      const list = byName.get(e.name);
      if (list) list.push(e.code);
      else byName.set(e.name, [e.code]);
    }
  }
  return [...(byName.get(name) ?? [])];
}

/**
 * The name sysdig appends to a PT_ERRNO value (`res=-11(EAGAIN)`), or undefined. libsinsp only
 * resolves negative values, after truncating the int64 to int32.
 */
export function errnoName(res: bigint | number): string | undefined {
  const v = typeof res === 'bigint' ? Number(BigInt.asIntN(32, res)) : res | 0;
  return v < 0 ? ERRNO_NAMES.get(-v) : undefined;
}

/** PT_SIGTYPE name (SIGKILL...), or undefined for obscure/unknown numbers. */
export function signalName(sig: number): string | undefined {
  return SIGNAL_NAMES.get(sig);
}

/** PT_SYSCALLID name, or undefined past the 0.29.3 ppm_sc table (sysdig prints `<unknown syscall>`). */
export function syscallName(id: number): string | undefined {
  return SYSCALL_NAMES[id];
}

/** The type name sysdig -L and -l print for a PT_* value ('<NA>' for types 0.29.3 cannot name). */
export function paramTypeName(type: number): string {
  return PT_NAMES[type] ?? '<NA>';
}
