// The event table and the name tables sysdig prints with, built once from the generated data
// (core/schema/generated, produced by scripts/gen-schema.mjs from falcosecurity/libs).
import { COMPAT_EVENT_MAX, DATA, NEWEST_EVENT_MAX } from './generated/data.js';
import type { EventRow, FlagRow, ParamRow } from './rows.js';
import { PT, type DynParam, type EventInfo, type FlagName, type ParamInfo } from './types.js';

export { COMPAT_EVENT_MAX, NEWEST_EVENT_MAX };
export { PPME } from './generated/ppme.js';
import { PPME as CODES } from './generated/ppme.js';

/** The container description events (PPME_CONTAINER_E and the two JSON versions). */
export const isContainerEvent = (code: number): boolean =>
  code === CODES.CONTAINER_JSON_E || code === CODES.CONTAINER_JSON_2_E || code === CODES.CONTAINER_E;
export * from './types.js';

const flagTableCache = new Map<string, readonly FlagName[]>();
const dynTableCache = new Map<string, readonly DynParam[]>();

/** A ppm_name_value table by its C name (`file_flags`, `clone_flags`...), in table order. */
export function flagTable(name: string): readonly FlagName[] | undefined {
  let t = flagTableCache.get(name);
  if (t === undefined) {
    const rows: readonly FlagRow[] | undefined = DATA.flags[name];
    if (rows === undefined) return undefined;
    t = rows.map(([n, value]) => ({ name: n, value }));
    flagTableCache.set(name, t);
  }
  return t;
}

/** A PT_DYN sub-parameter table by its C name (`sockopt_dynamic_param`...). */
export function dynTable(name: string): readonly DynParam[] | undefined {
  let t = dynTableCache.get(name);
  if (t === undefined) {
    const rows = DATA.dyn[name];
    if (rows === undefined) return undefined;
    t = rows.map(([type, fmt]) => ({ name: '', type, fmt }));
    dynTableCache.set(name, t);
  }
  return t;
}

/** Names of all flag tables (newer libs' variants carry an `@newest` suffix). */
export const FLAG_TABLE_NAMES: readonly string[] = Object.keys(DATA.flags);

function toParam(row: ParamRow): ParamInfo {
  const [name, type, fmt, extra] = row as readonly [string, PT, number, (string | number)?];
  if (extra === undefined) return { name, type, fmt };
  if (typeof extra === 'number') return { name, type, fmt, dirfdParam: extra };
  if (type === PT.DYN) return { name, type, fmt, dyn: dynTable(extra) };
  return { name, type, fmt, flags: flagTable(extra) };
}

/**
 * A table entry. Parameters are decoded from the generated row on first use: most runs touch a
 * few dozen of the 454 event types, and the CLI pays start-up on every invocation.
 */
class TableEvent implements EventInfo {
  readonly name: string;
  readonly dir: '>' | '<';
  readonly category: number;
  readonly flags: number;
  #rows: readonly ParamRow[];
  #params: readonly ParamInfo[] | undefined;
  #newerRows: readonly ParamRow[] | undefined;
  #newerParams: readonly ParamInfo[] | undefined;

  constructor(
    readonly code: number,
    row: EventRow,
  ) {
    this.name = row[0];
    this.dir = code % 2 === 0 ? '>' : '<';
    this.category = row[1];
    this.flags = row[2];
    this.#rows = row[3];
    this.#newerRows = row[4];
  }

  get params(): readonly ParamInfo[] {
    return (this.#params ??= this.#rows.map(toParam));
  }

  /** Getters live on the prototype; spell them out so JSON (protocol messages) carries them. */
  toJSON(): EventInfo {
    const { code, name, dir, category, flags, params, newerParams } = this;
    return newerParams
      ? { code, name, dir, category, flags, params, newerParams }
      : { code, name, dir, category, flags, params };
  }

  get newerParams(): readonly ParamInfo[] | undefined {
    if (this.#newerRows === undefined) return undefined;
    return (this.#newerParams ??= this.#newerRows.map(toParam));
  }
}

/** Every known event, indexed by code: sysdig 0.29.3's codes, then newer libs' (see COMPAT_EVENT_MAX). */
export const EVENTS: readonly EventInfo[] = DATA.events.map((row, code) => new TableEvent(code, row));

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

/** errno number (positive) -> the name sinsp_utils::errno_to_str gives. */
export const ERRNO_NAMES: ReadonlyMap<number, string> = new Map(DATA.errno);

/** Signal number -> name (sinsp_utils::signal_to_str), for PT_SIGTYPE. */
export const SIGNAL_NAMES: ReadonlyMap<number, string> = new Map(DATA.signals);

/** ppm_sc code -> syscall name (0.29.3's g_syscall_info_table), for PT_SYSCALLID. */
export const SYSCALL_NAMES: readonly string[] = DATA.syscalls;

/** PT_* -> the type name `sysdig -L`/`-l` print ('<NA>' for types 0.29.3 cannot name). */
export const PT_NAMES: readonly string[] = DATA.typeNames;

/**
 * The name sysdig appends to a PT_ERRNO value (`res=-11(EAGAIN)`), or undefined. libsinsp only
 * resolves negative values, after truncating the int64 to int32.
 */
export function errnoName(res: bigint | number): string | undefined {
  const v = typeof res === 'bigint' ? Number(BigInt.asIntN(32, res)) : res | 0;
  return v < 0 ? ERRNO_NAMES.get(-v) : undefined;
}

/** PT_SIGTYPE name (SIGKILL...), or undefined for numbers signal_to_str does not name. */
export function signalName(sig: number): string | undefined {
  return SIGNAL_NAMES.get(sig);
}

/** PT_SYSCALLID name, or undefined past the 0.29.3 ppm_sc table (sysdig prints `<unknown syscall>`). */
export function syscallName(id: number): string | undefined {
  return SYSCALL_NAMES[id];
}

/**
 * The type name sysdig -L and -l print for a PT_* value ('<NA>' for the types 0.29.3 has no name
 * for). With `newer`, such types get their newest libs enum name instead (ENUMFLAGS32...), for
 * listing events sysdig 0.29.3 does not know anyway.
 */
export function paramTypeName(type: number, newer = false): string {
  const name = PT_NAMES[type] ?? '<NA>';
  return newer && name === '<NA>' ? DATA.typeEnumNames[type] || name : name;
}
