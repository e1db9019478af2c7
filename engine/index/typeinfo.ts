// Per event code lookup tables the indexer and the scans use instead of string compares.
import { EC, EVENTS, SYSCALL_NAMES, type EventInfo } from '../../core/schema/index.js';
import { IoDir, ioDirOf, isIoType } from '../../core/views/classify.js';
import { failParam } from '../../core/views/metrics.js';
import { GENERIC_KEY_BASE } from './columns.js';
import { MARK_BIT } from '../../core/overview/tiles.js';

export const enum TF {
  EXIT = 1,
  IN = 2,
  OUT = 4,
  IO = 8,
  OPEN = 16,
  SWITCH = 32,
  MEMORY = 64,
  /** Not a system call row (internal, scheduler and meta events). */
  NOT_SYSCALL = 128,
  /** Events that signal something the overview marks by type alone. */
  RES_IS_SIGNED = 256,
  /** Not counted as an event (evt.count): sched switches and internal events (procinfo,
   *  container...) which sysdig does not print. */
  UNCOUNTED = 512,
  /** procinfo: carries the thread's user+system CPU tick counters. */
  PROCINFO = 1024,
}

const OPEN_NAMES = new Set(['open', 'openat', 'openat2', 'creat', 'open_by_handle_at']);

export const NCODES = 0x10000;
export const typeFlags = new Uint16Array(NCODES);
/** Event code → position of a named parameter (-1 none), for the few the marks need. */
export function paramPos(name: string): Int16Array {
  const a = new Int16Array(EVENTS.length).fill(-1);
  EVENTS.forEach((e, c) => {
    const k = e.params.findIndex((p) => p.name === name);
    a[c] = k;
  });
  return a;
}

for (const e of EVENTS) {
  let f = 0;
  if ((e.code & 1) === 1) f |= TF.EXIT;
  const d = ioDirOf(e);
  if (d === IoDir.IN) f |= TF.IN;
  if (d === IoDir.OUT) f |= TF.OUT;
  if (isIoType(e)) f |= TF.IO;
  if (OPEN_NAMES.has(e.name)) f |= TF.OPEN;
  if (e.name === 'switch') f |= TF.SWITCH | TF.UNCOUNTED;
  if (e.name === 'procinfo') f |= TF.PROCINFO;
  // Container metadata events are state carriers: sysdig prints none of them either.
  if (e.category & EC.INTERNAL || e.name === 'container') f |= TF.UNCOUNTED;
  if (e.category === EC.MEMORY) f |= TF.MEMORY;
  if (e.category & (EC.INTERNAL | EC.SCHEDULER | EC.METAEVENT) || e.name === 'NA') f |= TF.NOT_SYSCALL;
  // evt.failed's parameter, always the first where there is one (core/views/views.test.ts).
  if (failParam(e.code) === 0) f |= TF.RES_IS_SIGNED;
  typeFlags[e.code] = f;
}
// Generic syscall events: a result, no fd semantics.
for (let k = GENERIC_KEY_BASE; k < NCODES; k++) typeFlags[k] = k & 1 ? TF.EXIT : 0;

/** The event code a stored type key stands for. */
export function codeOfKey(key: number): number {
  return key >= GENERIC_KEY_BASE ? (key - GENERIC_KEY_BASE) & 1 : key;
}

/** evt.type text of a stored type key. */
export function typeNameOfKey(key: number): string {
  if (key >= GENERIC_KEY_BASE) return SYSCALL_NAMES[(key - GENERIC_KEY_BASE) >> 1] ?? 'syscall';
  return (EVENTS[key] as EventInfo | undefined)?.name ?? 'unknown';
}

/** Event codes (both directions) whose name is one of `names`. */
export function codesNamed(names: readonly string[]): Set<number> {
  const s = new Set(names);
  return new Set(EVENTS.filter((e) => s.has(e.name)).map((e) => e.code));
}

export function markBit(id: string): number {
  const b = MARK_BIT.get(id);
  if (b === undefined) throw new Error(`no mark tile ${id}`);
  return 1 << b;
}
